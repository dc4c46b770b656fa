// Data-quality warnings derived from a finished profile: pure, so the report, the CLI and tests all get the
// same list from the same numbers. Messages are one plain-text sentence with the numbers in them (never
// HTML: column names and values come from the file, and the renderer escapes them).
import type { ColumnProfile, DataWarning, DatasetProfile, WarningKind, WarningSeverity } from '../../protocol/profile.js';

export interface WarningThresholds {
  /** Missing share of rows, percent. */
  highMissingPct: number;
  /** Share of the most frequent value among non-missing values, percent. */
  nearConstantPct: number;
  /** Absolute skewness. */
  skewAbs: number;
  /** Values beyond the Tukey fences, percent of non-missing values. */
  outlierPct: number;
  /** Absolute Pearson r. */
  correlationAbs: number;
  /** distinct / rows for an integer or text column to look like an identifier. */
  idLikeDistinctRatio: number;
  /** Distinct categories above which a categorical column is high-cardinality. */
  highCardinality: number;
  /** Share of a text column's values that are numbers, percent. */
  numbersAsTextPct: number;
  /** Share of a text column's values that are dates, percent. */
  probableDatesPct: number;
}

export const DEFAULT_WARNING_THRESHOLDS: WarningThresholds = {
  highMissingPct: 20,
  nearConstantPct: 95,
  skewAbs: 2,
  outlierPct: 1,
  correlationAbs: 0.95,
  idLikeDistinctRatio: 0.95,
  highCardinality: 50,
  numbersAsTextPct: 90,
  probableDatesPct: 90,
};

/** Below this many rows every value of a small table is unique: calling a column an ID says nothing. */
const MIN_ROWS_FOR_ID = 20;
/** Longer values on average read as free text (descriptions, comments), not identifiers or categories. */
const FREE_TEXT_MEAN_LENGTH = 40;
const MAX_QUOTED_LENGTH = 40;
/**
 * An approximate duplicate count is rows minus a HyperLogLog estimate of distinct rows (p = 14: 0.81%
 * standard error), so below about three standard errors of the row count it is noise, not duplicates.
 */
const APPROX_DUPLICATES_NOISE = (3 * 1.04) / Math.sqrt(2 ** 14);

const SEVERITY_RANK: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };
/** Tie-break inside one column and severity: the order a reader would want them in. */
const KIND_ORDER: WarningKind[] = [
  'raggedRows',
  'duplicates',
  'emptyColumn',
  'constant',
  'highMissing',
  'idLike',
  'numbersAsText',
  'probableDates',
  'categoryVariants',
  'highCorrelation',
  'nearConstant',
  'highCardinality',
  'skewed',
  'outliers',
];

export function deriveWarnings(profile: Omit<DatasetProfile, 'warnings'>, thresholds?: Partial<WarningThresholds>): DataWarning[] {
  const t: WarningThresholds = { ...DEFAULT_WARNING_THRESHOLDS, ...thresholds };
  const out: DataWarning[] = [];

  if (profile.ragged.count > 0) {
    const { count, expectedFields, firstLines } = profile.ragged;
    const shown = firstLines.slice(0, 3);
    const where = shown.length === 0 ? '' : ` (first at line${shown.length > 1 ? 's' : ''} ${shown.map(int).join(', ')}${firstLines.length > 3 || count > shown.length ? ', …' : ''})`;
    out.push({
      kind: 'raggedRows',
      severity: 'error',
      column: null,
      columns: [],
      message: `${int(count)} ${plural(count, 'row has', 'rows have')} a different number of fields than the expected ${int(expectedFields)}${where}.`,
      evidence: { count, expectedFields, firstLines: firstLines.join(', ') },
    });
  }

  const duplicatesNoise = profile.duplicateRowsApprox ? APPROX_DUPLICATES_NOISE * profile.rows : 0;
  if (profile.duplicateRows > duplicatesNoise && profile.rows > 0) {
    const d = profile.duplicateRows;
    const pct = (100 * d) / profile.rows;
    out.push({
      kind: 'duplicates',
      severity: 'warning',
      column: null,
      columns: [],
      message: `${profile.duplicateRowsApprox ? 'About ' : ''}${int(d)} ${plural(d, 'row is an exact duplicate', 'rows are exact duplicates')} of an earlier row (${percent(pct)} of ${int(profile.rows)} rows).`,
      evidence: { duplicateRows: d, rows: profile.rows, pct: round(pct, 4), approx: profile.duplicateRowsApprox },
    });
  }

  if (profile.rows > 0) for (const c of profile.columns) columnWarnings(c, profile.rows, t, out);

  correlationWarnings(profile, t, out);

  const indexOf = new Map<string, number>();
  for (const c of profile.columns) if (!indexOf.has(c.name)) indexOf.set(c.name, c.index);
  const position = (w: DataWarning): number => (w.column === null ? -1 : (indexOf.get(w.column) ?? Number.MAX_SAFE_INTEGER));
  return out
    .map((w, i) => ({ w, i }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.w.severity] - SEVERITY_RANK[b.w.severity] ||
        position(a.w) - position(b.w) ||
        KIND_ORDER.indexOf(a.w.kind) - KIND_ORDER.indexOf(b.w.kind) ||
        a.i - b.i,
    )
    .map(({ w }) => w);
}

