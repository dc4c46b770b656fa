// Fitting: turns the steps a user picked into fitted steps with every parameter baked in. Statistics come
// from the profile while a column is as the file has it; once an earlier step changed a column (numbers
// parsed from text, values imputed) they come from a bounded sample of rows run through the earlier steps,
// because the profile no longer describes that column. Yeo-Johnson always fits on the sample.
import { UserError } from '../errors.js';
import { RECIPE_SCHEMA_VERSION } from '../../protocol/recipe.js';
import type { Recipe, RecipeStep, SmoteStep, StepChoice } from '../../protocol/recipe.js';
import type { ColumnProfile, DatasetProfile, Quantiles, ValueCount } from '../../protocol/profile.js';
import { formatCell, toNumber } from './cells.js';
import type { Cell } from './cells.js';
import { compileRecipe } from './steps.js';
import type { RowSet } from './steps.js';
import { yeoJohnsonLambda } from './yeoJohnson.js';

/** Rows drawn from the file (reservoir sample), cells as read. `complete` when it is every row. */
export interface FitSample {
  columns: string[];
  rows: Cell[][];
  complete: boolean;
}

/** What fitting needs to know about a column at the point of a step. */
export interface ColumnStats {
  count: number;
  /** True when every non-missing value reads as a number. */
  numeric: boolean;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  quantiles: Quantiles | null;
  /** Most frequent first. */
  top: ValueCount[];
  /** `top` lists every distinct value. */
  topComplete: boolean;
  distinct: number;
  variantGroups: string[][];
}

export const DEFAULT_TRUE_VALUES = ['true', 't', 'yes', 'y', '1'];
export const DEFAULT_FALSE_VALUES = ['false', 'f', 'no', 'n', '0'];

export function statsFromProfile(c: ColumnProfile): ColumnStats {
  const numeric = c.type === 'numeric';
  const min = typeof c.min === 'number' ? c.min : null;
  const max = typeof c.max === 'number' ? c.max : null;
  return {
    count: c.count,
    numeric,
    mean: c.mean,
    std: c.std,
    min,
    max,
    quantiles: c.quantiles,
    top: c.top,
    topComplete: !c.topApprox && !c.distinctApprox && c.distinct <= c.top.length,
    distinct: c.distinct,
    variantGroups: c.evidence.variantGroups,
  };
}

/** Linear interpolation between order statistics (numpy's and pandas' default). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function statsFromCells(cells: readonly Cell[], complete: boolean): ColumnStats {
  const present = cells.filter((c): c is string | number => c !== null);
  const parsed = present.map(toNumber);
  const numeric = present.length > 0 && parsed.every((v) => !Number.isNaN(v));
  // Numeric statistics over the values that are numbers: the rest are the steps' unknowns.
  const nums = parsed.filter((v) => !Number.isNaN(v));
  const counts = new Map<string, number>();
  for (const c of present) {
    const k = formatCell(c);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const top = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const groups = new Map<string, string[]>();
  for (const v of counts.keys()) {
    const key = v.trim().toLowerCase();
    const g = groups.get(key);
    if (g) g.push(v);
    else groups.set(key, [v]);
  }
  const stats: ColumnStats = {
    count: present.length,
    numeric,
    mean: null,
    std: null,
    min: null,
    max: null,
    quantiles: null,
    top,
    topComplete: complete,
    distinct: counts.size,
    variantGroups: [...groups.values()].filter((g) => g.length > 1),
  };
  if (nums.length > 0) {
    const sorted = [...nums].sort((a, b) => a - b);
    const n = sorted.length;
    const mean = sorted.reduce((s, v) => s + v, 0) / n;
    const ss = sorted.reduce((s, v) => s + (v - mean) ** 2, 0);
    const q = (p: number): number => quantileOfSorted(sorted, p);
    Object.assign(stats, {
      mean,
      std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
      min: sorted[0]!,
      max: sorted[n - 1]!,
      quantiles: { p1: q(0.01), p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95), p99: q(0.99) },
    });
  }
  return stats;
}

function columnOf(choice: StepChoice): string | null {
  return 'column' in choice ? choice.column : null;
}

/** Steps whose fitting reads the column's statistics. */
const NEEDS_STATS = new Set<StepChoice['op']>(['oversample', 'impute', 'unifyCase', 'groupRare', 'clip', 'flagOutliers', 'scale', 'log1p', 'yeoJohnson', 'oneHot', 'ordinal', 'frequency']);
/** Steps that change values of their column (later fits of that column need the sample). */
const CHANGES_COLUMN = new Set<StepChoice['op']>(['impute', 'parseNumbers', 'parseBooleans', 'trimWhitespace', 'unifyCase', 'groupRare', 'clip', 'flagOutliers', 'scale', 'log1p', 'yeoJohnson']);

