// From merged accumulators to the DatasetProfile contract: type inference, statistics from exact values
// while they were few enough to keep, from the sketches otherwise.
import type { ColumnEvidence, ColumnProfile, ColumnType, DatasetProfile, Dialect, FileIdentity, Histogram, OutlierStats, Quantiles, ValueCount } from '../../protocol/profile.js';
import { PROFILE_SCHEMA_VERSION } from '../../protocol/profile.js';
import { isTextKey } from './cellValues.js';
import type { ColumnStats } from './columnStats.js';
import type { KllSketch } from './sketch/kll.js';
import type { PassAccumulator } from './profilePass.js';

export const ENGINE_VERSION = 'mllab-profile-1';
const HISTOGRAM_BINS = 30;
const TOP_VALUES = 10;
const MAX_VARIANT_GROUPS = 20;
const MAX_VARIANTS_PER_GROUP = 10;

export interface ProfileContext {
  file: FileIdentity;
  dialect: Dialect;
  names: string[];
  preview: boolean;
  elapsedMs: number;
  threads: number;
  /** Candidate columns of the correlation matrix and the note when some were left out. */
  correlationColumns: number[];
  correlationNote: string | null;
  cooccurrenceColumns: number[];
  /** Physical lines before the first data record (header and blank lines). */
  headerLines: number;
}

const QUANTILE_POINTS: [keyof Quantiles, number][] = [
  ['p1', 0.01],
  ['p5', 0.05],
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
  ['p99', 0.99],
];

/** pandas' default (linear interpolation) quantile of sorted values. */
export function exactQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (pos - lo);
}

/**
 * pandas' linear quantile of the column whose sorted distinct values are `values`, `cum[i]` of them at or
 * below values[i]: the same two neighbours and interpolation as exactQuantile on the expanded column.
 */
export function countedQuantile(values: Float64Array, cum: Float64Array, q: number): number {
  const n = cum[cum.length - 1]!;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = values[firstAbove(cum, lo)]!;
  return a + (values[firstAbove(cum, hi)]! - a) * (pos - lo);
}

/** First i with cum[i] > rank (the value at 0-based position `rank`). */
function firstAbove(cum: Float64Array, rank: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * numpy.histogram over [min, max] (the last bin closed); a constant column gets [v - 0.5, v + 0.5].
 * With `counts`, `sorted` holds distinct values and counts[i] is how often sorted[i] occurs.
 */
export function exactHistogram(sorted: Float64Array, bins: number, weights?: Float64Array): Histogram {
  let min = sorted[0]!;
  let max = sorted[sorted.length - 1]!;
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? max : min + width * i);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    let b = Math.floor((v - min) / width);
    if (b >= bins) b = bins - 1;
    if (b < 0) b = 0;
    // Floating edges: keep the value on the side numpy would put it.
    if (b > 0 && v < edges[b]!) b--;
    else if (b < bins - 1 && v >= edges[b + 1]!) b++;
    counts[b]! += weights === undefined ? 1 : weights[i]!;
  }
  return { edges, counts };
}

function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

function cumulative(counts: Float64Array): Float64Array {
  const cum = new Float64Array(counts.length);
  let s = 0;
  for (let i = 0; i < counts.length; i++) cum[i] = s += counts[i]!;
  return cum;
}

/** Counted values strictly below x (see countedQuantile for the layout). */
function countedBelow(values: Float64Array, cum: Float64Array, x: number): number {
  const i = countBelow(values, x);
  return i === 0 ? 0 : cum[i - 1]!;
}

/** Counted values at or below x. */
function countedAtOrBelow(values: Float64Array, cum: Float64Array, x: number): number {
  const i = values.length - countAbove(values, x);
  return i === 0 ? 0 : cum[i - 1]!;
}

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}

export function inferType(c: ColumnStats, distinct: number, distinctApprox: boolean): ColumnType {
  const n = c.count;
  if (n === 0) return 'text';
  if (c.boolean === n && popcount(c.booleanMask) <= 2) return 'boolean';
  if (c.numeric >= 0.98 * n) return 'numeric';
  if (c.datetime >= 0.95 * n) return 'datetime';
  const meanLength = c.lenSum / n;
  if (!distinctApprox && distinct <= Math.max(20, Math.min(1000, 0.05 * n)) && distinct < n && meanLength <= 50) return 'categorical';
  return 'text';
}

