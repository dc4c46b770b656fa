import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParamSpec } from '../../../src/core/ml/types.js';
import { seededRandom } from '../../../src/core/search/random.js';
import {
  buildSearchSpace,
  clampParam,
  configKey,
  completeConfig,
  decodeConfig,
  defaultConfig,
  encodeConfig,
  fromUnit,
  gridPoints,
  sampleParam,
  toUnit,
} from '../../../src/core/search/space.js';

const lr: ParamSpec = { name: 'learningRate', type: 'float', low: 0.001, high: 10, log: true, default: 0.1 };
const leaves: ParamSpec = { name: 'maxLeafNodes', type: 'int', low: 1, high: 4, default: 2 };
const weights: ParamSpec = { name: 'weights', type: 'categorical', choices: ['uniform', 'distance'], default: 'uniform' };
const families = [
  { kind: 'gbdt' as const, space: [lr, leaves] },
  { kind: 'knn' as const, space: [weights] },
  { kind: 'linear' as const, space: [] },
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
}

test('buildSearchSpace keeps the requested kinds, in the requested order, and rejects unknown ones', () => {
  const space = buildSearchSpace(families, ['knn', 'gbdt']);
  assert.deepEqual(
    space.models.map((m) => m.kind),
    ['knn', 'gbdt'],
  );
  assert.equal(space.models[1]?.params.length, 2);
  assert.deepEqual(
    buildSearchSpace(families).models.map((m) => m.kind),
    ['gbdt', 'knn', 'linear'],
  );
  assert.throws(() => buildSearchSpace(families, ['mlp']), /No model family for 'mlp'/);
  assert.throws(() => buildSearchSpace(families, []), /no model/);
  assert.throws(() => buildSearchSpace([{ kind: 'gbdt', space: [{ ...lr, low: 0 }] }]), /log range/);
  assert.throws(() => buildSearchSpace([{ kind: 'gbdt', space: [{ ...leaves, default: 9 }] }]), /outside/);
});

test('log-scale sampling: the median is near the geometric mean, not the arithmetic one', () => {
  const random = seededRandom(7);
  const samples = Array.from({ length: 4001 }, () => sampleParam(lr, random) as number);
  // geometric mean of 0.001 and 10 is 0.1; the arithmetic mean would be ~5
  const m = median(samples);
  assert.ok(m > 0.1 / 1.25 && m < 0.1 * 1.25, `median ${m}`);
  assert.ok(samples.every((v) => v >= 0.001 && v <= 10));
  // each decade gets about a quarter of the samples
  const inFirstDecade = samples.filter((v) => v < 0.01).length / samples.length;
  assert.ok(Math.abs(inFirstDecade - 0.25) < 0.03, `first decade share ${inFirstDecade}`);
  const linear = { ...lr, log: false };
  const ml = median(Array.from({ length: 4001 }, () => sampleParam(linear, random) as number));
  assert.ok(Math.abs(ml - 5.0005) < 0.3, `linear median ${ml}`);
});

test('int sampling is uniform over the integers, ends included', () => {
  const random = seededRandom(3);
  const counts = new Map<number, number>();
  for (let i = 0; i < 8000; i++) {
    const v = sampleParam(leaves, random) as number;
    assert.ok(Number.isInteger(v));
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [1, 2, 3, 4]);
  for (const c of counts.values()) assert.ok(Math.abs(c / 8000 - 0.25) < 0.025, `share ${c / 8000}`);
});

test('unit encoding round-trips ints and choices exactly, floats closely, and stays in [0, 1]', () => {
  for (const v of [1, 2, 3, 4]) assert.equal(fromUnit(leaves, toUnit(leaves, v)), v);
  assert.equal(toUnit(leaves, 1), 1 / 8); // middle of the first of four slices
  assert.equal(fromUnit(weights, toUnit(weights, 'distance')), 'distance');
  assert.equal(toUnit(weights, 'distance'), 0.75);
  assert.ok(Math.abs((fromUnit(lr, toUnit(lr, 0.05)) as number) - 0.05) < 1e-12);
  assert.ok(Math.abs(toUnit(lr, 0.1) - 0.5) < 1e-12); // log midpoint
  assert.equal(toUnit(lr, 1e9), 1);
  assert.equal(fromUnit(lr, -3), 0.001);
  // missing or wrongly typed → the default
  assert.equal(toUnit(weights, undefined), 0.25);
  assert.equal(toUnit(leaves, 'x'), toUnit(leaves, 2));

  const space = buildSearchSpace(families);
  const config = { model: 'gbdt' as const, params: { learningRate: 0.02, maxLeafNodes: 3 } };
  const unit = encodeConfig(space, config);
  assert.equal(unit.length, 2);
  const back = decodeConfig(space, 'gbdt', unit);
  assert.equal(back.params['maxLeafNodes'], 3);
  assert.ok(Math.abs((back.params['learningRate'] as number) - 0.02) < 1e-12);
});

test('clamp, defaults and completing a partial config', () => {
  assert.equal(clampParam(leaves, 9.7), 4);
  assert.equal(clampParam(leaves, 2.4), 2);
  assert.equal(clampParam(lr, 0), 0.001);
  assert.equal(clampParam(weights, 'nope'), 'uniform');
  const space = buildSearchSpace(families);
  assert.deepEqual(defaultConfig(space, 'gbdt'), { model: 'gbdt', params: { learningRate: 0.1, maxLeafNodes: 2 } });
  assert.deepEqual(defaultConfig(space, 'linear'), { model: 'linear', params: {} });
  assert.deepEqual(completeConfig(space, { model: 'gbdt', params: { maxLeafNodes: 40, stray: 1 } }), { model: 'gbdt', params: { learningRate: 0.1, maxLeafNodes: 4 } });
  assert.equal(configKey({ model: 'gbdt', params: { a: 1, b: 2 } }), configKey({ model: 'gbdt', params: { b: 2, a: 1 } }));
  assert.notEqual(configKey({ model: 'gbdt', params: { a: 1 } }), configKey({ model: 'knn', params: { a: 1 } }));
});

test('grid points: choices, evenly spaced numbers, log-spaced on log scales, distinct ints', () => {
  assert.deepEqual(gridPoints(weights), ['uniform', 'distance']);
  const logPoints = gridPoints({ ...lr, low: 0.01, high: 1 }, { points: 3 }) as number[];
  assert.equal(logPoints.length, 3);
  assert.equal(logPoints[0], 0.01);
  assert.ok(Math.abs((logPoints[1] as number) - 0.1) < 1e-12);
  assert.equal(logPoints[2], 1);
  assert.deepEqual(gridPoints({ name: 'n', type: 'int', low: 1, high: 10, default: 5 }, { points: 4 }), [1, 4, 7, 10]);
  assert.deepEqual(gridPoints({ name: 'f', type: 'float', low: 0, high: 1, default: 0.5 }, { points: 5 }), [0, 0.25, 0.5, 0.75, 1]);
  // a 3-value int range asked for 5 points gives its 3 values once each
  assert.deepEqual(gridPoints({ name: 'n', type: 'int', low: 1, high: 3, default: 2 }, { points: 5 }), [1, 2, 3]);
  assert.deepEqual(gridPoints(leaves, { points: 3, pointsFor: { maxLeafNodes: 2 } }), [1, 4]);
});
