import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandomSampler, seededRandom } from '../../../src/core/search/random.js';
import { SAMPLER_NAMES, createSampler } from '../../../src/core/search/samplers.js';
import { defaultConfig } from '../../../src/core/search/space.js';
import type { TrialConfig } from '../../../src/core/search/types.js';
import { runSearch, syntheticSpace } from './syntheticProblem.js';

test('seededRandom: same seed, same sequence; values in [0, 1)', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const xs = Array.from({ length: 100 }, () => a());
  assert.deepEqual(
    Array.from({ length: 100 }, () => b()),
    xs,
  );
  assert.notDeepEqual(
    Array.from({ length: 100 }, () => c()),
    xs,
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test('random: same random, same proposals; models chosen uniformly; params inside their specs', () => {
  const one = runSearch(createRandomSampler(syntheticSpace), 5, 40, undefined, seededRandom);
  const two = runSearch(createRandomSampler(syntheticSpace), 5, 40, undefined, seededRandom);
  assert.deepEqual(
    one.map((t) => t.config),
    two.map((t) => t.config),
  );
  const sampler = createRandomSampler(syntheticSpace);
  const random = seededRandom(9);
  let gbdt = 0;
  for (let i = 0; i < 4000; i++) {
    const c = sampler.propose([], random) as TrialConfig;
    if (c.model === 'gbdt') gbdt++;
    const specs = syntheticSpace.models.find((m) => m.kind === c.model)?.params ?? [];
    assert.deepEqual(Object.keys(c.params), specs.map((s) => s.name));
    for (const spec of specs) {
      const v = c.params[spec.name];
      if (spec.type === 'categorical') assert.ok(spec.choices.includes(v as string));
      else {
        assert.ok((v as number) >= spec.low && (v as number) <= spec.high);
        if (spec.type === 'int') assert.ok(Number.isInteger(v));
      }
    }
  }
  assert.ok(Math.abs(gbdt / 4000 - 0.5) < 0.03, `gbdt share ${gbdt / 4000}`);
});

test('createSampler: warm-start configs first, then each model\'s defaults, skipping ones already tried', () => {
  const warm: TrialConfig = { model: 'knn', params: { neighbours: 7 } };
  const sampler = createSampler('random', syntheticSpace, { initial: [warm, { model: 'mlp', params: {} }] });
  const random = seededRandom(1);
  const first = sampler.propose([], random);
  // completed with the other params' defaults; the mlp (not in the space) dropped
  assert.deepEqual(first, { model: 'knn', params: { neighbours: 7, weights: 'uniform', p: 2 } });
  const gbdtDefault = defaultConfig(syntheticSpace, 'gbdt');
  assert.deepEqual(sampler.propose([], random), gbdtDefault);
  // knn's defaults were already tried (a resumed sweep): skipped, so the strategy takes over
  const history = [{ index: 0, config: defaultConfig(syntheticSpace, 'knn'), objective: 0.5 }];
  const third = sampler.propose(history, random) as TrialConfig;
  assert.notDeepEqual(third, defaultConfig(syntheticSpace, 'knn'));
  const plain = createSampler('tpe', syntheticSpace, { defaultsFirst: false });
  assert.notDeepEqual(plain.propose([], seededRandom(1)), gbdtDefault);
});

test('createSampler: every name gives that sampler, and the same seeds give the same trials', () => {
  for (const name of SAMPLER_NAMES) {
    const a = runSearch(createSampler(name, syntheticSpace, { grid: { points: 2 } }), 2, 30, undefined, seededRandom);
    const b = runSearch(createSampler(name, syntheticSpace, { grid: { points: 2 } }), 2, 30, undefined, seededRandom);
    assert.equal(createSampler(name, syntheticSpace).name, name);
    // the 2-point grid holds 2^4 gbdt + 2^3 knn points and the two (off-grid) defaults: 26
    assert.equal(a.length, name === 'grid' ? 26 : 30);
    assert.deepEqual(
      a.map((t) => t.config),
      b.map((t) => t.config),
      name,
    );
    // the defaults come first (the grid's order has them first too)
    assert.deepEqual(
      a.slice(0, 2).map((t) => t.config),
      [defaultConfig(syntheticSpace, 'gbdt'), defaultConfig(syntheticSpace, 'knn')],
      name,
    );
  }
});