function columnWarnings(c: ColumnProfile, rows: number, t: WarningThresholds, out: DataWarning[]): void {
  const name = c.name;
  const label = `\`${name}\``;
  const add = (kind: WarningKind, severity: WarningSeverity, message: string, evidence: DataWarning['evidence']): void => {
    out.push({ kind, severity, column: name, columns: [], message, evidence });
  };

  // An all-missing column is that and nothing else.
  if (c.count === 0) {
    add('emptyColumn', 'warning', `${label}: every value is missing (${int(rows)} ${plural(rows, 'row', 'rows')}).`, { missing: c.missing, rows });
    return;
  }

  if (c.missingPct >= t.highMissingPct) {
    add('highMissing', 'warning', `${label}: ${percent(c.missingPct)} missing (${int(c.missing)} of ${int(rows)} rows).`, {
      missing: c.missing,
      rows,
      missingPct: round(c.missingPct, 4),
    });
  }

  if (c.distinct <= 1) {
    const value = c.top[0]?.value ?? (c.min === null ? '' : String(c.min));
    add('constant', 'warning', `${label}: every non-missing value is ${quote(value)} (${int(c.count)} ${plural(c.count, 'row', 'rows')}).`, {
      value,
      count: c.count,
    });
    // A single value has no spread, shape, outliers or cardinality to speak of.
    return;
  }

  const integerColumn = c.type === 'numeric' && c.evidence.numeric > 0 && c.evidence.integer === c.evidence.numeric;
  const textColumn = c.type === 'text' || c.type === 'categorical';
  const freeText = c.length !== null && c.length.mean > FREE_TEXT_MEAN_LENGTH;
  const distinctRatio = c.distinct / rows;
  // All-distinct integers are identifiers when they fill a dense range (1..n, row numbers, serials);
  // incomes or populations are all-distinct integers too, spread thin over a wide range.
  const denseIntegers = integerColumn && typeof c.min === 'number' && typeof c.max === 'number' && c.max - c.min + 1 <= 2 * c.distinct;
  const idLike = rows >= MIN_ROWS_FOR_ID && distinctRatio >= t.idLikeDistinctRatio && (denseIntegers || (textColumn && !freeText));
  if (idLike) {
    add(
      'idLike',
      'warning',
      `${label} looks like an identifier: ${c.distinctApprox ? 'about ' : ''}${int(c.distinct)} distinct values in ${int(rows)} rows (${percent(100 * distinctRatio)}).`,
      { distinct: c.distinct, rows, ratio: round(distinctRatio, 4), approx: c.distinctApprox },
    );
  }

  if (textColumn) {
    const e = c.evidence;
    const numbers = e.numeric + e.numericLikeText;
    const numbersPct = (100 * numbers) / c.count;
    // otherDateFormats (MM/DD/YYYY and the like) is optional in the contract; read it without relying on it.
    const otherDates = (e as { otherDateFormats?: number }).otherDateFormats ?? 0;
    const dates = e.datetime + otherDates;
    const datesPct = (100 * dates) / c.count;
    if (datesPct >= t.probableDatesPct) {
      add('probableDates', 'warning', `${label}: ${percent(datesPct)} of values (${int(dates)} of ${int(c.count)}) are dates kept as text.`, {
        datetime: e.datetime,
        otherDateFormats: otherDates,
        count: c.count,
        pct: round(datesPct, 4),
      });
    } else if (numbersPct >= t.numbersAsTextPct) {
      const signs = e.numericLikeText > 0 ? `, ${int(e.numericLikeText)} of them written with currency, thousands or percent signs` : '';
      add('numbersAsText', 'warning', `${label}: ${percent(numbersPct)} of values (${int(numbers)} of ${int(c.count)}) are numbers kept as text${signs}.`, {
        numeric: e.numeric,
        numericLikeText: e.numericLikeText,
        count: c.count,
        pct: round(numbersPct, 4),
      });
    }
  }

  if (c.type !== 'numeric' && c.type !== 'datetime') {
    const groups = c.evidence.variantGroups;
    const padded = c.evidence.padded;
    if (groups.length > 0) {
      const example = (groups[0] ?? []).slice(0, 3).map(quote).join(', ');
      const spaces = padded > 0 ? `; ${int(padded)} ${plural(padded, 'value has', 'values have')} leading or trailing spaces` : '';
      add(
        'categoryVariants',
        'warning',
        `${label}: ${int(groups.length)} ${plural(groups.length, 'group of values differs', 'groups of values differ')} only in case or surrounding spaces (e.g. ${example})${spaces}.`,
        { groups: groups.length, padded, example: (groups[0] ?? []).join(' | ') },
      );
    } else if (padded > 0) {
      add('categoryVariants', 'info', `${label}: ${int(padded)} ${plural(padded, 'value has', 'values have')} leading or trailing spaces (${percent((100 * padded) / c.count)} of ${int(c.count)}).`, {
        groups: 0,
        padded,
      });
    }
  }

  const top = c.top[0];
  if (top !== undefined && !idLike) {
    const share = (100 * top.count) / c.count;
    if (share >= t.nearConstantPct) {
      add(
        'nearConstant',
        'info',
        `${label}: one value (${quote(top.value)}) makes up ${percent(share)} of non-missing values (${c.topApprox ? 'at least ' : ''}${int(top.count)} of ${int(c.count)}).`,
        { value: top.value, count: top.count, nonMissing: c.count, pct: round(share, 4), approx: c.topApprox },
      );
    }
  }

  if (!idLike && textColumn && !freeText && c.distinct > t.highCardinality) {
    add(
      'highCardinality',
      'info',
      `${label}: ${c.distinctApprox ? 'about ' : ''}${int(c.distinct)} distinct categories, too many to one-hot encode as they are.`,
      { distinct: c.distinct, approx: c.distinctApprox },
    );
  }

  if (c.type === 'numeric') {
    if (c.skewness !== null && Math.abs(c.skewness) >= t.skewAbs) {
      add('skewed', 'info', `${label} is strongly ${c.skewness > 0 ? 'right' : 'left'}-skewed (skewness ${num(c.skewness, 3)}).`, {
        skewness: round(c.skewness, 6),
      });
    }
    const o = c.outliers;
    if (o !== null) {
      const low = Math.round(o.low);
      const high = Math.round(o.high);
      const total = low + high;
      const pct = (100 * total) / c.count;
      if (total > 0 && pct >= t.outlierPct) {
        add(
          'outliers',
          'info',
          `${label}: ${o.approx ? 'about ' : ''}${int(total)} ${plural(total, 'value', 'values')} (${percent(pct)}) ${plural(total, 'lies', 'lie')} outside the Tukey fences [${num(o.lowerFence, 4)}, ${num(o.upperFence, 4)}]: ${int(low)} low, ${int(high)} high.`,
          { low, high, lowerFence: o.lowerFence, upperFence: o.upperFence, pct: round(pct, 4), approx: o.approx },
        );
      }
    }
  }
}

