// The saved best model of a sweep (models/best.json): everything needed to predict new rows with no other
// file — the feature schema new rows are read onto, the target (name, task, class names), and one or more
// members (an ensemble's are weighted), each its fitted preprocessing and fitted model as plain JSON.
// Plus what it scored and on which data, so a model file found on its own still says where it came from.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRecipeToFile } from '../clean/applyFile.js';
import { UserError } from '../errors.js';
import { isRecord } from '../../protocol/jsonShape.js';
import type { TrialConfig } from '../search/types.js';
import { modelFamily } from './models/index.js';
import { loadPreprocessor } from './preprocess.js';
import type { SavedPreprocessor } from './preprocess.js';
import { loadFeatures } from './table.js';
import type { Recipe, RecipeStep } from '../../protocol/recipe.js';
import type { FeatureColumn, FeatureSchema, MetricName, ModelKind, Predictor, SavedModel, Task } from './types.js';

export const MODEL_PACKAGE_FORMAT = 'mllab-model';
export const MODEL_PACKAGE_VERSION = 1;

export interface PackageMember {
  trial: number;
  weight: number;
  config: TrialConfig;
  preprocessing: SavedPreprocessor;
  model: SavedModel;
}

export interface ModelPackage {
  format: typeof MODEL_PACKAGE_FORMAT;
  schemaVersion: number;
  features: FeatureSchema[];
  target: { name: string; task: Task; classes: string[] | null };
  kind: 'trial' | 'ensemble';
  members: PackageMember[];
  metric: MetricName;
  /** Cross-validated (out-of-fold) score of this model. */
  score: number;
  dataset: { path: string; sha256: string; rows: number };
  /**
   * When the training file is a cleaned dataset version ML Lab recorded (`.mllab/datasets/<sha256>.json`):
   * the file it was cleaned from and the fitted Recipe. The model's input is then the source's columns:
   * predict replays the Recipe's row-by-row steps first, so training and prediction cannot disagree.
   */
  lineage?: { parent: { hash: string; path: string } | null; recipe: Recipe };
  experimentId: string;
  backend: string | null;
  created: string;
}

export interface LoadedModel {
  readonly package: ModelPackage;
  /** Rows × classes probabilities (classification) or one value per row, for features read onto the schema. */
  predict(features: readonly FeatureColumn[]): Float64Array;
}

const TFJS_KINDS: readonly ModelKind[] = ['linear', 'mlp'];

/** Checks a parsed package; a UserError names what is wrong with the file. */
export function parseModelPackage(parsed: unknown, where: string): ModelPackage {
  if (!isRecord(parsed) || parsed.format !== MODEL_PACKAGE_FORMAT) throw new UserError('BAD_ARGUMENT', `${where} is not an ML Lab model (no "format": "${MODEL_PACKAGE_FORMAT}").`);
  if (parsed.schemaVersion !== MODEL_PACKAGE_VERSION) throw new UserError('BAD_ARGUMENT', `${where} is an ML Lab model of version ${String(parsed.schemaVersion)}; this build reads version ${MODEL_PACKAGE_VERSION}.`);
  if (!Array.isArray(parsed.features) || !isRecord(parsed.target) || !Array.isArray(parsed.members) || parsed.members.length === 0) {
    throw new UserError('BAD_ARGUMENT', `${where} is damaged: its features, target or members are missing.`);
  }
  return parsed as unknown as ModelPackage;
}

/** Reads and checks a model file; a UserError says what is wrong (missing, unreadable, not JSON, not a model). */
export async function readModelPackage(path: string): Promise<ModelPackage> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new UserError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', code === 'ENOENT' ? `${path} does not exist.` : `Cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError('BAD_ARGUMENT', `${path} is not JSON: not an ML Lab model.`);
  }
  return parseModelPackage(parsed, path);
}

export async function loadModelPackage(path: string): Promise<LoadedModel> {
  const pkg = await readModelPackage(path);
  if (pkg.members.some((m) => TFJS_KINDS.includes(m.config.model))) {
    const { initTensorflow } = await import('./tensorflow.js');
    await initTensorflow();
  }
  return modelFromPackage(pkg);
}

