// What the Start AutoML Sweep quick pick offers and remembers, kept free of vscode so it is unit-tested:
// the target columns with the task the loader will infer (the rules of src/core/ml/task.ts, applied to the
// column's profile) and their class balance, metrics per task, budgets, and the choices remembered per
// dataset (read back from workspaceState, so checked field by field).
import { defaultMetric, METRICS, metricNamesFor } from '../core/ml/metrics.js';
import { MAX_INTEGER_CLASSES, MIN_ROWS_PER_CLASS } from '../core/ml/task.js';
import type { MetricName, ModelKind, Task } from '../core/ml/types.js';
import type { SweepConfig } from '../core/search/sweep.js';
import type { SamplerName } from '../core/search/types.js';
import type { ColumnProfile } from '../protocol/profile.js';
import { isRecord } from '../protocol/jsonShape.js';
import { MODEL_LABELS } from '../protocol/labels.js';

export interface TargetOption {
  column: string;
  /** Null: this column cannot be a target (one value, or nothing but missing values). */
  task: Task | null;
  /** One line: "multiclass · setosa 33% · versicolor 33% · virginica 33%", "regression · 0.5 to 9.8". */
  detail: string;
}

/** The task `loadTrainingTable(…, { task: 'auto' })` will infer for this column, from its profile. */
export function inferredTask(column: ColumnProfile): Task | null {
  if (column.count === 0 || column.distinct < 2) return null;
  if (column.type !== 'numeric') return column.distinct === 2 ? 'binary' : 'multiclass';
  if (column.distinct === 2) return 'binary';
  const whole = column.evidence.integer === column.count;
  if (whole && column.distinct <= MAX_INTEGER_CLASSES && column.count / column.distinct >= MIN_ROWS_PER_CLASS) return 'multiclass';
  return 'regression';
}

