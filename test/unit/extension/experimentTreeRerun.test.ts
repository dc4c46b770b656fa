// Re-run from the Experiments tree: the old experiment's settings, given back to the sweep runner, make a
// child experiment with the same settings and `parent` pointing at the old one (runner on test doubles).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../../../src/core/search/sweep.js';
import type { SweepParts } from '../../../src/core/search/sweep.js';
import { ExperimentStore } from '../../../src/core/store/experiments.js';
import { buildExperimentTree, readExperimentIndex, rerunConfig } from '../../../src/core/store/experimentIndex.js';
import { doubleFamilies, doubleSchema, doubleTable, trialKit } from '../search/sweepDoubles.js';

let root: string;
let dataset: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-rerun-'));
  dataset = join(root, 'doubles.csv');
  writeFileSync(dataset, 'x,y\n1,yes\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const inProcess: Partial<SweepParts> = {
  loadTable: async () => ({ table: doubleTable(), schema: doubleSchema }),
  families: doubleFamilies,
  kit: trialKit,
};

test('a re-run is a child experiment with the same settings and the same trials (same seed)', async () => {
  const first = await runSweep({ dataset, target: 'y', workspace: root, metric: 'accuracy', holdout: 0.25, seed: 5, parallel: 1, pruner: 'none', maxTrials: 4 }, {}, inProcess);
  const store = new ExperimentStore(root);
  const original = (await store.read(first.experimentId))!;
  assert.equal(original.parent, undefined);

  const config = rerunConfig(original, root);
  assert.equal(config.parent, original.id);
  assert.equal(config.holdout, 0.25);
  assert.equal(config.folds, undefined);
  assert.equal(config.maxTrials, 4);
  const second = await runSweep(config, {}, inProcess);
  const child = (await store.read(second.experimentId))!;
  assert.notEqual(child.id, original.id);
  assert.equal(child.parent, original.id);
  assert.deepEqual(child.config, original.config);
  // Same settings and seed: the runner proposes the same configurations.
  assert.deepEqual(
    (await store.readTrials(child.id)).map((t) => t.config),
    (await store.readTrials(original.id)).map((t) => t.config),
  );

  const tree = buildExperimentTree(await readExperimentIndex(root));
  assert.equal(tree.length, 1);
  assert.deepEqual(
    tree[0]!.versions[0]!.experiments.map((e) => e.record.id).sort(),
    [original.id, child.id].sort(),
  );
  assert.match(tree[0]!.versions[0]!.experiments.find((e) => e.record.id === child.id)!.tooltip, /Re-run of /);
});
