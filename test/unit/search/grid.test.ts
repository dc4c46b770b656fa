import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FinishedTrial, SearchSpace, TrialConfig } from '../../../src/core/search/types.js';
import { createGridSampler, gridSize } from '../../../src/core/search/grid.js';
import { createSampler } from '../../../src/core/search/samplers.js';
import { seededRandom } from '../../../src/core/search/random.js';

const space: SearchSpace = {
  models: [
    {
      kind: 'gbdt',
      params: [
        { name: 'learningRate', type: 'float', low: 0.01, high: 1, log: true, default: 0.1 },
        { name: 'maxLeafNodes', type: 'int', low: 4, high: 64, default: 31 },
      ],
    },
    { kind: 'knn', params: [{ name: 'weights', type: 'categorical', choices: ['uniform', 'distance'], default: 'uniform' }] },
    { kind: 'linear', params: [] },
  ],
};

function drain(propose: () => TrialConfig | null, limit = 1000): TrialConfig[] {
  const out: TrialConfig[] = [];
  for (let c = propose(); c; c = propose()) {
    out.push(c);
    if (out.length > limit) throw new Error('grid never ends');
  }
  return out;
}

test('grid: exactly the cross product per model (plus off-grid defaults), each once, then null', () => {
  const sampler = createGridSampler(space, { points: 3, defaultsFirst: false });
  const all = drain(() => sampler.propose([], seededRandom(0)));
  const expected: string[] = [];
  for (const lr of [0.01, 0.1, 1]) for (const leaves of [4, 34, 64]) expected.push(JSON.stringify(['gbdt', lr, leaves]));
  expected.push(JSON.stringify(['knn', 'uniform']), JSON.stringify(['knn', 'distance']), JSON.stringify(['linear']));
  const got = all.map((c) => JSON.stringify([c.model, ...Object.values(c.params).map((v) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v))]));
  assert.deepEqual([...got].sort(), [...expected].sort());
  assert.equal(new Set(got).size, got.length);
  assert.equal(sampler.propose([], seededRandom(0)), null);
  assert.equal(gridSize(space, { points: 3, defaultsFirst: false }), 12);
  // gbdt's default (0.1, 31) is off the grid, knn's is on it, linear's is its only point
  assert.equal(gridSize(space, { points: 3 }), 13);
});

test('grid: defaults first, then the models in turn so a short budget covers every model', () => {
  const sampler = createGridSampler(space, { points: 3 });
  const all = drain(() => sampler.propose([], seededRandom(0)));
  assert.equal(all.length, 13);
  assert.deepEqual(all.slice(0, 3), [
    { model: 'gbdt', params: { learningRate: 0.1, maxLeafNodes: 31 } },
    { model: 'knn', params: { weights: 'uniform' } },
    { model: 'linear', params: {} },
  ]);
  // next round-robin: gbdt's first grid point, knn's remaining point, then gbdt only
  assert.deepEqual(
    all.slice(3, 6).map((c) => c.model),
    ['gbdt', 'knn', 'gbdt'],
  );
  assert.deepEqual(all[4], { model: 'knn', params: { weights: 'distance' } });
});

test('grid: points already in the history (a resumed sweep) are skipped; warm start goes first', () => {
  const history: FinishedTrial[] = [
    { index: 0, config: { model: 'gbdt', params: { learningRate: 0.1, maxLeafNodes: 31 } }, objective: 0.5 },
    { index: 1, config: { model: 'knn', params: { weights: 'uniform' } }, objective: null },
  ];
  const sampler = createGridSampler(space, { points: 3 });
  const next = sampler.propose(history, seededRandom(0));
  assert.deepEqual(next, { model: 'linear', params: {} });
  const warm = createSampler('grid', space, { initial: [{ model: 'knn', params: { weights: 'distance' } }], grid: { points: 2 } });
  assert.deepEqual(warm.propose([], seededRandom(0)), { model: 'knn', params: { weights: 'distance' } });
  assert.deepEqual(warm.propose([], seededRandom(0)), { model: 'gbdt', params: { learningRate: 0.1, maxLeafNodes: 31 } });
});