function topValues(c: ColumnStats): ValueCount[] {
  const t = c.values;
  const idx: number[] = [];
  for (let i = 0; i < t.size; i++) idx.push(i);
  // Most frequent first; ties keep first-seen order, as pandas' value_counts does.
  idx.sort((a, b) => t.count(b) - t.count(a) || a - b);
  return idx.slice(0, TOP_VALUES).map((i) => ({ value: t.texts[i]!, count: t.count(i) }));
}

function variantGroups(c: ColumnStats): string[][] {
  const t = c.values;
  if (t.overflowed) return [];
  const groups = new Map<string, { members: string[]; count: number }>();
  for (let i = 0; i < t.size; i++) {
    // Only text keys (tagged in the NaN space); numbers that print alike are one value already.
    if (!isTextKey(t.keyHi(i))) continue;
    const text = t.texts[i]!;
    const norm = text.trim().toLowerCase();
    let g = groups.get(norm);
    if (!g) {
      g = { members: [], count: 0 };
      groups.set(norm, g);
    }
    g.members.push(text);
    g.count += t.count(i);
  }
  return [...groups.values()]
    .filter((g) => g.members.length > 1)
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_VARIANT_GROUPS)
    .map((g) => g.members.slice(0, MAX_VARIANTS_PER_GROUP));
}

/** Equal-width histogram from a KLL sketch's ranks (dates, and numbers in very wide files). */
function histogramFromKll(kll: KllSketch, min: number, max: number): Histogram {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / HISTOGRAM_BINS;
  const edges: number[] = [];
  for (let i = 0; i <= HISTOGRAM_BINS; i++) edges.push(i === HISTOGRAM_BINS ? hi : lo + width * i);
  const n = kll.count;
  const counts: number[] = [];
  let prev = 0;
  for (let i = 1; i <= HISTOGRAM_BINS; i++) {
    const cum = i === HISTOGRAM_BINS ? n : Math.round(n * kll.rank(edges[i]! - 1e-9 * Math.abs(edges[i]!)));
    counts.push(Math.max(0, cum - prev));
    prev = Math.max(prev, cum);
  }
  return { edges, counts };
}

/** Values strictly below x, from KLL ranks (fraction <= x just below x). */
function kllBelow(kll: KllSketch, x: number): number {
  return kll.count * kll.rank(x - Math.abs(x) * 1e-12 - Number.MIN_VALUE);
}