/** Steps whose fit needs numbers: a column the profile typed otherwise (a few junk values) is fitted on the sample. */
function needsNumbers(c: StepChoice): boolean {
  return c.op === 'clip' || c.op === 'flagOutliers' || c.op === 'scale' || c.op === 'log1p' || c.op === 'yeoJohnson' || (c.op === 'impute' && (c.strategy === 'mean' || c.strategy === 'median'));
}

/** True when fitting these choices must read a sample of rows (see the file comment). */
export function needsSample(choices: readonly StepChoice[], profile: DatasetProfile): boolean {
  const touched = new Set<string>();
  for (const c of choices) {
    const col = columnOf(c);
    // SMOTE picks its feature columns from values as the earlier steps leave them.
    if (c.op === 'yeoJohnson' || c.op === 'smote') return true;
    if (col !== null && NEEDS_STATS.has(c.op)) {
      if (touched.has(col)) return true;
      const profiled = profile.columns.find((p) => p.name === col);
      if (!profiled || (needsNumbers(c) && profiled.type !== 'numeric')) return true;
    }
    if (col !== null && CHANGES_COLUMN.has(c.op)) touched.add(col);
    if (c.op === 'trimWhitespace') for (const x of c.columns) touched.add(x);
  }
  return false;
}

function need<T>(v: T | null | undefined, column: string, what: string, op: string): T {
  if (v === null || v === undefined) throw new UserError('BAD_ARGUMENT', `Cannot fit ${op} on "${column}": it has no ${what} (is it numeric?).`);
  return v;
}

function fences(q: Quantiles): [number, number] {
  const iqr = q.p75 - q.p25;
  return [q.p25 - 1.5 * iqr, q.p75 + 1.5 * iqr];
}

export interface FitOptions {
  missingTokens: string[];
  /** Name of the source as recorded in the Recipe. */
  sourceName: string;
}

const setRowSet = (): RowSet => {
  const seen = new Set<string>();
  return { add: (row) => !seen.has(JSON.stringify(row)) && (seen.add(JSON.stringify(row)), true) };
};

/** Fits the choices in order into a Recipe. `sample` is required when needsSample(choices). */
export function fitRecipe(profile: DatasetProfile, choices: readonly StepChoice[], options: FitOptions, sample: FitSample | null = null): Recipe {
  const touched = new Set<string>();
  const dropped = new Set<string>();
  const columns = new Set(profile.columns.map((c) => c.name));
  let sampleColumns = sample ? [...sample.columns] : [];
  let sampleRows = sample ? sample.rows.map((r) => [...r]) : [];
  const steps: RecipeStep[] = [];

  const stats = (column: string, choice: StepChoice): ColumnStats => {
    const op = choice.op;
    const profiled = profile.columns.find((c) => c.name === column);
    if (!touched.has(column) && profiled && op !== 'yeoJohnson' && !(needsNumbers(choice) && profiled.type !== 'numeric')) return statsFromProfile(profiled);
    if (!sample) throw new UserError('BAD_ARGUMENT', `Fitting ${op} on "${column}" after an earlier step changed it needs a sample of rows.`);
    const at = sampleColumns.indexOf(column);
    if (at < 0) throw new UserError('MISSING_COLUMN', `Cannot fit ${op}: there is no column "${column}" at that point.`);
    return statsFromCells(
      sampleRows.map((r) => r[at]!),
      sample.complete,
    );
  };

  choices.forEach((choice) => {
    const column = columnOf(choice);
    if (column !== null && !columns.has(column) && !sampleColumns.includes(column)) {
      throw new UserError('MISSING_COLUMN', `Cannot fit ${choice.op}: the data has no column "${column}".`);
    }
    const step: RecipeStep =
      choice.op === 'dropColumnsAboveMissing'
        ? { op: 'dropColumns', columns: profile.columns.filter((c) => c.missingPct > choice.percent && !dropped.has(c.name)).map((c) => c.name), reason: `more than ${choice.percent}% missing` }
        : choice.op === 'smote'
          ? fitSmote(choice, sampleColumns, sampleRows, stats(choice.column, choice))
          : fitStep(choice, column === null ? null : () => stats(column, choice));
    // A threshold no column passes is no step at all.
    if (step.op === 'dropColumns' && step.columns.length === 0) return;
    if (step.op === 'dropColumns') for (const c of step.columns) dropped.add(c);
    steps.push(step);
    if (column !== null && CHANGES_COLUMN.has(choice.op)) touched.add(column);
    if (choice.op === 'trimWhitespace') for (const c of choice.columns) touched.add(c);
    if (sample) {
      // Later fits see the sample as this step leaves it.
      const compiled = compileRecipe([step], sampleColumns, setRowSet);
      const next: Cell[][] = [];
      sampleRows.forEach((r, i) => {
        const out = compiled.run(r, i + 1);
        if (out) next.push(out);
      });
      sampleRows = next;
      sampleColumns = compiled.columns;
    }
  });

  return {
    schemaVersion: RECIPE_SCHEMA_VERSION,
    source: { file: options.sourceName, rows: profile.rows, columns: profile.columns.map((c) => ({ name: c.name, type: c.type })) },
    missingTokens: [...options.missingTokens],
    steps,
  };
}

