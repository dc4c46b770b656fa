// The learning task a target implies, and the class order labels are coded in.
//
// Rules (first match wins), over the target's non-missing values:
// 1. Not all numbers → classification: binary with 2 distinct labels, else multiclass.
// 2. Numbers with exactly 2 distinct values → binary (0/1, 1/2, -1/1 …).
// 3. Whole numbers with at most 20 distinct values, and at least 5 rows per distinct value on average
//    (so a handful of rows of counts stays a regression) → multiclass (grades, ratings, digit labels).
// 4. Otherwise → regression.
// One distinct value is no task at all: the loader refuses it (BAD_TARGET).
//
// Class order (codes 0..C-1) is sorted, so it does not depend on row order: numeric order when every
// label is a number (labels are then named by their canonical spelling: "1.0" and "1" are class "1"),
// otherwise by UTF-16 code units (plain `<`, the same on every machine; "B" before "a").
import type { Labels, TargetColumn, Task } from './types.js';

/** Most distinct whole numbers a target may have to be read as classes. */
export const MAX_INTEGER_CLASSES = 20;
/** Rows per distinct value an integer target needs, on average, to be read as classes. */
export const MIN_ROWS_PER_CLASS = 5;

/**
 * The number a label spells (after trimming), or NaN: [+-]digits[.digits][e[+-]digits] and .5-style
 * decimals, as the profiler reads numbers; no hex, no Infinity, no infinite results ("1e999").
 */
export function labelNumber(text: string): number {
  const t = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  const c0 = t.charCodeAt(0);
  // Digits, a sign or a point first: everything else (words, Infinity, empty) is not a number.
  if (!((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46)) return NaN;
  const x = Number(t);
  if (!Number.isFinite(x)) return NaN;
  // Number() also reads 0x1f, 0b1 and 0o7; the profiler does not.
  if (t.length > 2 && c0 === 48) {
    const c1 = t.charCodeAt(1) | 0x20;
    if (c1 === 120 || c1 === 98 || c1 === 111) return NaN;
  }
  return x;
}

export interface TargetSummary {
  /** Non-missing values. */
  rows: number;
  /** Every value is a number. */
  numeric: boolean;
  /** Every value is a whole number (only meaningful when numeric). */
  integer: boolean;
  distinct: number;
}

/** Summary of target values: texts (non-missing, as read) or numbers (NaN = missing, skipped). */
export function summariseTarget(values: readonly string[] | Float64Array): TargetSummary {
  let rows = 0;
  let numeric = true;
  let integer = true;
  const seen = new Set<string | number>();
  for (const v of values) {
    const x = typeof v === 'number' ? v : labelNumber(v);
    if (typeof v === 'number' && Number.isNaN(v)) continue;
    rows++;
    if (Number.isNaN(x)) numeric = false;
    else if (!Number.isInteger(x)) integer = false;
    seen.add(typeof v === 'number' ? v : v.trim());
  }
  if (!numeric) return { rows, numeric, integer: false, distinct: seen.size };
  // Texts that spell the same number are one value.
  const numbers = new Set<number>();
  for (const v of seen) numbers.add(typeof v === 'number' ? v : labelNumber(v));
  return { rows, numeric, integer, distinct: numbers.size };
}

export function taskOf(s: TargetSummary): Task {
  if (!s.numeric) return s.distinct === 2 ? 'binary' : 'multiclass';
  if (s.distinct === 2) return 'binary';
  if (s.integer && s.distinct <= MAX_INTEGER_CLASSES && s.distinct * MIN_ROWS_PER_CLASS <= s.rows) return 'multiclass';
  return 'regression';
}

/** The task the target's values imply (rules at the top of this file). */
export function inferTask(values: readonly string[] | Float64Array): Task {
  return taskOf(summariseTarget(values));
}

/** Canonical class name of a label: a number's shortest spelling when every label is numeric, else the trimmed text. */
function className(text: string, numeric: boolean): string {
  return numeric ? String(labelNumber(text)) : text.trim();
}

/** The sorted class list of the labels (see the order rules above). */
export function classOrder(labels: Iterable<string>): string[] {
  const distinct = new Set<string>();
  let numeric = true;
  for (const l of labels) {
    distinct.add(l.trim());
    if (numeric && Number.isNaN(labelNumber(l))) numeric = false;
  }
  if (numeric) {
    const byValue = new Map<number, string>();
    for (const l of distinct) byValue.set(labelNumber(l), className(l, true));
    return [...byValue.keys()].sort((a, b) => a - b).map((v) => byValue.get(v)!);
  }
  return [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Codes of `labels` in `classes` (as given by classOrder over the same labels): a label not among them → -1. */
export function encodeLabels(labels: readonly string[], classes: readonly string[]): Int32Array {
  const numeric = classes.every((c) => !Number.isNaN(labelNumber(c)));
  const index = new Map<string, number>();
  classes.forEach((c, i) => index.set(c, i));
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const key = numeric && !Number.isNaN(labelNumber(l)) ? className(l, true) : l.trim();
    codes[i] = index.get(key) ?? -1;
  }
  return codes;
}

/** The Labels a model fits on, for `rows` of the target (all rows when absent). */
export function labelsOf(target: TargetColumn, rows?: Int32Array): Labels {
  if (target.task === 'regression') {
    const y = rows === undefined ? target.values.slice() : Float64Array.from(rows, (r) => target.values[r]!);
    return { task: 'regression', y };
  }
  const y = rows === undefined ? target.codes.slice() : Int32Array.from(rows, (r) => target.codes[r]!);
  return { task: target.task, y, classes: target.classes.length };
}
