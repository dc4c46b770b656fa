// Cleaning suggestions from a profile: what to do about each problem the profile shows, why (its numbers),
// what else the user could pick, ranked by how much of the data the step changes. The default selection
// (`mllab clean --auto`) is the repairs that hold for almost any use of the data: duplicates, empty,
// constant and ID-like columns, numbers/booleans/dates kept as text, stray spaces and case variants, and
// missing values. Outlier handling, transforms, scaling and encoding depend on the model, so they are
// offered unselected.
import type { ColumnProfile, DatasetProfile } from '../../protocol/profile.js';
import type { StepChoice, Suggestion } from '../../protocol/recipe.js';
import { formatCount } from '../../protocol/profileFormat.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES } from './fit.js';

export interface SuggestionOptions {
  /** Drop a column missing at least this share of values, percent. */
  dropColumnMissingPct: number;
  /** Add a missing-indicator column when imputing at least this share, percent. */
  indicatorMissingPct: number;
  /** Categories with fewer than this share of values are rare, 0..1. */
  rareShare: number;
  /** One-hot up to this many categories; more get frequency encoding. */
  oneHotMax: number;
  /** The column a model will predict, once the user names it: enables the class-imbalance suggestion. */
  target?: string;
}

export const DEFAULT_SUGGESTION_OPTIONS: SuggestionOptions = { dropColumnMissingPct: 50, indicatorMissingPct: 5, rareShare: 0.01, oneHotMax: 10 };

/** Names that say identifier: id, ID, user_id, customerId, uuid, guid, key, row_number... */
const IDENTIFIER_WORD = /(^|[^a-z])(id|uuid|guid|key|index|row_?num(ber)?)$|^(id|uuid|guid)([^a-z]|$)/i;
/** camelCase customerId (case-sensitive, so "paid" and "valid" are not identifiers). */
const IDENTIFIER_CAMEL = /[a-z]I[dD]$/;

function identifierName(name: string): boolean {
  return IDENTIFIER_WORD.test(name) || IDENTIFIER_CAMEL.test(name);
}

/** The order steps run in, whatever order they were picked in. */
const STAGE: Record<StepChoice['op'], number> = {
  dropDuplicateRows: 0,
  dropColumns: 1,
  dropColumnsAboveMissing: 1,
  dropRowsMissing: 2,
  parseNumbers: 3,
  parseBooleans: 3,
  dateFeatures: 3,
  trimWhitespace: 4,
  unifyCase: 5,
  groupRare: 6,
  impute: 7,
  clip: 8,
  flagOutliers: 8,
  log1p: 9,
  yeoJohnson: 9,
  scale: 10,
  oneHot: 11,
  ordinal: 11,
  frequency: 11,
  oversample: 12,
  smote: 12,
};

/** The chosen steps in the order they must run (stable within a stage). */
export function orderChoices(choices: readonly StepChoice[]): StepChoice[] {
  // A date column that becomes features is gone after that step: fill its gaps first, so the features
  // of a missing date get the filled date's parts.
  const dated = new Set(choices.flatMap((c) => (c.op === 'dateFeatures' ? [c.column] : [])));
  const stage = (c: StepChoice): number => (c.op === 'impute' && dated.has(c.column) ? STAGE.dateFeatures - 0.5 : STAGE[c.op]);
  return choices
    .map((c, i) => ({ c, i }))
    .sort((a, b) => stage(a.c) - stage(b.c) || a.i - b.i)
    .map((x) => x.c);
}

function pct(v: number): string {
  return `${v >= 10 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)}%`;
}

function num(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(2).replace(/\.?0+$/, '');
}

function isBooleanText(c: ColumnProfile): boolean {
  if (c.type !== 'boolean') return false;
  const known = new Set([...DEFAULT_TRUE_VALUES, ...DEFAULT_FALSE_VALUES]);
  // Already 0/1: nothing to convert.
  if (c.top.every((t) => t.value === '0' || t.value === '1')) return false;
  return !c.topApprox && c.top.every((t) => known.has(t.value.trim().toLowerCase()));
}