/**
 * SMOTE's fitted parts: the classes below ratio x the largest (from the target's counts) and, unless the
 * user named them, the feature columns: every column but the target whose sampled values are all numbers
 * (or missing), with at least one number.
 */
function fitSmote(choice: Extract<StepChoice, { op: 'smote' }>, columns: readonly string[], rows: readonly (readonly Cell[])[], target: ColumnStats): SmoteStep {
  const ratio = choice.ratio ?? 1;
  if (!(ratio > 0 && ratio <= 1)) throw new UserError('BAD_ARGUMENT', `SMOTE ratio must be above 0 and at most 1, got ${ratio}.`);
  const k = choice.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new UserError('BAD_ARGUMENT', `SMOTE k must be a whole number, at least 1, got ${k}.`);
  const largest = target.top[0]?.count ?? 0;
  const classes = target.top.filter((t) => t.count < ratio * largest).map((t) => t.value);
  let features: string[];
  if (choice.features) {
    for (const f of choice.features) if (!columns.includes(f)) throw new UserError('MISSING_COLUMN', `Cannot fit smote: there is no feature column "${f}" at that point.`);
    features = choice.features.filter((f) => f !== choice.column);
  } else {
    features = columns.filter((name, j) => {
      if (name === choice.column) return false;
      let numbers = 0;
      for (const r of rows) {
        const c = r[j]!;
        if (c === null) continue;
        if (Number.isNaN(toNumber(c))) return false;
        numbers++;
      }
      return numbers > 0;
    });
  }
  if (features.length === 0) throw new UserError('BAD_ARGUMENT', `Cannot fit smote on "${choice.column}": no numeric feature columns (encode or parse them first).`);
  return { op: 'smote', column: choice.column, features, classes, ratio, k, seed: choice.seed ?? 1 };
}