function percent(count: number, total: number): string {
  const p = (100 * count) / total;
  return p >= 10 || p === 0 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

/** Up to `shown` classes by frequency with their share of the non-missing values, then "+N more". */
export function classBalance(column: ColumnProfile, shown = 4): string {
  const parts = column.top.slice(0, shown).map((v) => `${v.value} ${percent(v.count, column.count)}`);
  const more = column.distinct - Math.min(shown, column.top.length);
  if (more > 0) parts.push(`+${more} more`);
  return parts.join(' · ');
}

export function targetOptions(columns: readonly ColumnProfile[]): TargetOption[] {
  return columns.map((c) => {
    const task = inferredTask(c);
    const missing = c.missing > 0 ? ` · ${percent(c.missing, c.missing + c.count)} missing` : '';
    let detail: string;
    if (task === null) detail = c.count === 0 ? 'no values: cannot be a target' : 'a single value: cannot be a target';
    else if (task === 'regression') detail = `regression · ${String(c.min)} to ${String(c.max)}${missing}`;
    else detail = `${task} · ${classBalance(c)}${missing}`;
    return { column: c.name, task, detail };
  });
}

/** Metrics of the task, the task's default first. */
export function metricChoices(task: Task): { metric: MetricName; label: string; isDefault: boolean }[] {
  const first = defaultMetric(task);
  const names = [first, ...metricNamesFor(task).filter((m) => m !== first)];
  return names.map((m) => ({ metric: m, label: METRICS[m].label, isDefault: m === first }));
}

export type Budget = { kind: 'seconds'; value: number } | { kind: 'trials'; value: number };

export const BUDGET_PRESETS: readonly Budget[] = [
  { kind: 'seconds', value: 60 },
  { kind: 'seconds', value: 300 },
  { kind: 'seconds', value: 900 },
];

export function budgetLabel(b: Budget): string {
  if (b.kind === 'trials') return `${b.value} trial${b.value === 1 ? '' : 's'}`;
  if (b.value % 60 === 0) return `${b.value / 60} min`;
  return b.value < 60 ? `${b.value} s` : `${Math.floor(b.value / 60)} min ${Math.round(b.value % 60)} s`;
}

/** Minutes as typed ("2", "0.5", "1,5"): a positive number of seconds, or an error message. */
export function parseMinutes(text: string): number | string {
  const x = Number(text.trim().replace(',', '.'));
  if (!Number.isFinite(x) || x <= 0) return 'Type a positive number of minutes, e.g. 2 or 0.5.';
  if (x > 24 * 60) return 'At most 1440 minutes (a day).';
  return Math.max(1, Math.round(x * 60));
}

/**
 * The held-out test share as typed: empty = the default (null), "0" = none, "0.2" or "20%"; or an error
 * message. At most half the rows: the search needs the rest.
 */
export function parseTestFraction(text: string): number | null | string {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const percent = t.endsWith('%');
  const x = Number(percent ? t.slice(0, -1).trim() : t);
  const f = percent ? x / 100 : x;
  if (!Number.isFinite(x) || !(f >= 0 && f <= 0.5)) return 'Type a share from 0 (none) to 0.5, e.g. 0.2 or 20%; leave empty for the default.';
  return f;
}

/** "held out: 20%", "no held-out rows", or the default's rule. */
export function testFractionLabel(f: number | null): string {
  if (f === null) return 'held out: 20% from 100 rows';
  if (f === 0) return 'no held-out rows';
  return `held out: ${Math.round(f * 1000) / 10}%`;
}

/** A positive whole number within [min, max], or an error message. */
export function parseWhole(text: string, what: string, min: number, max: number): number | string {
  const t = text.trim();
  const x = Number(t);
  if (t === '' || !Number.isInteger(x) || x < min || x > max) return `${what} must be a whole number from ${min} to ${max}.`;
  return x;
}

export const SEARCHES: readonly { search: SamplerName; label: string; detail: string }[] = [
  { search: 'tpe', label: 'TPE (Bayesian)', detail: 'learns which settings score well; the default' },
  { search: 'random', label: 'Random', detail: 'independent random settings' },
  { search: 'genetic', label: 'Genetic', detail: 'mutates and crosses the best settings so far' },
  { search: 'grid', label: 'Grid', detail: 'a coarse grid of every setting, in order' },
];

/** Everything the user chose for one dataset; remembered for the next sweep on it. */
export interface SweepChoices {
  target: string;
  metric: MetricName;
  budget: Budget;
  search: SamplerName;
  /** Null: every model that can learn the task. */
  models: ModelKind[] | null;
  folds: number;
  seed: number;
  /**
   * Share of rows held out before the search to score the final model on; null = the engine's default
   * (0.2 with at least 100 rows, else 0). Remembered choices from before it existed read as null.
   */
  testFraction: number | null;
}

export const DEFAULT_FOLDS = 5;
export const DEFAULT_SEED = 0;

/** The runner's config for these choices. */
export function sweepConfig(dataset: string, workspace: string, choices: SweepChoices, parent?: string): SweepConfig & { workspace: string } {
  return {
    dataset,
    workspace,
    target: choices.target,
    metric: choices.metric,
    ...(choices.budget.kind === 'seconds' ? { budgetSeconds: choices.budget.value } : { maxTrials: choices.budget.value }),
    search: choices.search,
    ...(choices.models && choices.models.length > 0 ? { models: [...choices.models] } : {}),
    folds: choices.folds,
    seed: choices.seed,
    ...(choices.testFraction !== null ? { testFraction: choices.testFraction } : {}),
    ...(parent ? { parent } : {}),
  };
}

/** The shipped model families (src/core/ml/models: not imported here, it would pull the models into the extension bundle); labels from src/protocol/labels.ts. */
export const MODELS: readonly { kind: ModelKind; label: string; tasks: readonly Task[] }[] = [
  { kind: 'gbdt', label: MODEL_LABELS.gbdt, tasks: ['binary', 'multiclass', 'regression'] },
  { kind: 'randomForest', label: MODEL_LABELS.randomForest, tasks: ['binary', 'multiclass', 'regression'] },
  { kind: 'extraTrees', label: MODEL_LABELS.extraTrees, tasks: ['binary', 'multiclass', 'regression'] },
  { kind: 'linear', label: MODEL_LABELS.linear, tasks: ['binary', 'multiclass', 'regression'] },
  { kind: 'mlp', label: MODEL_LABELS.mlp, tasks: ['binary', 'multiclass', 'regression'] },
  { kind: 'knn', label: MODEL_LABELS.knn, tasks: ['binary', 'multiclass', 'regression'] },
  { kind: 'naiveBayes', label: MODEL_LABELS.naiveBayes, tasks: ['binary', 'multiclass'] },
];

const MODEL_KINDS: readonly ModelKind[] = MODELS.map((m) => m.kind);

/** Remembered choices as read back from workspaceState (or a Re-run's config): null unless every field is sound. */
export function parseChoices(value: unknown): SweepChoices | null {
  if (!isRecord(value)) return null;
  const { target, metric, budget, search, models, folds, seed, testFraction } = value;
  if (typeof target !== 'string' || target === '') return null;
  if (typeof metric !== 'string' || !(metric in METRICS)) return null;
  if (!isRecord(budget) || (budget.kind !== 'seconds' && budget.kind !== 'trials') || typeof budget.value !== 'number' || !(budget.value > 0)) return null;
  if (typeof search !== 'string' || !SEARCHES.some((s) => s.search === search)) return null;
  if (models !== null && !(Array.isArray(models) && models.every((m) => typeof m === 'string' && (MODEL_KINDS as readonly string[]).includes(m)))) return null;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2) return null;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) return null;
  if (testFraction !== undefined && testFraction !== null && !(typeof testFraction === 'number' && testFraction >= 0 && testFraction < 1)) return null;
  return {
    target,
    metric: metric as MetricName,
    budget: { kind: budget.kind, value: budget.value },
    search: search as SamplerName,
    models: models === null ? null : [...(models as ModelKind[])],
    folds,
    seed,
    testFraction: typeof testFraction === 'number' ? testFraction : null,
  };
}

