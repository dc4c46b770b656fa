import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGeneticSampler } from '../../../src/core/search/genetic.js';
import { createRandomSampler, seededRandom } from '../../../src/core/search/random.js';
import type { FinishedTrial, TrialConfig } from '../../../src/core/search/types.js';
import { bestSoFar, runSearch, syntheticSpace } from './syntheticProblem.js';

const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

test('genetic: later generations beat the first one, and the search beats random', () => {
  const runs = SEEDS.map((seed) => runSearch(createGeneticSampler(syntheticSpace), seed, 72, undefined, seededRandom));
  const firstGen = runs.map((h) => mean(h.slice(0, 12).map((t) => t.objective as number)));
  const lastGen = runs.map((h) => mean(h.slice(60, 72).map((t) => t.objective as number)));
  for (let i = 0; i < runs.length; i++) assert.ok((lastGen[i] as number) > (firstGen[i] as number) + 0.02, `seed ${SEEDS[i]}: first ${firstGen[i]} last ${lastGen[i]}`);
  const improved = runs.filter((h) => bestSoFar(h) > bestSoFar(h.slice(0, 12))).length;
  assert.ok(improved >= 8, `best improved over the first generation in ${improved} of ${runs.length} seeds`);
  const rnd = SEEDS.map((seed) => runSearch(createRandomSampler(syntheticSpace), seed, 72, undefined, seededRandom));
  assert.ok(mean(runs.map(bestSoFar)) > mean(rnd.map(bestSoFar)), 'genetic mean best ≤ random');
});

test('genetic: same random, same proposals; children are valid configs of their own model', () => {
  const a = runSearch(createGeneticSampler(syntheticSpace), 7, 50, undefined, seededRandom);
  const b = runSearch(createGeneticSampler(syntheticSpace), 7, 50, undefined, seededRandom);
  assert.deepEqual(
    a.map((t) => t.config),
    b.map((t) => t.config),
  );
  for (const t of a) {
    const specs = syntheticSpace.models.find((m) => m.kind === t.config.model)?.params ?? [];
    assert.deepEqual(Object.keys(t.config.params).sort(), specs.map((s) => s.name).sort());
    for (const spec of specs) {
      const v = t.config.params[spec.name];
      if (spec.type === 'categorical') assert.ok(spec.choices.includes(v as string));
      else assert.ok((v as number) >= spec.low && (v as number) <= spec.high && (spec.type === 'float' || Number.isInteger(v)));
    }
  }
});

test('genetic: crossover of two same-model parents mixes their params; failed trials never breed', () => {
  const parentA: TrialConfig = { model: 'knn', params: { neighbours: 3, weights: 'distance', p: 1 } };
  const parentB: TrialConfig = { model: 'knn', params: { neighbours: 90, weights: 'uniform', p: 3 } };
  const broken: TrialConfig = { model: 'gbdt', params: { learningRate: 0.5, maxLeafNodes: 300, minSamplesLeaf: 90, subsample: 0.35 } };
  const history: FinishedTrial[] = [];
  for (let i = 0; i < 12; i++) history.push({ index: i, config: i % 3 === 2 ? broken : i % 3 ? parentB : parentA, objective: i % 3 === 2 ? null : 0.5 });
  // no mutation and no model switch: every child is a crossover or copy of the two knn parents
  const sampler = createGeneticSampler(syntheticSpace, { mutation: 0, modelSwitch: 0 });
  let mixed = 0;
  for (let s = 0; s < 40; s++) {
    const c = sampler.propose(history, seededRandom(s)) as TrialConfig;
    assert.equal(c.model, 'knn');
    for (const name of ['neighbours', 'weights', 'p']) assert.ok(c.params[name] === parentA.params[name] || c.params[name] === parentB.params[name]);
    if (c.params['neighbours'] !== parentA.params['neighbours'] || c.params['weights'] !== parentA.params['weights'] || c.params['p'] !== parentA.params['p']) {
      if (c.params['neighbours'] !== parentB.params['neighbours'] || c.params['weights'] !== parentB.params['weights'] || c.params['p'] !== parentB.params['p']) mixed++;
    }
  }
  // a child equal to a parent repeats a finished trial, so the sampler breeds again: almost all are mixes
  assert.ok(mixed >= 30, `mixed children ${mixed} of 40`);
});
