import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandomSampler, seededRandom } from '../../../src/core/search/random.js';
import { categoricalParzen, createTpeSampler, defaultGamma, numericKernels, trialWeights } from '../../../src/core/search/tpe.js';
import type { FinishedTrial, SearchSpace, TrialConfig } from '../../../src/core/search/types.js';
import { bestSoFar, runSearch, syntheticSpace, trialsToReach } from './syntheticProblem.js';

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const TRIALS = 60;
const TARGET = 0.94; // the optimum is 0.95; knn can never reach it

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
}

test('TPE beats random search on the seeded synthetic problem by a clear margin', () => {
  const tpe = SEEDS.map((seed) => runSearch(createTpeSampler(syntheticSpace), seed, TRIALS, undefined, seededRandom));
  const rnd = SEEDS.map((seed) => runSearch(createRandomSampler(syntheticSpace), seed, TRIALS, undefined, seededRandom));
  const tpeBest = mean(tpe.map(bestSoFar));
  const rndBest = mean(rnd.map(bestSoFar));
  assert.ok(tpeBest - rndBest > 0.01, `mean best after ${TRIALS}: TPE ${tpeBest.toFixed(4)} vs random ${rndBest.toFixed(4)}`);
  const tpeHits = tpe.map((h) => trialsToReach(h, TARGET));
  const rndHits = rnd.map((h) => trialsToReach(h, TARGET));
  const tpeReached = tpeHits.filter(Number.isFinite).length;
  const rndReached = rndHits.filter(Number.isFinite).length;
  assert.ok(tpeReached >= rndReached + 4, `seeds reaching ${TARGET}: TPE ${tpeReached} vs random ${rndReached}`);
  assert.ok(median(tpeHits) < median(rndHits), `median trials to ${TARGET}: TPE ${median(tpeHits)} vs random ${median(rndHits)}`);
  // and it learnt which model is better: most of its post-startup trials are gbdt
  const late = tpe.flatMap((h) => h.slice(30)).filter((t) => t.config.model === 'gbdt').length / (tpe.length * (TRIALS - 30));
  assert.ok(late > 0.8, `gbdt share after trial 30: ${late}`);
});

test('TPE: same history and random stream, same proposals', () => {
  const a = runSearch(createTpeSampler(syntheticSpace), 3, 30, undefined, seededRandom);
  const b = runSearch(createTpeSampler(syntheticSpace), 3, 30, undefined, seededRandom);
  assert.deepEqual(
    a.map((t) => t.config),
    b.map((t) => t.config),
  );
  const c = runSearch(createTpeSampler(syntheticSpace), 4, 30, undefined, seededRandom);
  assert.notDeepEqual(
    a.slice(15).map((t) => t.config),
    c.slice(15).map((t) => t.config),
  );
});

test('TPE is conditional: a model\'s params are modelled only from trials of that model', () => {
  // Both models have a param named x. gbdt is best near x = 0.21, knn near x = 0.79, equally good
  // at their optima. A pooled estimator would pull a's x towards 0.8 and b's towards 0.2.
  const space: SearchSpace = {
    models: [
      { kind: 'gbdt', params: [{ name: 'x', type: 'float', low: 0, high: 1, default: 0.5 }] },
      { kind: 'knn', params: [{ name: 'x', type: 'float', low: 0, high: 1, default: 0.5 }] },
    ],
  };
  // Integer objectives and a fixed γ make the good set exactly symmetric: each model's optimum and its two
  // neighbours (3 + 3), so neither model is favoured and both get proposed.
  const history: FinishedTrial[] = [];
  for (let i = 0; i < 20; i++) {
    const x = i / 19;
    history.push({ index: history.length, config: { model: 'gbdt', params: { x } }, objective: -Math.abs(i - 4) });
    history.push({ index: history.length, config: { model: 'knn', params: { x } }, objective: -Math.abs(i - 15) });
  }
  const sampler = createTpeSampler(space, { gamma: () => 6 });
  const byModel = { gbdt: [] as number[], knn: [] as number[] };
  for (let s = 0; s < 60; s++) {
    const c = sampler.propose(history, seededRandom(s)) as TrialConfig;
    (c.model === 'gbdt' ? byModel.gbdt : byModel.knn).push(c.params['x'] as number);
  }
  assert.ok(byModel.gbdt.length >= 10 && byModel.knn.length >= 10, `gbdt ${byModel.gbdt.length}, knn ${byModel.knn.length}`);
  assert.ok(byModel.gbdt.every((x) => Math.abs(x - 4 / 19) < 0.25), `gbdt x: ${byModel.gbdt.map((x) => x.toFixed(2)).join(' ')}`);
  assert.ok(byModel.knn.every((x) => Math.abs(x - 15 / 19) < 0.25), `knn x: ${byModel.knn.map((x) => x.toFixed(2)).join(' ')}`);
});

