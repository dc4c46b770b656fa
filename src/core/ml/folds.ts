// Row splits for honest evaluation: k-fold, stratified k-fold and holdout, all seeded. Every split is a
// list of { train, valid } with sorted row indices; train and valid are disjoint, and over k folds every
// row is validated exactly once.
import { UserError } from '../errors.js';
import { seededRandom, shuffleInPlace } from './random.js';

export interface Fold {
  train: Int32Array;
  valid: Int32Array;
}

export interface StratifyOptions {
  /**
   * A class with fewer rows than folds cannot appear in every fold. By default that is an error (the
   * per-fold scores would not be comparable); with this set the split goes ahead (some folds lack the
   * class) and onWarning hears about it.
   */
  allowSmallClasses?: boolean;
  onWarning?(message: string): void;
}

function rowList(rows: number | Int32Array): Int32Array {
  if (typeof rows !== 'number') return Int32Array.from(rows);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = i;
  return out;
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2) throw new UserError('BAD_ARGUMENT', `Cross-validation needs at least 2 folds (got ${k}).`);
  if (k > n) throw new UserError('TOO_FEW_ROWS', `${k}-fold cross-validation needs at least ${k} rows; there are ${n}.`);
}

/** Folds from a fold number per position of `rows`: fold f validates the rows assigned f. */
function foldsFrom(rows: Int32Array, assigned: Int32Array, k: number): Fold[] {
  const sizes = new Int32Array(k);
  for (let i = 0; i < assigned.length; i++) sizes[assigned[i]!]!++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const valid = new Int32Array(sizes[f]!);
    const train = new Int32Array(rows.length - sizes[f]!);
    let v = 0;
    let t = 0;
    for (let i = 0; i < rows.length; i++) {
      if (assigned[i] === f) valid[v++] = rows[i]!;
      else train[t++] = rows[i]!;
    }
    folds.push({ train: train.sort(), valid: valid.sort() });
  }
  return folds;
}

/**
 * Shuffled k-fold over `rows` (a count n for rows 0..n-1, or a list of row indices). Fold sizes differ by
 * at most one (the first n mod k folds are one larger, as in scikit-learn's KFold).
 */
export function kFold(rows: number | Int32Array, k: number, seed: number): Fold[] {
  const list = rowList(rows);
  checkK(k, list.length);
  const order = shuffleInPlace(rowList(list.length), seededRandom(seed));
  const assigned = new Int32Array(list.length);
  const base = Math.floor(list.length / k);
  const extra = list.length % k;
  let at = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let i = 0; i < size; i++) assigned[order[at++]!] = f;
  }
  return foldsFrom(list, assigned, k);
}

function classCount(labels: Int32Array): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y < 0) throw new UserError('BAD_ARGUMENT', `Class labels must be codes 0..C-1 (row ${i} has ${y}).`);
    if (y + 1 > c) c = y + 1;
  }
  return c;
}

/**
 * Stratified shuffled k-fold over rows 0..labels.length-1, labels being class codes 0..C-1. As in
 * scikit-learn's StratifiedKFold: rows sorted by class (in order of first appearance) are dealt round-robin to the folds, which fixes how
 * many rows of each class every fold gets (floor or ceil of n_c / k, so each fold's class shares are
 * within one row of the overall ones, and fold sizes differ by at most one); which rows those are is a
 * seeded shuffle within each class.
 */
