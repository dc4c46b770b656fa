// Early stopping of trials that are clearly losing. Objectives are higher-is-better.
//
// ASHA (asynchronous successive halving, Li et al. 2020): a trial is first fitted with a small budget
// (rung 0), then, if it ranks in the top 1/η of the objectives reported at that rung so far, with η times
// more (rung 1), and so on up to the full budget. `step` in a report is the rung index; the runner asks
// `rungBudgets` which budget to pass to fit at each rung. Rungs never wait for each other: a decision only
// looks at the results already there. While a rung holds fewer than η results (itself included) the top
// 1/η is empty, and a choice is needed: by default the trial is promoted ('all' — the first trials are not
// judged on too little evidence); 'best' promotes it only if it is the best at the rung so far, which is
// what Optuna's SuccessiveHalvingPruner 3.1 does (promotable index 0 when len // η − 1 = −1). A report at
// the last rung never stops anything: the trial is complete.
//
// Median stopping (Golovin et al. 2017, Google Vizier): after step k (a cross-validation fold) a trial stops
// when the mean of its objectives over steps 0..k is below the median of the other trials' means over the
// same steps — once at least `warmupTrials` other trials have reached step k, and never at step 0.
import type { IntermediateReport, Pruner } from './types.js';

export type PrunerName = Pruner['name'];
export const PRUNER_NAMES: readonly PrunerName[] = ['asha', 'median', 'none'];

export interface AshaOptions {
  /** Reduction factor η. Default 3. */
  eta?: number;
  /** Budget of rung 0, in (0, 1]. Default 1/9 (rungs 1/9, 1/3, 1 with η = 3). */
  minBudget?: number;
  /** Who is promoted while a rung has fewer than η results (see above). Default 'all'. */
  earlyPromotion?: 'all' | 'best';
}

export interface MedianOptions {
  /** Other trials that must have reached a step before a trial can be stopped there. Default 5. */
  warmupTrials?: number;
}

export interface PrunerOptions {
  asha?: AshaOptions;
  median?: MedianOptions;
}

/**
 * The budgets of the successive-halving rungs: minBudget · η^k for k = 0, 1, … up to 1, the last one
 * exactly 1. E.g. η = 3, minBudget = 1/9 → [1/9, 1/3, 1].
 */
export function rungBudgets(options: AshaOptions = {}): number[] {
  const eta = options.eta ?? 3;
  const min = options.minBudget ?? 1 / 9;
  if (!(eta > 1)) throw new Error(`ASHA: eta must be > 1, got ${eta}.`);
  if (!(min > 0 && min <= 1)) throw new Error(`ASHA: minBudget must be in (0, 1], got ${min}.`);
  const out: number[] = [];
  // The tolerance absorbs floating error, so 1/9 · 3 · 3 counts as the full budget, not a rung below it.
  for (let b = min; b < 1 - 1e-9; b *= eta) out.push(b);
  out.push(1);
  return out;
}

export function createPruner(name: PrunerName, options: PrunerOptions = {}): Pruner {
  switch (name) {
    case 'asha':
      return createAshaPruner(options.asha);
    case 'median':
      return createMedianPruner(options.median);
    case 'none':
      return { name: 'none', shouldStop: () => false };
  }
}

export function createAshaPruner(options: AshaOptions = {}): Pruner {
  const eta = options.eta ?? 3;
  const lastRung = rungBudgets(options).length - 1;
  const early = options.earlyPromotion ?? 'all';
  const rungs: number[][] = [];
  return {
    name: 'asha',
    shouldStop({ step, objective }: IntermediateReport): boolean {
      if (step >= lastRung) return false;
      const rung = (rungs[step] ??= []);
      // A failed fit (NaN) ranks last and stops.
      const value = Number.isFinite(objective) ? objective : -Infinity;
      rung.push(value);
      const promoted = Math.floor(rung.length / eta);
      if (promoted === 0) return early === 'best' ? rung.some((v) => v > value) : false;
      // Stop unless strictly fewer than `promoted` results are better than this one (ties favour the trial).
      let better = 0;
      for (const v of rung) if (v > value) better++;
      return better >= promoted;
    },
  };
}

export function createMedianPruner(options: MedianOptions = {}): Pruner {
  const warmup = options.warmupTrials ?? 5;
  /** trial → its objectives by step. */
  const reports = new Map<number, number[]>();
  const meanUpTo = (values: readonly number[], step: number): number | null => {
    let sum = 0;
    for (let k = 0; k <= step; k++) {
      const v = values[k];
      if (v === undefined) return null;
      sum += v;
    }
    return sum / (step + 1);
  };
  return {
    name: 'median',
    shouldStop({ trial, step, objective }: IntermediateReport): boolean {
      let mine = reports.get(trial);
      if (!mine) reports.set(trial, (mine = []));
      mine[step] = Number.isFinite(objective) ? objective : -Infinity;
      if (step === 0) return false;
      const own = meanUpTo(mine, step);
      if (own === null) return false; // a step was never reported: no running mean to judge
      const others: number[] = [];
      for (const [t, values] of reports) {
        if (t === trial) continue;
        const m = meanUpTo(values, step);
        if (m !== null) others.push(m);
      }
      if (others.length < Math.max(1, warmup)) return false;
      return own < median(others);
    },
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