test('TPE: failed trials count as bad; ints and categoricals come back valid', () => {
  const space: SearchSpace = {
    models: [
      { kind: 'mlp', params: [{ name: 'layers', type: 'int', low: 1, high: 3, default: 1 }] },
      {
        kind: 'linear',
        params: [
          { name: 'penalty', type: 'categorical', choices: ['l1', 'l2', 'none'], default: 'l2' },
          { name: 'alpha', type: 'float', low: 1e-4, high: 10, log: true, default: 1 },
        ],
      },
    ],
  };
  const history: FinishedTrial[] = [];
  const random = seededRandom(11);
  for (let i = 0; i < 30; i++) {
    // every mlp trial fails; linear scores best with l1
    const config: TrialConfig = i % 2 ? { model: 'mlp', params: { layers: 1 + (i % 3) } } : { model: 'linear', params: { penalty: ['l1', 'l2', 'none'][i % 3] as string, alpha: 10 ** (-4 + 5 * random()) } };
    history.push({ index: i, config, objective: config.model === 'mlp' ? null : config.params['penalty'] === 'l1' ? 0.9 : 0.6 });
  }
  const sampler = createTpeSampler(space);
  let linear = 0;
  let l1 = 0;
  for (let s = 0; s < 40; s++) {
    const c = sampler.propose(history, seededRandom(100 + s)) as TrialConfig;
    if (c.model === 'mlp') {
      assert.ok([1, 2, 3].includes(c.params['layers'] as number));
      continue;
    }
    linear++;
    if (c.params['penalty'] === 'l1') l1++;
    assert.ok(['l1', 'l2', 'none'].includes(c.params['penalty'] as string));
    const alpha = c.params['alpha'] as number;
    assert.ok(alpha >= 1e-4 && alpha <= 10);
  }
  assert.ok(linear >= 36, `linear proposals ${linear} of 40`);
  assert.ok(l1 / linear > 0.8, `l1 share ${l1}/${linear}`);
});

test('TPE building blocks: gamma, weights, kernels', () => {
  assert.deepEqual([1, 10, 11, 100, 250, 1000].map(defaultGamma), [1, 1, 2, 10, 25, 25]);
  assert.deepEqual(trialWeights(3), [1, 1, 1]);
  const w = trialWeights(27); // 2 old trials ramp from 1/27 to 1, then 25 at 1
  assert.equal(w.length, 27);
  assert.ok(Math.abs((w[0] as number) - 1 / 27) < 1e-12);
  assert.equal(w[1], 1);
  assert.equal(w[26], 1);
  // kernels at 0.2 and 0.6 plus the prior at 0.5: sorted 0.2, 0.5, 0.6 → bandwidths (inward only at the
  // ends) 0.3, max(0.3, 0.1) = 0.3 (the prior's is then reset to 1), 0.1 — clipped up to 1 / (1 + 3 kernels)
  const k = numericKernels([0.2, 0.6], [1, 1], 1);
  assert.deepEqual(k.mus, [0.2, 0.6, 0.5]);
  assert.ok(Math.abs((k.sigmas[0] as number) - 0.3) < 1e-12);
  assert.equal(k.sigmas[1], 0.25);
  assert.equal(k.sigmas[2], 1);
  assert.deepEqual(k.weights, [1 / 3, 1 / 3, 1 / 3]);
  // one observation of choice 0 out of 2, prior weight 1: kernel (0.5 + 1, 0.5) / 2 and a uniform prior, each half
  const p = categoricalParzen([0], [1], 2, 1);
  assert.ok(Math.abs((p[0] as number) - (0.5 * 0.75 + 0.5 * 0.5)) < 1e-12);
  assert.ok(Math.abs((p[1] as number) - (0.5 * 0.25 + 0.5 * 0.5)) < 1e-12);
});