function fitStep(choice: StepChoice, stats: (() => ColumnStats) | null): RecipeStep {
  const st = (): ColumnStats => stats!();
  switch (choice.op) {
    case 'dropDuplicateRows':
      return { op: 'dropDuplicateRows' };
    case 'dropColumns':
      return { op: 'dropColumns', columns: [...choice.columns], reason: choice.reason };
    case 'dropColumnsAboveMissing':
      throw new Error('fitted in fitRecipe: it needs the whole profile');
    case 'dropRowsMissing':
      return { op: 'dropRowsMissing', columns: [...choice.columns] };
    case 'trimWhitespace':
      return { op: 'trimWhitespace', columns: [...choice.columns] };
    case 'parseNumbers':
      return { op: 'parseNumbers', column: choice.column, thousands: choice.thousands ?? ',', percentAsFraction: choice.percentAsFraction ?? true, onUnknown: 'missing' };
    case 'parseBooleans':
      return { op: 'parseBooleans', column: choice.column, trueValues: [...DEFAULT_TRUE_VALUES], falseValues: [...DEFAULT_FALSE_VALUES], onUnknown: 'missing' };
    case 'dateFeatures':
      return { op: 'dateFeatures', column: choice.column, features: choice.features ?? ['year', 'month', 'day', 'dayOfWeek'], dropColumn: choice.dropColumn ?? true, onUnknown: 'missing' };
    case 'impute': {
      const s = st();
      let value: number | string;
      if (choice.strategy === 'mean') value = need(s.mean, choice.column, 'mean', 'impute');
      else if (choice.strategy === 'median') value = need(s.quantiles, choice.column, 'median', 'impute').p50;
      else if (choice.strategy === 'mode') {
        const top = need(s.top[0], choice.column, 'values', 'impute').value;
        value = s.numeric ? toNumber(top) : top;
      } else value = choice.constant ?? (s.numeric ? 0 : 'missing');
      return { op: 'impute', column: choice.column, strategy: choice.strategy, value, indicator: choice.indicator, onUnknown: 'missing' };
    }
    case 'unifyCase': {
      const s = st();
      const count = new Map(s.top.map((t) => [t.value, t.count]));
      const mapping: Record<string, string> = {};
      for (const group of s.variantGroups) {
        // Keep the most frequent spelling (the first listed when counts are unknown or tied).
        let keep = group[0]!;
        for (const v of group) if ((count.get(v) ?? -1) > (count.get(keep) ?? -1)) keep = v;
        for (const v of group) if (v !== keep) mapping[v] = keep;
      }
      return { op: 'unifyCase', column: choice.column, mapping };
    }
    case 'groupRare': {
      const s = st();
      const keep = s.top.filter((t) => s.count > 0 && t.count / s.count >= choice.minShare).map((t) => t.value);
      return { op: 'groupRare', column: choice.column, keep, other: 'other' };
    }
    case 'clip': {
      const q = need(st().quantiles, choice.column, 'quantiles', 'clip');
      const [lower, upper] = choice.method === 'iqr' ? fences(q) : choice.percentile === 5 ? [q.p5, q.p95] : [q.p1, q.p99];
      return { op: 'clip', column: choice.column, method: choice.method, lower, upper, onUnknown: 'missing' };
    }
    case 'flagOutliers': {
      const [lower, upper] = fences(need(st().quantiles, choice.column, 'quantiles', 'flagOutliers'));
      return { op: 'flagOutliers', column: choice.column, lower, upper, onUnknown: 'missing' };
    }
    case 'scale': {
      const s = st();
      let center: number;
      let scale: number;
      if (choice.method === 'standard') {
        center = need(s.mean, choice.column, 'mean', 'scale');
        scale = need(s.std, choice.column, 'standard deviation', 'scale');
      } else if (choice.method === 'minMax') {
        center = need(s.min, choice.column, 'minimum', 'scale');
        scale = need(s.max, choice.column, 'maximum', 'scale') - center;
      } else {
        const q = need(s.quantiles, choice.column, 'quantiles', 'scale');
        center = q.p50;
        scale = q.p75 - q.p25;
      }
      // A constant column would divide by zero: leave its spread as 1 (values become x - center).
      return { op: 'scale', column: choice.column, method: choice.method, center, scale: scale === 0 || !Number.isFinite(scale) ? 1 : scale, onUnknown: 'missing' };
    }
    case 'log1p': {
      const min = need(st().min, choice.column, 'minimum', 'log1p');
      return { op: 'log1p', column: choice.column, shift: min < 0 ? -min : 0, onUnknown: 'missing' };
    }
    case 'yeoJohnson': {
      const s = st();
      if (!s.numeric) throw new UserError('BAD_ARGUMENT', `Cannot fit yeoJohnson on "${choice.column}": its values are not all numbers.`);
      const values: number[] = [];
      for (const t of s.top) for (let i = 0; i < t.count; i++) values.push(toNumber(t.value));
      return { op: 'yeoJohnson', column: choice.column, lambda: yeoJohnsonLambda(values), onUnknown: 'missing' };
    }
    case 'oneHot': {
      const s = st();
      const max = choice.maxCategories ?? 10;
      const categories = s.top.slice(0, max).map((t) => t.value);
      return { op: 'oneHot', column: choice.column, categories, otherColumn: !s.topComplete || s.distinct > categories.length, onUnknown: 'missing' };
    }
    case 'ordinal': {
      const s = st();
      // A sample lists every value it saw (new ones at apply time are counted unknowns); the profile's list stops at 10.
      if (s.distinct > s.top.length) throw new UserError('BAD_ARGUMENT', `Cannot fit ordinal on "${choice.column}": it has more distinct values (${s.distinct}) than the profile lists; use one-hot or frequency encoding.`);
      const categories = s.top.map((t) => t.value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { op: 'ordinal', column: choice.column, categories, onUnknown: 'missing' };
    }
    case 'oversample': {
      const s = st();
      const ratio = choice.ratio ?? 1;
      if (!(ratio > 0 && ratio <= 1)) throw new UserError('BAD_ARGUMENT', `Oversampling ratio must be above 0 and at most 1, got ${ratio}.`);
      const largest = s.top[0]?.count ?? 0;
      const copies: Record<string, number> = {};
      // Classes below ratio x the largest get enough copies to reach it; the others are left alone.
      for (const t of s.top) if (t.count < ratio * largest) copies[t.value] = (ratio * largest) / t.count;
      return { op: 'oversample', column: choice.column, copies, seed: choice.seed ?? 1 };
    }
    case 'smote':
      throw new Error('fitted in fitRecipe: it needs the sample as the earlier steps leave it');
    case 'frequency': {
      const s = st();
      const frequencies: Record<string, number> = {};
      let listed = 0;
      for (const t of s.top) {
        frequencies[t.value] = t.count / s.count;
        listed += t.count;
      }
      const restDistinct = s.distinct - s.top.length;
      const otherFrequency = s.topComplete || restDistinct <= 0 ? null : (s.count - listed) / s.count / restDistinct;
      return { op: 'frequency', column: choice.column, frequencies, otherFrequency, onUnknown: 'missing' };
    }
  }
}