function columnProfile(c: ColumnStats, index: number, name: string, rows: number): ColumnProfile {
  c.foldEvidence();
  // A HyperLogLog estimate can overshoot; there cannot be more distinct values than values.
  const distinct = Math.min(c.values.distinct(), c.count);
  const distinctApprox = c.values.overflowed;
  const type = inferType(c, distinct, distinctApprox);
  const evidence: ColumnEvidence = {
    numeric: c.numeric,
    integer: c.integer,
    boolean: c.boolean,
    datetime: c.datetime,
    numericLikeText: c.numericLike,
    padded: c.padded,
    variantGroups: variantGroups(c),
    otherDateFormats: c.otherDates,
  };
  const p: ColumnProfile = {
    index,
    name,
    type,
    count: c.count,
    missing: c.missing,
    missingPct: rows === 0 ? 0 : (100 * c.missing) / rows,
    distinct,
    distinctApprox,
    min: null,
    max: null,
    mean: null,
    std: null,
    skewness: null,
    quantiles: null,
    zeros: null,
    negatives: null,
    outliers: null,
    top: topValues(c),
    topApprox: distinctApprox,
    histogram: null,
    length: null,
    evidence,
  };
  if (type === 'numeric' && c.moments !== null && c.moments.count > 0) {
    const m = c.moments;
    p.min = m.min;
    p.max = m.max;
    p.mean = m.mean;
    p.std = m.std();
    p.skewness = m.skewness();
    p.zeros = m.zeros;
    p.negatives = m.negatives;
    const sorted = c.sortedExact();
    // Few distinct values: the value table counted each one, which is as exact as the sorted column.
    const counted = sorted ? null : c.countedNumbers();
    const cum = counted ? cumulative(counted.counts) : null;
    const q = (x: number): number => (sorted ? exactQuantile(sorted, x) : counted ? countedQuantile(counted.values, cum!, x) : c.kll!.quantile(x));
    const quantiles = {} as Quantiles;
    for (const [k, x] of QUANTILE_POINTS) quantiles[k] = q(x);
    p.quantiles = quantiles;
    const iqr = quantiles.p75 - quantiles.p25;
    const lowerFence = quantiles.p25 - 1.5 * iqr;
    const upperFence = quantiles.p75 + 1.5 * iqr;
    const outliers: OutlierStats = sorted
      ? { lowerFence, upperFence, low: countBelow(sorted, lowerFence), high: countAbove(sorted, upperFence), approx: false }
      : counted
        ? { lowerFence, upperFence, low: countedBelow(counted.values, cum!, lowerFence), high: cum![cum!.length - 1]! - countedAtOrBelow(counted.values, cum!, upperFence), approx: false }
        : c.logHistogram
        ? { lowerFence, upperFence, low: Math.round(c.logHistogram.countBelow(lowerFence)), high: Math.round(c.logHistogram.countAbove(upperFence)), approx: true }
        : { lowerFence, upperFence, low: Math.round(kllBelow(c.kll!, lowerFence)), high: Math.round(c.kll!.count * (1 - c.kll!.rank(upperFence))), approx: true };
    p.outliers = outliers;
    p.histogram = sorted
      ? exactHistogram(sorted, HISTOGRAM_BINS)
      : counted
        ? exactHistogram(counted.values, HISTOGRAM_BINS, counted.counts)
        : c.logHistogram
        ? c.logHistogram.toEqualWidth(m.min, m.max, HISTOGRAM_BINS)
        : histogramFromKll(c.kll!, m.min, m.max);
  } else if (type === 'datetime' && c.datetime > 0) {
    p.min = new Date(c.dateMin).toISOString();
    p.max = new Date(c.dateMax).toISOString();
    // Dates counted by value (few distinct), else every date while few, else the sketch.
    const counted = c.countedDates;
    const sorted = counted ? null : c.sortedExactDates();
    p.histogram = counted
      ? exactHistogram(counted.values, HISTOGRAM_BINS, counted.counts)
      : sorted
        ? exactHistogram(sorted, HISTOGRAM_BINS)
        : histogramFromKll(c.dateKll!, c.dateMin, c.dateMax);
  }
  if ((type === 'text' || type === 'categorical') && c.count > 0) p.length = { min: c.lenMin, max: c.lenMax, mean: c.lenSum / c.count };
  return p;
}

export function buildProfile(acc: PassAccumulator, ctx: ProfileContext): Omit<DatasetProfile, 'warnings'> {
  const rows = acc.rows;
  const columns = acc.columns.map((c, i) => columnProfile(c, i, ctx.names[i]!, rows));
  let missingCells = 0;
  for (const c of columns) missingCells += c.missing;
  const cells = rows * columns.length;
  // Correlation candidates came from the preview; keep only those the full pass confirms numeric.
  const keep: number[] = [];
  ctx.correlationColumns.forEach((col, k) => {
    if (columns[col]?.type === 'numeric') keep.push(k);
  });
  // One column has nothing to correlate with.
  if (keep.length < 2) keep.length = 0;
  const full = acc.correlation ? acc.correlation.matrix() : [];
  const matrix = keep.map((a) => keep.map((b) => full[a]?.[b] ?? null));
  const co = ctx.cooccurrenceColumns.length;
  const coMatrix: number[][] = [];
  for (let i = 0; i < co; i++) coMatrix.push(Array.from(acc.cooccurrence.subarray(i * co, (i + 1) * co)));
  const duplicateRowsApprox = acc.duplicateOverflow;
  const duplicateRows = duplicateRowsApprox ? Math.max(0, rows - Math.round(acc.rowHll.estimate())) : acc.duplicates;
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    file: ctx.file,
    preview: ctx.preview,
    dialect: ctx.dialect,
    rows,
    columnCount: columns.length,
    bytes: ctx.file.size,
    duplicateRows,
    duplicateRowsApprox,
    missingPct: cells === 0 ? 0 : (100 * missingCells) / cells,
    ragged: { count: acc.raggedCount, firstLines: acc.raggedLines.map((l) => l + ctx.headerLines), expectedFields: columns.length },
    columns,
    correlations: {
      columns: keep.map((k) => ctx.names[ctx.correlationColumns[k]!]!),
      matrix,
      note: ctx.correlationNote,
    },
    missingCooccurrence: { columns: ctx.cooccurrenceColumns.map((i) => ctx.names[i]!), matrix: coMatrix },
    run: { elapsedMs: ctx.elapsedMs, threads: ctx.threads, engineVersion: ENGINE_VERSION },
  };
}