export function suggestCleaning(profile: DatasetProfile, options: SuggestionOptions = DEFAULT_SUGGESTION_OPTIONS): Suggestion[] {
  const out: Suggestion[] = [];
  const add = (s: Omit<Suggestion, 'id'>): void => {
    out.push({ ...s, id: `${s.choice.op}:${s.column ?? '*'}` });
  };
  const rows = Math.max(1, profile.rows);

  if (profile.duplicateRows > 0 && !profile.duplicateRowsApprox) {
    add({
      column: null,
      evidence: `${formatCount(profile.duplicateRows)} of ${formatCount(profile.rows)} rows (${pct((100 * profile.duplicateRows) / rows)}) repeat an earlier row exactly -> drop the repeats`,
      choice: { op: 'dropDuplicateRows' },
      alternatives: [{ label: 'keep duplicate rows', choice: null }],
      impact: 50 + (100 * profile.duplicateRows) / rows,
      selected: true,
    });
  }

  const dropped = new Set<string>();
  const kinds = (name: string): Set<string> => new Set(profile.warnings.filter((w) => w.column === name).map((w) => w.kind));

  for (const c of profile.columns) {
    const k = kinds(c.name);
    const drop = (why: string, impact: number, selected: boolean): void => {
      if (selected) dropped.add(c.name);
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${why} -> drop the column`,
        choice: { op: 'dropColumns', columns: [c.name], reason: why },
        alternatives: [{ label: 'keep the column', choice: null }],
        impact,
        selected,
      });
    };
    if (c.count === 0 || k.has('emptyColumn')) drop('every value is missing', 60, true);
    else if (k.has('constant')) drop(`every value is ${JSON.stringify(c.top[0]?.value ?? '')}`, 60, true);
    else if (k.has('idLike')) {
      // Every value distinct is also what a measurement (amounts, counts, years) or a date in an unusual
      // layout looks like: drop by default only when the name says identifier too.
      const named = identifierName(c.name);
      drop(`${c.distinct}${c.distinctApprox ? ' (about)' : ''} distinct values in ${c.count}${named ? ': an identifier, not a feature' : ', like an identifier (not applied by default: check it is not a measurement)'}`, named ? 45 : 6, named);
    }
    else if (c.missingPct >= options.dropColumnMissingPct) drop(`${pct(c.missingPct)} missing`, 40 + c.missingPct / 10, true);
    else if (k.has('nearConstant')) {
      const share = c.top[0] ? (100 * c.top[0].count) / Math.max(1, c.count) : 0;
      drop(`${pct(share)} of values are ${JSON.stringify(c.top[0]?.value ?? '')}`, 10, false);
    }
  }

  for (const c of profile.columns) {
    if (dropped.has(c.name)) continue;
    const k = kinds(c.name);
    let numeric = c.type === 'numeric';
    if (k.has('numbersAsText') || (c.type !== 'numeric' && c.count > 0 && c.evidence.numericLikeText === c.count && c.evidence.numericLikeText > c.evidence.numeric)) {
      numeric = true;
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${pct((100 * (c.evidence.numeric + c.evidence.numericLikeText)) / Math.max(1, c.count))} of values are numbers kept as text${
          c.evidence.numericLikeText > 0 ? ' (with currency, thousands or percent signs)' : ''
        } -> read them as numbers; the others become missing and are counted`,
        choice: { op: 'parseNumbers', column: c.name },
        alternatives: [
          { label: 'read "12%" as 12 rather than 0.12', choice: { op: 'parseNumbers', column: c.name, percentAsFraction: false } },
          { label: 'keep as text', choice: null },
        ],
        impact: 30 + (100 * c.count) / rows / 10,
        selected: true,
      });
    }
    if (isBooleanText(c)) {
      add({
        column: c.name,
        evidence: `\`${c.name}\`: true/false values written as ${c.top.map((t) => JSON.stringify(t.value)).join(', ')} -> 1 / 0`,
        choice: { op: 'parseBooleans', column: c.name },
        alternatives: [{ label: 'keep as text', choice: null }],
        impact: 20,
        selected: true,
      });
    }
    if (c.type === 'datetime' || k.has('probableDates')) {
      add({
        column: c.name,
        evidence: `\`${c.name}\`: dates (${String(c.min ?? '?').replace(/T00:00:00(\.000)?Z$/, '')} to ${String(c.max ?? '?').replace(/T00:00:00(\.000)?Z$/, '')}) -> year, month, day and day-of-week columns`,
        choice: { op: 'dateFeatures', column: c.name },
        alternatives: [
          { label: 'add the features, keep the date column', choice: { op: 'dateFeatures', column: c.name, dropColumn: false } },
          { label: 'keep the date as text', choice: null },
        ],
        impact: 20,
        selected: true,
      });
    }
    if (c.evidence.padded > 0 && c.type !== 'numeric') {
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${c.evidence.padded} value${c.evidence.padded === 1 ? ' has' : 's have'} leading or trailing spaces -> trim them`,
        choice: { op: 'trimWhitespace', columns: [c.name] },
        alternatives: [{ label: 'keep the spaces', choice: null }],
        impact: 15 + (100 * c.evidence.padded) / rows,
        selected: true,
      });
    }
    const caseGroups = c.evidence.variantGroups.filter((g) => new Set(g.map((v) => v.trim())).size > 1);
    if (caseGroups.length > 0) {
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${caseGroups.length} group${caseGroups.length === 1 ? '' : 's'} of values differ only in case (e.g. ${caseGroups[0]!.map((v) => JSON.stringify(v)).join(', ')}) -> use the most frequent spelling`,
        choice: { op: 'unifyCase', column: c.name },
        alternatives: [{ label: 'keep the variants apart', choice: null }],
        impact: 15,
        selected: true,
      });
    }
    if (c.missing > 0) {
      const skew = c.skewness;
      const skewed = skew !== null && Math.abs(skew) > 1;
      const strategy = numeric ? (skewed || c.type !== 'numeric' ? 'median' : 'mean') : 'mode';
      const indicator = c.missingPct >= options.indicatorMissingPct;
      const facts = [`${pct(c.missingPct)} missing`, ...(numeric && skew !== null ? [`skew ${num(skew)}`] : [])].join(', ');
      const action = `impute with the ${strategy}${strategy === 'mode' && c.top[0] ? ` (${JSON.stringify(c.top[0].value)})` : ''}${indicator ? ', add a missing indicator' : ''}`;
      const others: Suggestion['alternatives'] = (numeric ? (['mean', 'median', 'mode'] as const) : (['mode'] as const))
        .filter((s) => s !== strategy)
        .map((s) => ({ label: `impute with the ${s}`, choice: { op: 'impute', column: c.name, strategy: s, indicator } }));
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${facts} -> ${action}`,
        choice: { op: 'impute', column: c.name, strategy, indicator },
        alternatives: [
          ...others,
          { label: indicator ? 'impute without an indicator' : 'impute and add a missing indicator', choice: { op: 'impute', column: c.name, strategy, indicator: !indicator } },
          { label: `drop the ${c.missing} rows missing it`, choice: { op: 'dropRowsMissing', columns: [c.name] } },
          { label: 'drop the column', choice: { op: 'dropColumns', columns: [c.name], reason: `${pct(c.missingPct)} missing` } },
        ],
        impact: 25 + c.missingPct,
        selected: true,
      });
    }
    if (c.type === 'numeric' && k.has('outliers') && c.outliers) {
      const o = c.outliers;
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${o.low + o.high} value${o.low + o.high === 1 ? '' : 's'} outside the Tukey fences [${num(o.lowerFence)}, ${num(o.upperFence)}] -> clip to the fences (not applied by default: outliers may be real)`,
        choice: { op: 'clip', column: c.name, method: 'iqr' },
        alternatives: [
          { label: 'winsorise at the 1st and 99th percentiles', choice: { op: 'clip', column: c.name, method: 'percentile', percentile: 1 } },
          { label: 'winsorise at the 5th and 95th percentiles', choice: { op: 'clip', column: c.name, method: 'percentile', percentile: 5 } },
          { label: 'flag them in an indicator column', choice: { op: 'flagOutliers', column: c.name } },
        ],
        impact: 10 + (100 * (o.low + o.high)) / Math.max(1, c.count),
        selected: false,
      });
    }
    if (c.type === 'numeric' && k.has('skewed') && c.skewness !== null) {
      const positive = typeof c.min === 'number' && c.min > -1;
      const op = positive && c.skewness > 0 ? 'log1p' : 'yeoJohnson';
      add({
        column: c.name,
        evidence: `\`${c.name}\`: skew ${num(c.skewness)} -> ${op === 'log1p' ? 'log(1 + x)' : 'Yeo-Johnson transform'} (not applied by default: depends on the model)`,
        choice: { op, column: c.name },
        alternatives: [op === 'log1p' ? { label: 'Yeo-Johnson transform', choice: { op: 'yeoJohnson', column: c.name } } : { label: 'log(1 + x)', choice: { op: 'log1p', column: c.name } }],
        impact: 8 + Math.min(5, Math.abs(c.skewness)),
        selected: false,
      });
    }
    if (numeric) {
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${c.mean === null ? 'numbers' : `mean ${num(c.mean)}, std ${num(c.std ?? 0)}`} -> standard scaling (not applied by default: depends on the model)`,
        choice: { op: 'scale', column: c.name, method: 'standard' },
        alternatives: [
          { label: 'min-max scaling to 0..1', choice: { op: 'scale', column: c.name, method: 'minMax' } },
          { label: 'robust scaling (median, IQR)', choice: { op: 'scale', column: c.name, method: 'robust' } },
        ],
        impact: 2,
        selected: false,
      });
    } else if (c.type === 'categorical' && c.distinct > 1) {
      const few = c.distinct <= options.oneHotMax && !c.distinctApprox;
      const rare = c.top.filter((t) => t.count / Math.max(1, c.count) < options.rareShare).length;
      if (rare > 0 || (!few && c.distinct > c.top.length)) {
        add({
          column: c.name,
          evidence: `\`${c.name}\`: ${c.distinct} categories, ${rare > 0 ? `${rare} below ${pct(options.rareShare * 100)} of values` : 'a long tail'} -> group rare ones into "other" (not applied by default)`,
          choice: { op: 'groupRare', column: c.name, minShare: options.rareShare },
          alternatives: [{ label: 'keep every category', choice: null }],
          impact: 5,
          selected: false,
        });
      }
      add({
        column: c.name,
        evidence: `\`${c.name}\`: ${c.distinct} categories -> ${few ? 'one-hot columns' : `frequency encoding (one-hot would need ${c.distinct} columns)`} (not applied by default: depends on the model)`,
        choice: few ? { op: 'oneHot', column: c.name, maxCategories: options.oneHotMax } : { op: 'frequency', column: c.name },
        alternatives: [
          few ? { label: 'frequency encoding', choice: { op: 'frequency', column: c.name } } : { label: `one-hot of the ${options.oneHotMax} most frequent, the rest "other"`, choice: { op: 'oneHot', column: c.name, maxCategories: options.oneHotMax } },
          ...(few ? [{ label: 'ordinal codes (sorted categories)', choice: { op: 'ordinal', column: c.name } as StepChoice }] : []),
        ],
        impact: 1,
        selected: false,
      });
    }
  }
  const target = options.target === undefined ? undefined : profile.columns.find((c) => c.name === options.target);
  if (target && target.type !== 'numeric' && target.top.length >= 2) {
    const largest = target.top[0]!;
    const smallest = target.top[target.top.length - 1]!;
    if (smallest.count < largest.count / 2) {
      add({
        column: target.name,
        evidence: `\`${target.name}\` (target): ${JSON.stringify(smallest.value)} has ${smallest.count} rows against ${largest.count} for ${JSON.stringify(largest.value)} -> oversample the smaller classes at random (training data only; not applied by default)`,
        choice: { op: 'oversample', column: target.name },
        alternatives: [
          { label: 'oversample to half the largest class', choice: { op: 'oversample', column: target.name, ratio: 0.5 } },
          { label: 'SMOTE: synthetic rows between near neighbours of the smaller classes', choice: { op: 'smote', column: target.name } },
        ],
        impact: 12,
        selected: false,
      });
    }
  }
  return out.sort((a, b) => b.impact - a.impact);
}

/** The choices of the selected suggestions, in run order: `mllab clean --auto`. */
export function defaultChoices(suggestions: readonly Suggestion[]): StepChoice[] {
  return orderChoices(suggestions.filter((s) => s.selected).map((s) => s.choice));
}
