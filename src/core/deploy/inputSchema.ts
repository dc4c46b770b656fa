// The input schema of a model (schema.json of a package, GET /schema of the server): the columns a row to
// predict must carry, with what training saw in each — type, whether it was ever missing, every category
// (exact), the numeric range. It comes from the training file's profile (the workspace's profile cache when
// it holds the file, else a fresh profile). For a model trained on a cleaned dataset version, the input is
// the source file's raw columns (prediction replays the Recipe first), so the schema describes the source.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { cancelled, UserError } from '../errors.js';
import { dataRecords, readLayout } from '../clean/applyFile.js';
import { trimCell } from '../clean/cells.js';
import { compileRecipe } from '../clean/steps.js';
import { stepsForPrediction } from '../ml/modelPackage.js';
import type { ModelPackage } from '../ml/modelPackage.js';
import { profileFile } from '../profile/profileFile.js';
import { hashFile, ProfileCache } from '../store/profileCache.js';
import { nodeStoreFs } from '../store/atomicFile.js';
import { DEPLOY_SCHEMA_VERSION, INPUT_SCHEMA_FORMAT } from '../../protocol/deploy.js';
import type { InputColumn, InputSchema } from '../../protocol/deploy.js';
import { isRecord } from '../../protocol/jsonShape.js';
import { DEFAULT_MISSING_TOKENS } from '../../protocol/profile.js';
import type { ColumnProfile, DatasetProfile, ProfileOptions } from '../../protocol/profile.js';
import type { RecipeStep } from '../../protocol/recipe.js';

export interface InputSchemaOptions {
  signal?: AbortSignal;
  /** The folder holding `.mllab` (profile cache, dataset versions); default: found upward from the training file. */
  workspace?: string;
  /**
   * Where the package was read from. An exported folder carries its schema.json beside model.json: that one
   * is used, so a deployed package needs no training data.
   */
  modelPath?: string;
}

/** schema.json beside a model file (an exported package folder), or null when there is none. */
export async function packagedInputSchema(modelPath: string): Promise<InputSchema | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dirname(modelPath), 'schema.json'), 'utf8'));
  } catch {
    return null;
  }
  return isRecord(parsed) && parsed.format === INPUT_SCHEMA_FORMAT && Array.isArray(parsed.columns) && isRecord(parsed.target) ? (parsed as unknown as InputSchema) : null;
}

/** How often (rows) the category pass checks for a cancel. */
const CHECK_ROWS = 20_000;

export async function inputSchemaFor(pkg: ModelPackage, options: InputSchemaOptions = {}): Promise<InputSchema> {
  const signal = options.signal;
  const packaged = options.modelPath ? await packagedInputSchema(options.modelPath) : null;
  if (packaged) return packaged;
  const workspace = options.workspace ?? (await workspaceOf(pkg.dataset.path));
  if (pkg.lineage && !pkg.lineage.parent) {
    throw new UserError('NOT_FOUND', `The model was trained on ${pkg.dataset.path}, a cleaned version whose source file is not recorded: its raw input columns are unknown.`);
  }
  // The file the model's input looks like, and the hash it had when the model was trained.
  const source = pkg.lineage?.parent ? { path: resolveIn(workspace, pkg.lineage.parent.path, pkg.dataset.path), sha256: pkg.lineage.parent.hash } : { path: pkg.dataset.path, sha256: pkg.dataset.sha256 };
  const profileOptions: ProfileOptions = { missingTokens: pkg.lineage ? [...pkg.lineage.recipe.missingTokens] : [...DEFAULT_MISSING_TOKENS], threads: 0 };

  const sourceStat = await stat(source.path).catch(() => null);
  if (!sourceStat?.isFile()) {
    throw new UserError('NOT_FOUND', `The model's input schema comes from its training data, ${source.path}, which is gone. Restore the file to export or serve this model.`);
  }
  const cache = workspace ? new ProfileCache(join(workspace, '.mllab')) : null;
  const knownHash = cache ? await cache.knownHash(source.path) : null;
  const sha256 = knownHash ?? (await hashFile(nodeStoreFs, source.path, signal));
  if (sha256 !== source.sha256) {
    throw new UserError('FILE_CHANGED', `${source.path} changed since the model was trained on it (sha256 ${source.sha256.slice(0, 12)}, now ${sha256.slice(0, 12)}): its input schema would describe other data. Restore that version of the file.`);
  }
  let profile = cache ? await cache.lookup(source.path, profileOptions) : null;
  if (!profile) {
    profile = await profileFile(source.path, profileOptions, signal ? { signal } : {});
    // Next time (serve after export, drift) it is a cache hit; a cache that cannot be written costs only speed.
    if (cache) await cache.store(source.path, profile, profileOptions, sha256).catch(() => undefined);
  }
  if (signal?.aborted) throw cancelled();

  const names = inputColumns(pkg, profile.columns.map((c) => c.name));
  const byName = new Map(profile.columns.map((c) => [c.name, c]));
  const columns: InputColumn[] = names.map((name) => {
    const c = byName.get(name);
    if (!c) throw new UserError('MISSING_COLUMN', `${source.path} has no column "${name}", which the model reads.`);
    return columnOf(c);
  });
  // Categories the profile could not list exactly (more than its top values, or counted past its cap): one pass.
  const inexact = columns.filter((col, i) => col.categories !== null && !categoriesExact(byName.get(names[i]!)!));
  if (inexact.length > 0) {
    const exact = await exactCategories(source.path, profile, inexact.map((c) => c.name), profileOptions.missingTokens, signal);
    for (const col of inexact) col.categories = exact.get(col.name) ?? [];
  }
  return { format: INPUT_SCHEMA_FORMAT, schemaVersion: DEPLOY_SCHEMA_VERSION, columns, target: { name: pkg.target.name, task: pkg.target.task, classes: pkg.target.classes } };
}

