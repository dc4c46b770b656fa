// The benchmark's tuning problem: a surrogate of the validation log loss a tabular binary classifier
// reaches, over a conditional space of three model families. Not a trained model — a closed-form
// function, so 20 seeds × 100 trials × 4 samplers run in seconds — but shaped like the real thing:
//  - gbdt is the best family, with a ridge between learning rate and leaves (a smaller rate wants more
//    leaves: what matters is the capacity), milder effects of min leaf size, L2 and subsampling, and a
//    small deterministic ripple standing in for cross-validation noise;
//  - a random forest is a little worse at its best (needs many trees and a mid maxFeatures);
//  - a linear model is clearly worse and hardly sensitive to its params.
// optuna_peer.py spells the same formula in Python; run.ts checks both agree on sample configs.
import type { SearchSpace, TrialConfig } from '../../src/core/search/types.js';

export const problemSpace: SearchSpace = {
  models: [
    {
      kind: 'gbdt',
      params: [
        { name: 'learningRate', type: 'float', low: 0.005, high: 0.5, log: true, default: 0.1 },
        { name: 'maxLeafNodes', type: 'int', low: 4, high: 256, log: true, default: 31 },
        { name: 'minSamplesLeaf', type: 'int', low: 1, high: 200, log: true, default: 20 },
        { name: 'l2', type: 'float', low: 1e-4, high: 10, log: true, default: 1e-4 },
        { name: 'subsample', type: 'float', low: 0.5, high: 1, default: 1 },
      ],
    },
    {
      kind: 'randomForest',
      params: [
        { name: 'trees', type: 'int', low: 50, high: 1000, log: true, default: 100 },
        { name: 'maxFeatures', type: 'float', low: 0.1, high: 1, default: 0.5 },
        { name: 'minSamplesLeaf', type: 'int', low: 1, high: 50, log: true, default: 1 },
        { name: 'maxDepth', type: 'int', low: 4, high: 32, default: 16 },
      ],
    },
    {
      kind: 'linear',
      params: [
        { name: 'alpha', type: 'float', low: 1e-4, high: 100, log: true, default: 1 },
        { name: 'penalty', type: 'categorical', choices: ['l1', 'l2', 'elasticnet'], default: 'l2' },
      ],
    },
  ],
};

/** Validation log loss (lower is better). */
export function problemLoss(config: TrialConfig): number {
  const p = config.params;
  const n = (name: string): number => p[name] as number;
  if (config.model === 'gbdt') {
    const a = Math.log(n('learningRate') / 0.05);
    const b = Math.log2(n('maxLeafNodes') / 31);
    const c = Math.log10(n('minSamplesLeaf') / 20);
    const d = Math.log10(n('l2')) + 1;
    const e = n('subsample') - 0.8;
    const capacity = a + 0.5 * b - 0.4 * c - 0.15 * d;
    return 0.3 + 0.02 * capacity ** 2 + 0.004 * a ** 2 + 0.003 * c ** 2 + 0.002 * d ** 2 + 0.05 * e ** 2 + 0.0015 * (1 + Math.sin(3.1 * a + 2.3 * b + 1.7 * c));
  }
  if (config.model === 'randomForest') {
    return 0.315 + 0.04 * (n('maxFeatures') - 0.4) ** 2 + 0.004 * Math.log10(n('minSamplesLeaf') / 2) ** 2 + 0.01 * (50 / n('trees')) + 0.00005 * (n('maxDepth') - 20) ** 2;
  }
  const penalty = p['penalty'] === 'l1' ? 0.002 : p['penalty'] === 'elasticnet' ? 0.001 : 0;
  return 0.345 + 0.003 * (Math.log10(n('alpha')) + 0.5) ** 2 + penalty;
}