function correlationWarnings(profile: Omit<DatasetProfile, 'warnings'>, t: WarningThresholds, out: DataWarning[]): void {
  const { columns, matrix } = profile.correlations;
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      const r = matrix[i]?.[j];
      if (r === null || r === undefined || !(Math.abs(r) >= t.correlationAbs)) continue;
      const a = columns[i]!;
      const b = columns[j]!;
      out.push({
        kind: 'highCorrelation',
        severity: 'warning',
        column: a,
        columns: [b],
        message: `\`${a}\` and \`${b}\` are highly ${r < 0 ? 'negatively ' : ''}correlated (r = ${r.toFixed(3)}).`,
        evidence: { r: round(r, 6), with: b },
      });
    }
  }
}

// --- plain-text number formatting, independent of the machine's locale ---

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 0..100 with one decimal, never rounding a non-zero share to 0% or a partial one to 100%. */
function percent(p: number): string {
  if (p > 0 && p < 0.1) return '<0.1%';
  if (p > 99.9 && p < 100) return '>99.9%';
  return `${p.toFixed(1)}%`;
}

function num(x: number, significant: number): string {
  return x.toLocaleString('en-US', { maximumSignificantDigits: significant });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** A dataset value quoted for a sentence; long values are cut. */
function quote(v: string): string {
  const s = v.length > MAX_QUOTED_LENGTH ? `${v.slice(0, MAX_QUOTED_LENGTH - 1)}…` : v;
  return `"${s}"`;
}