/**
 * A prefilled config handed to the command (Re-run in the Experiments tree): the same fields as SweepConfig.
 * Returns the dataset and the choices it implies, or null when it is not one.
 */
export function choicesFromConfig(arg: unknown): { dataset: string; choices: SweepChoices; parent: string | null } | null {
  if (!isRecord(arg) || typeof arg.dataset !== 'string' || typeof arg.target !== 'string' || typeof arg.metric !== 'string') return null;
  const budget: Budget | null =
    typeof arg.budgetSeconds === 'number' && arg.budgetSeconds > 0
      ? { kind: 'seconds', value: arg.budgetSeconds }
      : typeof arg.maxTrials === 'number' && arg.maxTrials > 0
        ? { kind: 'trials', value: arg.maxTrials }
        : null;
  const validation = isRecord(arg.validation) ? arg.validation : null;
  const folds = typeof arg.folds === 'number' ? arg.folds : validation && typeof validation.folds === 'number' ? validation.folds : DEFAULT_FOLDS;
  const choices = parseChoices({
    target: arg.target,
    metric: arg.metric,
    budget: budget ?? { kind: 'seconds', value: BUDGET_PRESETS[0]!.value },
    search: typeof arg.search === 'string' ? arg.search : 'tpe',
    models: Array.isArray(arg.models) ? arg.models : null,
    folds,
    seed: typeof arg.seed === 'number' ? arg.seed : DEFAULT_SEED,
    testFraction: typeof arg.testFraction === 'number' ? arg.testFraction : null,
  });
  if (!choices) return null;
  return { dataset: arg.dataset, choices, parent: typeof arg.parent === 'string' ? arg.parent : null };
}

/** The workspaceState key the choices of every dataset live under (one record keyed by the dataset's path). */
export const REMEMBERED_KEY = 'mllab.sweep.lastChoices';
/** Datasets remembered at most (oldest forgotten first), so the state stays small. */
export const REMEMBERED_MAX = 50;

/** The remembered record with `dataset`'s choices replaced and moved last (newest). */
export function remember(stored: unknown, dataset: string, choices: SweepChoices): Record<string, SweepChoices> {
  const out: Record<string, SweepChoices> = {};
  if (isRecord(stored)) {
    for (const [key, value] of Object.entries(stored)) {
      const parsed = key === dataset ? null : parseChoices(value);
      if (parsed) out[key] = parsed;
    }
  }
  out[dataset] = choices;
  const keys = Object.keys(out);
  for (const key of keys.slice(0, Math.max(0, keys.length - REMEMBERED_MAX))) delete out[key];
  return out;
}

export function recalled(stored: unknown, dataset: string): SweepChoices | null {
  return isRecord(stored) ? parseChoices(stored[dataset]) : null;
}
