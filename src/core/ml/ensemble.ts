// Greedy ensemble selection (Caruana, Niculescu-Mizil, Crew & Ksikes, ICML 2004) over the out-of-fold
// predictions of the best trials: start empty, and each round add — with replacement — the member whose
// addition gives the best metric for the averaged predictions. A member picked k times weighs k / rounds.
// The best round's ensemble is returned, so it is never worse on these rows than the best single member
// (round 1 picks exactly that member). The caller keeps it only if it beats the best single model.
import { computeMetric, toObjective } from './metrics.js';
import type { Labels, MetricName } from './types.js';

export interface EnsembleOptions {
  /** Rounds of selection (default 25). */
  rounds?: number;
}

export interface EnsembleSelection {
  /** One weight per candidate (same order as the input), summing to 1; unused candidates weigh 0. */
  weights: number[];
  /** The metric's own value for the blended predictions (not negated). */
  score: number;
  /** Higher is better (toObjective of score). */
  objective: number;
  /**
   * The best single candidate scored the same way (on all rows pooled) — compare `objective` with this,
   * not with a mean of per-fold scores, which differs for AUC and other non-additive metrics.
   */
  bestSingle: { index: number; score: number; objective: number };
  /** Objective after each round (the ensemble that round built), for the report. */
  trace: number[];
}

/**
 * Select an ensemble of `candidates` (each in the Predictor.predict layout for `labels`' rows).
 * Candidates whose predictions give a NaN metric are never picked. Throws if none is usable.
 */
export function selectEnsemble(candidates: readonly Float64Array[], labels: Labels, metric: MetricName, options: EnsembleOptions = {}): EnsembleSelection {
  const rounds = Math.max(1, Math.floor(options.rounds ?? 25));
  const length = candidates[0]?.length ?? 0;
  if (candidates.length === 0) throw new Error('Ensemble selection needs at least one candidate');
  for (const c of candidates) if (c.length !== length) throw new Error('Ensemble candidates differ in length');

  const objectiveOf = (predictions: Float64Array): number => {
    const value = toObjective(metric, computeMetric(metric, labels, predictions));
    return Number.isNaN(value) ? -Infinity : value;
  };
  const singles = candidates.map(objectiveOf);
  let bestIndex = 0;
  for (let k = 1; k < singles.length; k++) if ((singles[k] ?? -Infinity) > (singles[bestIndex] ?? -Infinity)) bestIndex = k;
  if (singles[bestIndex] === -Infinity) throw new Error(`No ensemble candidate has a finite ${metric}`);

  const counts = new Array<number>(candidates.length).fill(0);
  const sum = new Float64Array(length);
  const trial = new Float64Array(length);
  let best = { objective: -Infinity, counts: counts.slice() };
  const trace: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    let pick = -1;
    let pickObjective = -Infinity;
    for (let k = 0; k < candidates.length; k++) {
      if (singles[k] === -Infinity) continue;
      const c = candidates[k]!;
      for (let i = 0; i < length; i++) trial[i] = ((sum[i] ?? 0) + (c[i] ?? 0)) / round;
      const objective = objectiveOf(trial);
      // Strictly better only: ties keep the earlier (better-ranked) candidate.
      if (objective > pickObjective) {
        pick = k;
        pickObjective = objective;
      }
    }
    if (pick < 0) break;
    const chosen = candidates[pick]!;
    for (let i = 0; i < length; i++) sum[i] = (sum[i] ?? 0) + (chosen[i] ?? 0);
    counts[pick] = (counts[pick] ?? 0) + 1;
    trace.push(pickObjective);
    if (pickObjective > best.objective) best = { objective: pickObjective, counts: counts.slice() };
  }
  const total = best.counts.reduce((a, b) => a + b, 0);
  const weights = best.counts.map((n) => n / total);
  const sign = toObjective(metric, 1);
  return {
    weights,
    score: sign * best.objective,
    objective: best.objective,
    bestSingle: { index: bestIndex, score: sign * (singles[bestIndex] ?? NaN), objective: singles[bestIndex] ?? NaN },
    trace,
  };
}

/** The weighted average of prediction arrays (same layout each); weights need not sum to 1. */
export function blend(weights: readonly number[], predictions: readonly Float64Array[]): Float64Array {
  if (weights.length !== predictions.length) throw new Error(`blend: ${weights.length} weights for ${predictions.length} prediction arrays`);
  const length = predictions[0]?.length ?? 0;
  const out = new Float64Array(length);
  let total = 0;
  for (let k = 0; k < predictions.length; k++) {
    const w = weights[k] ?? 0;
    if (w === 0) continue;
    const p = predictions[k]!;
    if (p.length !== length) throw new Error('blend: prediction arrays differ in length');
    total += w;
    for (let i = 0; i < length; i++) out[i] = (out[i] ?? 0) + w * (p[i] ?? 0);
  }
  if (total <= 0) throw new Error('blend: weights sum to zero');
  for (let i = 0; i < length; i++) out[i] = (out[i] ?? 0) / total;
  return out;
}