export function stratifiedKFold(labels: Int32Array, k: number, seed: number, options: StratifyOptions = {}): Fold[] {
  const n = labels.length;
  checkK(k, n);
  const classes = classCount(labels);
  const counts = new Int32Array(classes);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  for (let c = 0; c < classes; c++) {
    const m = counts[c]!;
    if (m === 0 || m >= k) continue;
    const message = `Class ${c} has ${m} row${m === 1 ? '' : 's'}, fewer than the ${k} folds: some folds will not contain it.`;
    if (!options.allowSmallClasses) throw new UserError('TOO_FEW_ROWS', `${message} Use fewer folds or a holdout split.`);
    options.onWarning?.(message);
  }
  // quota[f * classes + c]: rows of class c that fold f validates. Classes are dealt in order of first
  // appearance, as scikit-learn does, so fold sizes and class counts match its folds exactly.
  const firstSeen: number[] = [];
  const seen = new Uint8Array(classes);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (seen[c] === 0) {
      seen[c] = 1;
      firstSeen.push(c);
    }
  }
  const quota = new Int32Array(k * classes);
  let position = 0;
  for (const c of firstSeen) {
    for (let i = 0; i < counts[c]!; i++) quota[(position++ % k) * classes + c]!++;
  }
  const next = seededRandom(seed);
  const members: Int32Array[] = [];
  for (let c = 0; c < classes; c++) members.push(new Int32Array(counts[c]!));
  const fill = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    members[c]![fill[c]!++] = i;
  }
  const assigned = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    const list = shuffleInPlace(members[c]!, next);
    let at = 0;
    for (let f = 0; f < k; f++) {
      for (let q = quota[f * classes + c]!; q > 0; q--) assigned[list[at++]!] = f;
    }
  }
  return foldsFrom(rowList(n), assigned, k);
}

/**
 * One train/validation split of rows 0..n-1 with round(n × fraction) validation rows (at least 1, at
 * most n - 1). With labels the split is stratified: each class gives floor(n_c × fraction) rows, and the
 * rows still owed go to the classes with the largest remainders (ties: lower class code first).
 */
export function holdout(n: number, fraction: number, seed: number, labels?: Int32Array): Fold[] {
  if (!(fraction > 0 && fraction < 1)) throw new UserError('BAD_ARGUMENT', `The holdout fraction must be between 0 and 1 (got ${fraction}).`);
  if (n < 2) throw new UserError('TOO_FEW_ROWS', `A holdout split needs at least 2 rows; there ${n === 1 ? 'is 1' : `are ${n}`}.`);
  if (labels !== undefined && labels.length !== n) throw new UserError('BAD_ARGUMENT', `holdout: ${labels.length} labels for ${n} rows.`);
  const validCount = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const next = seededRandom(seed);
  const assigned = new Int32Array(n);
  if (labels === undefined) {
    const order = shuffleInPlace(rowList(n), next);
    for (let i = 0; i < validCount; i++) assigned[order[i]!] = 1;
  } else {
    const classes = classCount(labels);
    const counts = new Int32Array(classes);
    for (let i = 0; i < n; i++) counts[labels[i]!]!++;
    const take = new Int32Array(classes);
    let owed = validCount;
    for (let c = 0; c < classes; c++) {
      take[c] = Math.floor(counts[c]! * fraction);
      owed -= take[c]!;
    }
    const byRemainder = Array.from({ length: classes }, (_, c) => c).sort((a, b) => counts[b]! * fraction - take[b]! - (counts[a]! * fraction - take[a]!) || a - b);
    for (let i = 0; owed > 0 && i < byRemainder.length; i++) {
      const c = byRemainder[i]!;
      if (take[c]! < counts[c]!) {
        take[c]!++;
        owed--;
      }
    }
    const members: Int32Array[] = [];
    for (let c = 0; c < classes; c++) members.push(new Int32Array(counts[c]!));
    const fill = new Int32Array(classes);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      members[c]![fill[c]!++] = i;
    }
    for (let c = 0; c < classes; c++) {
      const list = shuffleInPlace(members[c]!, next);
      for (let i = 0; i < take[c]!; i++) assigned[list[i]!] = 1;
    }
  }
  // Fold 1 is validation: foldsFrom with k = 2 yields [valid = fold 0, valid = fold 1]; keep the second.
  return [foldsFrom(rowList(n), assigned, 2)[1]!];
}