export function modelFromPackage(pkg: ModelPackage): LoadedModel {
  const members: { weight: number; predictor: Predictor; prep: ReturnType<typeof loadPreprocessor> }[] = pkg.members.map((m) => ({
    weight: m.weight,
    predictor: modelFamily(m.config.model).load(m.model),
    prep: loadPreprocessor(m.preprocessing),
  }));
  const total = members.reduce((a, m) => a + m.weight, 0);
  return {
    package: pkg,
    predict(features) {
      let out: Float64Array | null = null;
      for (const m of members) {
        const p = m.predictor.predict(m.prep.transform(features));
        if (!out) out = new Float64Array(p.length);
        for (let i = 0; i < p.length; i++) out[i] = (out[i] ?? 0) + (m.weight / total) * (p[i] ?? 0);
      }
      return out ?? new Float64Array(0);
    },
  };
}

/** Steps that change which rows there are (dedupe, drop, oversample) only make sense for training data. */
const TRAINING_ONLY_OPS: ReadonlySet<RecipeStep['op']> = new Set(['dropDuplicateRows', 'dropRowsMissing', 'oversample', 'smote']);

/**
 * The Recipe as prediction replays it: one output row per input row, and nothing that needs the target
 * (a file to predict has no target; if it has one, the model ignores it).
 */
export function stepsForPrediction(steps: readonly RecipeStep[], target: string): RecipeStep[] {
  const kept: RecipeStep[] = [];
  for (const step of steps) {
    if (TRAINING_ONLY_OPS.has(step.op)) continue;
    if ('column' in step && step.column === target) continue;
    if ('columns' in step) {
      const columns = step.columns.filter((c) => c !== target);
      if (columns.length === 0) continue;
      kept.push({ ...step, columns });
      continue;
    }
    kept.push(step);
  }
  return kept;
}

export interface Predictions {
  /** `prediction`, then `proba_<class>` per class for classification. */
  header: string[];
  /** One row per input row, in input order. */
  rows: (string | number)[][];
  /** Categorical values the model never saw (read as missing). */
  unknownCategories: { name: string; cells: number; examples: string[] }[];
}

/** Predictions for every row of a CSV, in file order; its target column (or any extra column) is ignored. */
export async function predictFile(modelPath: string, csvPath: string, options: { signal?: AbortSignal } = {}): Promise<Predictions> {
  const model = await loadModelPackage(modelPath);
  const pkg = model.package;
  const readOptions = options.signal ? { signal: options.signal } : {};
  let loaded: Awaited<ReturnType<typeof loadFeatures>>;
  if (pkg.lineage) {
    // Raw rows in: the Recipe's row-by-row steps turn them into what the model trained on, through a
    // private temporary file (streamed, so a large input does not have to fit in memory).
    const dir = await mkdtemp(join(tmpdir(), 'mllab-predict-'));
    try {
      const cleaned = join(dir, 'input.csv');
      await applyRecipeToFile(csvPath, { ...pkg.lineage.recipe, steps: stepsForPrediction(pkg.lineage.recipe.steps, pkg.target.name) }, cleaned, { force: true, ...readOptions });
      loaded = await loadFeatures(cleaned, pkg.features, readOptions);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    loaded = await loadFeatures(csvPath, pkg.features, readOptions);
  }
  const values = loaded.rows === 0 ? new Float64Array(0) : model.predict(loaded.features);
  const classes = pkg.target.classes;
  if (pkg.target.task === 'regression' || !classes) {
    return { header: ['prediction'], rows: Array.from(values, (v) => [v]), unknownCategories: loaded.unknownCategories };
  }
  const k = classes.length;
  const rows: (string | number)[][] = [];
  for (let r = 0; r < loaded.rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[r * k + c]! > values[r * k + best]!) best = c;
    const row: (string | number)[] = [classes[best]!];
    for (let c = 0; c < k; c++) row.push(values[r * k + c]!);
    rows.push(row);
  }
  return { header: ['prediction', ...classes.map((c) => `proba_${c}`)], rows, unknownCategories: loaded.unknownCategories };
}
