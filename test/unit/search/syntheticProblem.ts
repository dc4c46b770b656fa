// A seeded synthetic tuning problem shared by the sampler tests: a conditional space of two "models", one
// clearly better, whose optimum sits in a narrow region (learning rate near 0.06 on a log scale, ~24 leaves,
// subsample near 0.8). Smooth, so a model-based sampler can learn it; narrow, so random search rarely
// lands near the top.
import type { FinishedTrial, Random, Sampler, SearchSpace, TrialConfig } from '../../../src/core/search/types.js';

export const syntheticSpace: SearchSpace = {
  models: [
    {
      kind: 'gbdt',
      params: [
        { name: 'learningRate', type: 'float', low: 0.001, high: 1, log: true, default: 0.3 },
        { name: 'maxLeafNodes', type: 'int', low: 2, high: 512, log: true, default: 200 },
        { name: 'minSamplesLeaf', type: 'int', low: 1, high: 100, default: 80 },
        { name: 'subsample', type: 'float', low: 0.3, high: 1, default: 0.4 },
      ],
    },
    {
      kind: 'knn',
      params: [
        { name: 'neighbours', type: 'int', low: 1, high: 100, log: true, default: 5 },
        { name: 'weights', type: 'categorical', choices: ['uniform', 'distance'], default: 'uniform' },
        { name: 'p', type: 'float', low: 1, high: 3, default: 2 },
      ],
    },
  ],
};

/** Best possible: 0.95 (gbdt at its optimum); knn tops out at 0.85. */
export function syntheticObjective(config: TrialConfig): number {
  const p = config.params;
  const num = (name: string): number => p[name] as number;
  if (config.model === 'gbdt') {
    return (
      0.95 -
      0.1 * Math.log10(num('learningRate') / 0.06) ** 2 -
      0.01 * Math.log2(num('maxLeafNodes') / 24) ** 2 -
      0.03 * ((num('minSamplesLeaf') - 15) / 30) ** 2 -
      0.1 * (num('subsample') - 0.8) ** 2
    );
  }
  return 0.85 - 0.05 * Math.log10(num('neighbours') / 12) ** 2 - (p['weights'] === 'distance' ? 0 : 0.01) - 0.01 * (num('p') - 1.5) ** 2;
}

/** Runs `trials` sequential proposals; trial i draws from its own stream (seed, i), like the sweep. */
export function runSearch(sampler: Sampler, seed: number, trials: number, objective = syntheticObjective, stream: (seed: number) => Random): FinishedTrial[] {
  const history: FinishedTrial[] = [];
  for (let i = 0; i < trials; i++) {
    const config = sampler.propose(history, stream(seed * 100_003 + i));
    if (!config) break;
    history.push({ index: i, config, objective: objective(config) });
  }
  return history;
}

export function bestSoFar(history: readonly FinishedTrial[]): number {
  return Math.max(...history.map((t) => t.objective ?? -Infinity));
}

/** 1-based index of the first trial reaching `target`, or Infinity. */
export function trialsToReach(history: readonly FinishedTrial[], target: number): number {
  const i = history.findIndex((t) => (t.objective ?? -Infinity) >= target);
  return i < 0 ? Infinity : i + 1;
}
