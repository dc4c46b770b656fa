// The contract between the sweep runner and the search strategies (samplers) and early-stopping rules
// (pruners). Scores handed to samplers and pruners are objectives: higher is better (the runner negates
// loss metrics such as RMSE and log loss), so no strategy needs to know which metric is optimised.
import type { ModelKind, ParamSpec, Params } from '../ml/types.js';

/** A point in the search space: which model, and its hyperparameters (only that model's). */
export interface TrialConfig {
  model: ModelKind;
  params: Params;
}

/** The conditional space: the model choice first, then the chosen model's own parameters. */
export interface SearchSpace {
  models: { kind: ModelKind; params: readonly ParamSpec[] }[];
}

export interface FinishedTrial {
  index: number;
  config: TrialConfig;
  /** Objective (higher is better); null when the trial failed or was pruned before a full score. */
  objective: number | null;
}

/** A seeded source of uniform numbers in [0, 1). */
export type Random = () => number;

export interface Sampler {
  readonly name: SamplerName;
  /**
   * The next configuration to try, or null when the space is exhausted (grid). `history` holds the
   * trials the runner lets this proposal see, in index order; the runner guarantees that the same seed
   * and history give the same proposal, so samplers must draw randomness only from `random`.
   */
  propose(history: readonly FinishedTrial[], random: Random): TrialConfig | null;
}

export type SamplerName = 'tpe' | 'random' | 'grid' | 'genetic';

/** A trial's intermediate results: `step` is a fold index (median stopping) or a rung (successive halving). */
export interface IntermediateReport {
  trial: number;
  step: number;
  objective: number;
}

export interface Pruner {
  readonly name: 'asha' | 'median' | 'none';
  /** Record a report and say whether this trial should stop now. */
  shouldStop(report: IntermediateReport): boolean;
}