/**
 * The source columns (in file order) a row must carry: without lineage, the model's features; with it, every
 * source column that flows into a feature through the Recipe, or that a step of the replay names (the
 * replay needs it present even when a step drops it).
 */
export function inputColumns(pkg: ModelPackage, fileColumns: readonly string[]): string[] {
  const features = pkg.features.map((f) => f.name);
  if (!pkg.lineage) return fileColumns.filter((c) => features.includes(c)).concat(features.filter((f) => !fileColumns.includes(f)));
  const steps = stepsForPrediction(pkg.lineage.recipe.steps, pkg.target.name);
  const needed = new Set<string>();
  for (const s of steps) for (const c of namedColumns(s)) if (fileColumns.includes(c)) needed.add(c);
  // Where each column after a step came from: a step adding columns (an indicator, one-hot, date parts)
  // derives them from the one column it reads. Compiling prefixes of the Recipe gives the real names.
  const origin = new Map<string, Set<string>>(fileColumns.map((c) => [c, new Set([c])]));
  let before = [...fileColumns];
  for (let k = 0; k < steps.length; k++) {
    const after = compileRecipe(steps.slice(0, k + 1), fileColumns, () => ({ add: () => true })).columns;
    const step = steps[k]!;
    const from = 'column' in step ? (origin.get(step.column) ?? new Set<string>()) : new Set<string>();
    for (const c of after) if (!before.includes(c)) origin.set(c, new Set(from));
    for (const c of before) if (!after.includes(c)) origin.delete(c);
    before = after;
  }
  for (const f of features) for (const c of origin.get(f) ?? []) needed.add(c);
  needed.delete(pkg.target.name);
  return fileColumns.filter((c) => needed.has(c));
}

function namedColumns(step: RecipeStep): string[] {
  if ('columns' in step) return step.columns;
  if ('column' in step) return [step.column];
  return [];
}

function columnOf(c: ColumnProfile): InputColumn {
  const enumerated = c.type === 'categorical' || c.type === 'boolean';
  const numeric = c.type === 'numeric' && typeof c.min === 'number' && typeof c.max === 'number';
  return {
    name: c.name,
    type: c.type,
    nullable: c.missing > 0,
    categories: enumerated ? sortedUnique(c.top.map((t) => trimCell(t.value))) : null,
    range: numeric ? { min: c.min as number, max: c.max as number } : null,
  };
}

/** The profile's top values are every value when it counted all of them and listed them all. */
function categoriesExact(c: ColumnProfile): boolean {
  return !c.distinctApprox && !c.topApprox && c.top.length === c.distinct;
}

/** Every distinct non-missing value (trimmed, as prediction reads it) of the named columns, in one pass. */
async function exactCategories(path: string, profile: DatasetProfile, columns: readonly string[], missingTokens: readonly string[], signal?: AbortSignal): Promise<Map<string, string[]>> {
  const layout = readLayout(path, profile.dialect.delimiter);
  const missing = new Set(['', ...missingTokens.map(trimCell)]);
  const sets = columns.map((name) => ({ name, at: layout.columns.indexOf(name), values: new Set<string>() }));
  let rows = 0;
  for (const record of dataRecords(path, layout.dialect)) {
    for (const s of sets) {
      const field = record[s.at];
      if (field === undefined) continue;
      const text = trimCell(field);
      if (!missing.has(text)) s.values.add(text);
    }
    if (++rows % CHECK_ROWS === 0) {
      // Let a cancel arrive: the pass is synchronous otherwise.
      await new Promise((r) => setImmediate(r));
      if (signal?.aborted) throw cancelled();
    }
  }
  return new Map(sets.map((s) => [s.name, sortedUnique([...s.values])]));
}

/** Code-unit order: the same on every machine (no locale). */
function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The workspace holding the training file: the nearest folder upward with a `.mllab` folder. */
async function workspaceOf(file: string): Promise<string | undefined> {
  let dir = dirname(resolve(file));
  for (;;) {
    if ((await stat(join(dir, '.mllab')).catch(() => null))?.isDirectory()) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** A dataset version's paths are workspace-relative ('/'-separated); without a workspace, relative to the cleaned file. */
function resolveIn(workspace: string | undefined, path: string, cleanedFile: string): string {
  if (isAbsolute(path)) return path;
  return resolve(workspace ?? dirname(cleanedFile), ...path.split('/'));
}
