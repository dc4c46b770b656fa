// SMOTE (Chawla et al. 2002): new minority-class rows on the segments between a row and one of its k nearest
// neighbours of the same class. The rows of the classes to grow are gathered while the file streams through
// (the step is the last one), the new rows are made at the end and appended. Plain loops and one seeded
// generator, so the exported programs can repeat it draw for draw.
import { UserError } from '../errors.js';
import type { SmoteStep } from '../../protocol/recipe.js';
import { formatCell, toNumber } from './cells.js';
import type { Cell } from './cells.js';
import { seededRandom } from './random.js';

/** Squared Euclidean distance (no square root: the order of neighbours is the same). */
function distance2(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let f = 0; f < a.length; f++) {
    const x = a[f]! - b[f]!;
    d += x * x;
  }
  return d;
}

/** Indices of the k points nearest to point i (itself excluded), nearest first, ties to the lower index. */
export function nearestNeighbours(points: readonly (readonly number[])[], i: number, k: number): number[] {
  // The k best so far, kept sorted by insertion: O(n k) instead of sorting all n, same order as a full sort
  // by (distance, index) because points are visited in index order and only a strictly smaller distance passes.
  const best: number[] = [];
  const bestDist: number[] = [];
  const p = points[i]!;
  for (let j = 0; j < points.length; j++) {
    if (j === i) continue;
    const d = distance2(p, points[j]!);
    if (best.length < k) {
      best.push(j);
      bestDist.push(d);
    } else if (d < bestDist[k - 1]!) {
      best[k - 1] = j;
      bestDist[k - 1] = d;
    } else continue;
    // Move the newcomer up past every point strictly farther away (an equal one came earlier: it stays first).
    for (let at = best.length - 1; at > 0 && bestDist[at - 1]! > d; at--) {
      best[at] = best[at - 1]!;
      bestDist[at] = bestDist[at - 1]!;
      best[at - 1] = j;
      bestDist[at - 1] = d;
    }
  }
  return best;
}

/** Collects rows while streaming, then makes the synthetic ones. */
export class SmoteCollector {
  private readonly counts = new Map<string, number>();
  private readonly kept = new Map<string, Cell[][]>();

  constructor(
    private readonly step: SmoteStep,
    private readonly stepNumber: number,
    private readonly target: number,
    private readonly features: readonly number[],
  ) {
    for (const c of step.classes) this.kept.set(c, []);
  }

  /** Counts the row's class and keeps a copy when its class is one to grow. */
  add(row: readonly Cell[]): void {
    const c = row[this.target]!;
    if (c === null) return;
    const key = formatCell(c);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.kept.get(key)?.push([...row]);
  }

  /** The synthetic rows, class by class in the step's order. */
  finish(): Cell[][] {
    let largest = 0;
    for (const n of this.counts.values()) largest = Math.max(largest, n);
    // floor(x + 0.5) rather than Math.round, so the exported Python (whose round() rounds halves to even) can match.
    const goal = Math.floor(this.step.ratio * largest + 0.5);
    const next = seededRandom(this.step.seed);
    const out: Cell[][] = [];
    for (const cls of this.step.classes) {
      const need = goal - (this.counts.get(cls) ?? 0);
      if (need <= 0) continue;
      const rows: Cell[][] = [];
      const points: number[][] = [];
      for (const r of this.kept.get(cls)!) {
        const p = this.features.map((f) => {
          const c = r[f]!;
          return c === null ? NaN : toNumber(c);
        });
        // A row with a missing or non-numeric feature has no place in the feature space: it is neither base nor neighbour.
        if (p.every((x) => !Number.isNaN(x))) {
          rows.push(r);
          points.push(p);
        }
      }
      if (rows.length < 2) {
        throw new UserError('BAD_RECIPE', `Recipe step ${this.stepNumber} (smote): class ${JSON.stringify(cls)} of "${this.step.column}" has ${rows.length} row(s) with every feature a number; SMOTE needs at least 2 (use oversample instead).`);
      }
      const k = Math.min(this.step.k, rows.length - 1);
      const neighbours = new Map<number, number[]>();
      for (let j = 0; j < need; j++) {
        const i = Math.floor(next() * rows.length);
        let near = neighbours.get(i);
        if (!near) {
          near = nearestNeighbours(points, i, k);
          neighbours.set(i, near);
        }
        const n = near[Math.floor(next() * k)]!;
        const gap = next();
        const row = [...rows[i]!];
        this.features.forEach((f, d) => {
          const a = points[i]![d]!;
          row[f] = a + gap * (points[n]![d]! - a);
        });
        out.push(row);
      }
    }
    return out;
  }
}
