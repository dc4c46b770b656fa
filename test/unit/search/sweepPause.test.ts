// The runner's pause gate and trial-start hook (issue 5): while paused nothing new starts, running trials
// finish, resume continues to the same trials as an unpaused run; a stop while paused does not wait.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../../../src/core/search/sweep.js';
import type { SweepConfig, SweepParts } from '../../../src/core/search/sweep.js';
import { ExperimentStore } from '../../../src/core/store/experiments.js';
import { doubleFamilies, doubleSchema, doubleTable, trialKit } from './sweepDoubles.js';

let root: string;
let dataset: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-pause-'));
  dataset = join(root, 'doubles.csv');
  writeFileSync(dataset, 'x,y\n1,yes\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const inProcess: Partial<SweepParts> = {
  loadTable: async () => ({ table: doubleTable(), schema: doubleSchema }),
  families: doubleFamilies,
  kit: trialKit,
};

function config(extra: Partial<SweepConfig> = {}): SweepConfig {
  return { dataset, target: 'y', workspace: root, metric: 'accuracy', folds: 3, seed: 11, parallel: 2, pruner: 'none', models: ['gbdt'], maxTrials: 6, ...extra };
}

/** A gate the test opens by hand; counts how often the runner waited on it while closed. */
function gate(): { closed: boolean; waits: number; open(): void; untilResumed(): Promise<void> } {
  let release: () => void = () => undefined;
  let pending: Promise<void> | null = null;
  const g = {
    closed: false,
    waits: 0,
    open() {
      g.closed = false;
      pending = null;
      release();
    },
    untilResumed(): Promise<void> {
      if (!g.closed) return Promise.resolve();
      g.waits++;
      pending ??= new Promise<void>((r) => (release = r));
      return pending;
    },
  };
  return g;
}

test('paused after trial 1 finishes: nothing starts until resumed, then the same trials as an unpaused run', async () => {
  const g = gate();
  const started: number[] = [];
  const finishedWhilePaused: number[] = [];
  let startedAtPause = -1;
  const run = runSweep(
    config(),
    {
      onTrialStart: (i) => started.push(i),
      onTrial: (t) => {
        if (g.closed) finishedWhilePaused.push(t.index);
        if (t.index === 1 && startedAtPause < 0) {
          g.closed = true;
          startedAtPause = started.length;
          // Long enough for the loop to reach the gate; the test then checks nothing started meanwhile.
          setTimeout(() => {
            assert.equal(started.length, startedAtPause, 'no trial started while paused');
            g.open();
          }, 150);
        }
      },
      untilResumed: () => g.untilResumed(),
    },
    inProcess,
  );
  const paused = await run;
  assert.ok(g.waits >= 1, 'the runner waited on the gate');
  assert.deepEqual([...started].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5], 'each trial started once');
  const plain = await runSweep(config(), {}, inProcess);
  assert.deepEqual(
    paused.trials.map((t) => [t.index, t.config.params, t.score]),
    plain.trials.map((t) => [t.index, t.config.params, t.score]),
    'a pause changes no proposal',
  );
});

test('a stop while paused ends the sweep at once, interrupted, without waiting for a resume', async () => {
  const g = gate();
  const controller = new AbortController();
  const run = runSweep(
    config({ parallel: 1 }),
    {
      signal: controller.signal,
      onTrial: (t) => {
        if (t.index === 0) {
          g.closed = true;
          setTimeout(() => controller.abort(), 50);
        }
      },
      untilResumed: () => g.untilResumed(),
    },
    inProcess,
  );
  await assert.rejects(run, /cancel/i);
  assert.equal(g.closed, true, 'never resumed');
  const [summary] = await new ExperimentStore(root).list();
  assert.equal(summary?.status, 'interrupted');
  assert.equal(summary?.trials, 1);
});
