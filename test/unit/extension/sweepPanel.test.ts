// The Sweep panel controller with `vscode` replaced by a recording stand-in (test/unit/webview/panelHost):
// the snapshot read from a real store folder, a panel opened mid-sweep, live deltas from the hub coalesced,
// controls turned into commands, revive after reload, and which experiment the command opens.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { SweepPanel as PanelClass, SweepPanelDeps } from '../../../src/extension/views/sweepPanel.js';
import type { SweepActivity, SweepActivityHub as HubClass } from '../../../src/extension/sweepActivity.js';
import { SweepQueue } from '../../../src/extension/sweepQueue.js';
import type { SweepWorker } from '../../../src/extension/sweepQueue.js';
import type { SweepHostHooks } from '../../../src/extension/workerClient.js';
import type { ExperimentSummary } from '../../../src/protocol/experiment.js';
import type { SweepHostMessage } from '../../../src/protocol/sweepPanel.js';
import { SWEEP_PROTOCOL_VERSION } from '../../../src/protocol/sweepPanel.js';
import { chooseExperiment } from '../../../src/extension/views/sweepSnapshot.js';
import { EXPERIMENT_ID, makeRecord, makeTrial, writeExperiment } from '../../fixtures/sweep/experiment.js';
import { commands, editor, Uri } from '../webview/panelHost/vscode.js';
import type { FakePanel } from '../webview/panelHost/vscode.js';
import { requireWithVscode } from '../../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, '..', 'webview', 'panelHost', 'vscode.ts'), __filename);
const { SweepPanel } = load('../../../src/extension/views/sweepPanel.js') as { SweepPanel: typeof PanelClass };
const { SweepActivityHub } = load('../../../src/extension/sweepActivity.js') as { SweepActivityHub: typeof HubClass };

const extensionUri = Uri.file('/ext') as unknown as vscode.Uri;
const owner = { pid: process.pid, hostname: hostname(), processStartedAt: new Date().toISOString(), processStartTicks: null };
let workspace: string;
let hub: HubClass;
let deps: SweepPanelDeps;
const opened: PanelClass[] = [];

function posted(panel: FakePanel): SweepHostMessage[] {
  return panel.webview.posted as SweepHostMessage[];
}

async function open(id = EXPERIMENT_ID): Promise<{ controller: PanelClass; panel: FakePanel }> {
  const controller = SweepPanel.show(extensionUri, deps, id);
  opened.push(controller);
  await controller.whenLoaded();
  const panel = editor.panels.at(-1);
  assert.ok(panel);
  return { controller, panel };
}

function activity(change: Partial<SweepActivity>): SweepActivity {
  return { experimentId: EXPERIMENT_ID, workspace, state: 'running', progress: null, running: [], finished: [], error: null, ...change };
}

beforeEach(() => {
  editor.reset();
  workspace = mkdtempSync(join(tmpdir(), 'mllab-sweep-panel-'));
  hub = new SweepActivityHub();
  deps = { hub, workspaces: () => [workspace] };
});

afterEach(() => {
  for (const c of opened.splice(0)) c.dispose();
  hub.dispose();
  rmSync(workspace, { recursive: true, force: true });
  mock.timers.reset();
  mock.restoreAll();
});

test('the panel has a strict CSP with a nonce and reads only dist/ and media/', async () => {
  writeExperiment(workspace, makeRecord(), []);
  const { panel } = await open();
  assert.equal(panel.viewType, 'mllab.sweep');
  const html = panel.webview.html;
  const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
  assert.ok(nonce && nonce.length >= 16);
  assert.match(html, /default-src 'none'/);
  assert.ok(!/unsafe-inline|unsafe-eval/.test(html));
  assert.match(html, new RegExp(`<script type="module" nonce="${nonce.replace(/[+/=]/g, '\\$&')}" src="https://[^"]*/ext/dist/webview/sweep\\.js">`));
  assert.match(html, /href="https:\/\/[^"]*\/ext\/media\/sweep\.css"/);
  const roots = (panel.webview.options as { localResourceRoots: { path: string }[] }).localResourceRoots.map((u) => u.path);
  assert.deepEqual(roots, ['/ext/dist', '/ext/media']);
});

test('nothing is posted before ready; ready gets the stored record and every trial', async () => {
  writeExperiment(workspace, makeRecord({ bestTrial: 1, bestScore: 0.95 }), [makeTrial(0, 'gbdt', 0.9), makeTrial(1, 'linear', 0.95), makeTrial(2, 'gbdt', null)]);
  const { panel } = await open();
  assert.equal(panel.webview.posted.length, 0);
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const [m] = posted(panel);
  assert.equal(m?.type, 'snapshot');
  if (m?.type !== 'snapshot') return;
  assert.equal(m.snapshot.record?.bestTrial, 1);
  assert.deepEqual(m.snapshot.trials.map((t) => t.index), [0, 1, 2]);
  assert.equal(m.snapshot.live, null);
  assert.equal(m.snapshot.notice, null);
  assert.equal(panel.title, 'Sweep: penguins.csv → species');
});

test('opened mid-sweep: stored trials, the hub\'s newer ones, and the running trials', async () => {
  writeExperiment(workspace, makeRecord({ status: 'running', owner }), [makeTrial(0, 'gbdt', 0.9), makeTrial(1, 'linear', 0.95)]);
  hub.publish(activity({ running: [{ index: 3, model: 'linear', startedAt: 1000 }, { index: 2, model: 'gbdt', startedAt: 900 }], finished: [makeTrial(2, 'gbdt', 0.97)] }));
  const { panel } = await open();
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const m = posted(panel)[0];
  assert.equal(m?.type, 'snapshot');
  if (m?.type !== 'snapshot') return;
  assert.equal(m.snapshot.record?.status, 'running');
  assert.deepEqual(m.snapshot.trials.map((t) => t.index), [0, 1, 2]);
  // Trial 2 is in the journal by now, so it is not running any more.
  assert.deepEqual(m.snapshot.live?.running.map((r) => r.index), [3]);
  assert.equal(m.snapshot.live?.state, 'running');
});

test('live changes are coalesced: three events in one interval become one delta holding every finished trial', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  writeExperiment(workspace, makeRecord({ status: 'running', owner }), [makeTrial(0, 'gbdt', 0.9)]);
  const { panel } = await open();
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  hub.publish(activity({ finished: [makeTrial(1, 'linear', 0.91)], running: [{ index: 2, model: 'gbdt', startedAt: 1 }] }));
  hub.publish(activity({ finished: [makeTrial(2, 'gbdt', 0.92)], running: [] }));
  hub.publish(activity({ experimentId: '20261128-071502-other-abc', finished: [makeTrial(9, 'gbdt', 0.1)] }));
  hub.publish(activity({ state: 'paused', finished: [] }));
  // Let the record re-reads (real fs) settle, then run the coalescing timer.
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  mock.timers.tick(250);
  await new Promise((r) => setImmediate(r));
  mock.timers.tick(250);
  const deltas = posted(panel).filter((m) => m.type === 'activity');
  assert.ok(deltas.length >= 1 && deltas.length <= 2, `${deltas.length} deltas`);
  const first = deltas[0];
  assert.equal(first?.type, 'activity');
  if (first?.type !== 'activity') return;
  assert.deepEqual(first.finished.map((t) => t.index), [1, 2]);
  assert.equal(first.live.state, 'paused');
  assert.deepEqual(first.live.running, []);
  // A page that reloads now gets everything in its snapshot.
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const again = posted(panel).at(-1);
  assert.equal(again?.type, 'snapshot');
  if (again?.type === 'snapshot') assert.deepEqual(again.snapshot.trials.map((t) => t.index), [0, 1, 2]);
});

test('Pause, Resume, Stop and Open Report run their commands with the id; anything else is ignored', async () => {
  writeExperiment(workspace, makeRecord(), []);
  const calls: unknown[][] = [];
  mock.method(commands, 'executeCommand', async (...args: unknown[]) => {
    calls.push(args);
    return undefined;
  });
  const { panel } = await open();
  for (const action of ['pause', 'resume', 'stop', 'explode']) panel.webview.send({ type: 'control', action });
  panel.webview.send({ type: 'openReport' });
  panel.webview.send({ type: 'executeCommand', command: 'workbench.action.terminal.new' });
  assert.deepEqual(calls, [
    ['mllab.pauseSweep', EXPERIMENT_ID],
    ['mllab.resumeSweep', EXPERIMENT_ID],
    ['mllab.stopSweep', EXPERIMENT_ID],
    ['mllab.openExperimentReport', EXPERIMENT_ID],
  ]);
});

test('Resume on an interrupted experiment continues it from its journal (Resume Experiment)', async () => {
  writeExperiment(workspace, makeRecord({ status: 'interrupted' }), [makeTrial(0, 'gbdt', 0.9)]);
  const calls: unknown[][] = [];
  mock.method(commands, 'executeCommand', async (...args: unknown[]) => {
    calls.push(args);
    return undefined;
  });
  const { panel } = await open();
  panel.webview.send({ type: 'control', action: 'resume' });
  assert.deepEqual(calls, [['mllab.resumeExperiment', EXPERIMENT_ID]]);
});

test('a page from an older build is reloaded once instead of being sent a snapshot it cannot read', async () => {
  writeExperiment(workspace, makeRecord(), []);
  const { panel } = await open();
  const html = panel.webview.html;
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION - 1 });
  assert.equal(panel.webview.posted.length, 0);
  assert.notEqual(panel.webview.html, html);
});

test('one panel per experiment; a missing experiment says so', async () => {
  const { controller, panel } = await open();
  assert.equal(SweepPanel.show(extensionUri, deps, EXPERIMENT_ID), controller);
  assert.equal(panel.reveals, 1);
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const m = posted(panel)[0];
  assert.ok(m?.type === 'snapshot' && m.snapshot.record === null && /No experiment/.test(m.snapshot.notice ?? ''));
});

test('revive after a reload uses the saved experiment id; unusable state revives nothing', async () => {
  writeExperiment(workspace, makeRecord(), [makeTrial(0, 'gbdt', 0.9)]);
  const panel = editor.panels.length;
  assert.equal(SweepPanel.revive({} as vscode.WebviewPanel, extensionUri, deps, { sortKey: 'score' }), undefined);
  const { window } = load('../webview/panelHost/vscode.ts') as { window: { createWebviewPanel(...a: unknown[]): FakePanel } };
  const fake = window.createWebviewPanel('mllab.sweep', 'Sweep', {}, {});
  const revived = SweepPanel.revive(fake as unknown as vscode.WebviewPanel, extensionUri, deps, { experimentId: EXPERIMENT_ID, sortKey: 'score', sortDescending: true, selectedTrial: null });
  assert.ok(revived);
  opened.push(revived);
  await revived.whenLoaded();
  assert.equal(editor.panels.length, panel + 1);
  fake.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const m = posted(fake)[0];
  assert.ok(m?.type === 'snapshot' && m.snapshot.trials.length === 1);
});

test('which experiment the command opens: the argument, else a running one, else the newest stored', () => {
  const summary = (id: string, created: string): ExperimentSummary => ({ id, status: 'done', trials: 1, metric: 'accuracy', bestScore: null, bestTrial: null, task: 'binary', dataset: '/d.csv', target: 't', created, finished: null, backend: null });
  const stored = [summary('20261127-100000-a-111', '2026-11-27T10:00:00Z'), summary('20261128-090000-b-222', '2026-11-28T09:00:00Z')];
  const running = { experimentId: '20261128-050000-c-333', workspace: '/w', state: 'running', progress: null, running: [], finished: [], error: null } as SweepActivity;
  const finished = { ...running, experimentId: '20261128-040000-d-444', state: 'done' } as SweepActivity;
  assert.equal(chooseExperiment('20261101-000000-x-abc', [running], stored), '20261101-000000-x-abc');
  assert.equal(chooseExperiment({ experimentId: '20261101-000000-y-abc', label: 'tree item' }, [running], stored), '20261101-000000-y-abc');
  // Not an experiment id: as if none was given.
  assert.equal(chooseExperiment('../../etc', [running], stored), '20261128-050000-c-333');
  assert.equal(chooseExperiment(undefined, [finished, running], stored), '20261128-050000-c-333');
  assert.equal(chooseExperiment(undefined, [finished], stored), '20261128-090000-b-222');
  assert.equal(chooseExperiment(undefined, [finished], []), '20261128-040000-d-444');
  assert.equal(chooseExperiment(undefined, [], []), null);
});

test('the command with no argument opens the newest stored experiment; with none it says so', async () => {
  writeExperiment(workspace, makeRecord(), []);
  writeExperiment(workspace, makeRecord({ id: '20261128-081500-penguins-b4e', times: { ...makeRecord().times, created: '2026-11-28T08:15:00.000Z' } }), []);
  const controller = await SweepPanel.openFromCommand(extensionUri, deps, undefined);
  assert.ok(controller);
  opened.push(controller);
  assert.equal(controller.experimentId, '20261128-081500-penguins-b4e');
  rmSync(join(workspace, '.mllab'), { recursive: true });
  assert.equal(await SweepPanel.openFromCommand(extensionUri, deps, undefined), undefined);
  assert.ok(editor.messages.some((m) => /no AutoML sweep/.test(m)));
});

/** A worker that never answers by itself: the test drives each request's hooks. */
function holdingWorker(): SweepWorker & { hooks: SweepHostHooks[]; controls: [string, string][] } {
  const w = {
    hooks: [] as SweepHostHooks[],
    controls: [] as [string, string][],
    startSweep(_params: unknown, hooks: SweepHostHooks) {
      w.hooks.push(hooks);
      return { requestId: `r${w.hooks.length}`, result: new Promise<never>(() => undefined) };
    },
    async controlSweep(action: 'pause' | 'resume' | 'stop', requestId: string) {
      w.controls.push([action, requestId]);
      return true;
    },
  };
  return w;
}

test('a queued sweep\'s panel shows its place in the queue, then becomes the live panel of its experiment when it starts', async () => {
  const worker = holdingWorker();
  const queue = new SweepQueue({ worker, hub, concurrency: () => 1 });
  deps = { ...deps, queue };
  const progress = (experimentId: string) => ({ experimentId, phase: 'searching' as const, metric: 'accuracy' as const, task: 'multiclass' as const, finishedTrials: 0, runningTrials: 1, elapsedSeconds: 0, budgetSeconds: 60, maxTrials: null, bestScore: null, bestTrial: null });
  queue.start({ dataset: join(workspace, 'iris.csv'), target: 'species', workspace, budgetSeconds: 60 });
  const second = queue.start({ dataset: join(workspace, 'penguins.csv'), target: 'species', workspace, maxTrials: 30 });
  queue.start({ dataset: join(workspace, 'wine.csv'), target: 'quality', workspace, budgetSeconds: 300 });
  worker.hooks[0]!.onProgress?.(progress('20261128-070000-iris-111'));

  const { controller, panel } = await open(second.key);
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const first = posted(panel).at(-1);
  assert.ok(first?.type === 'snapshot');
  assert.equal(first.snapshot.experimentId, 'queued-2');
  assert.deepEqual(first.snapshot.queued, { position: 1, waiting: 2, dataset: 'penguins.csv', target: 'species', budget: '30 trials' });
  assert.equal(first.snapshot.live?.state, 'queued');
  assert.equal(first.snapshot.record, null);
  assert.equal(panel.title, 'Sweep: penguins.csv → species (queued)');

  // Stop in a queued panel cancels it by its key.
  let ran: unknown[] = [];
  mock.method(commands, 'executeCommand', async (...args: unknown[]) => {
    ran = args;
    return undefined;
  });
  panel.webview.send({ type: 'control', action: 'stop' });
  assert.deepEqual(ran, ['mllab.stopSweep', 'queued-2']);

  // The worker starts it: the same panel moves to the experiment, reads its record and shows it live.
  writeExperiment(workspace, makeRecord({ status: 'running', owner }), []);
  worker.hooks[1]!.onProgress?.(progress(EXPERIMENT_ID));
  await controller.whenLoaded();
  assert.equal(controller.experimentId, EXPERIMENT_ID);
  const live = posted(panel).filter((m) => m.type === 'snapshot').at(-1);
  assert.ok(live?.type === 'snapshot');
  assert.equal(live.snapshot.experimentId, EXPERIMENT_ID);
  assert.equal(live.snapshot.record?.id, EXPERIMENT_ID);
  assert.equal(live.snapshot.live?.state, 'running');
  assert.ok(!live.snapshot.queued);
  assert.equal(panel.title, 'Sweep: penguins.csv → species');
  // Opening the experiment (as Start AutoML Sweep does once it exists) reveals this panel, not a second one.
  assert.equal(SweepPanel.show(extensionUri, deps, EXPERIMENT_ID), controller);
  assert.equal(SweepPanel.show(extensionUri, deps, 'queued-2'), controller);
  assert.equal(editor.panels.length, 1);
});

test('a panel opened on a queued key that no longer waits says so', async () => {
  deps = { ...deps, queue: new SweepQueue({ worker: holdingWorker(), hub, concurrency: () => 1 }) };
  const controller = await SweepPanel.openFromCommand(extensionUri, deps, 'queued-9');
  assert.ok(controller);
  opened.push(controller);
  await controller.whenLoaded();
  const panel = editor.panels.at(-1)!;
  panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  const m = posted(panel).at(-1);
  assert.ok(m?.type === 'snapshot');
  assert.match(m.snapshot.notice ?? '', /no longer queued/);
  assert.equal(m.snapshot.queued, null);
});

test('Open Sweep Panel with no argument, while nothing runs yet and a sweep waits, opens the waiting one', async () => {
  writeExperiment(workspace, makeRecord(), []);
  const worker = holdingWorker();
  const queue = new SweepQueue({ worker, hub, concurrency: () => 1 });
  deps = { ...deps, queue };
  queue.start({ dataset: join(workspace, 'loans.csv'), target: 'default', workspace, maxTrials: 10 });
  const controller = await SweepPanel.openFromCommand(extensionUri, deps, undefined);
  assert.ok(controller);
  opened.push(controller);
  assert.equal(controller.experimentId, 'queued-1');
  // Once one runs, no argument means the running one (then the stored newest), as before.
  worker.hooks[0]!.onProgress?.({ experimentId: EXPERIMENT_ID, phase: 'searching', metric: 'accuracy', task: 'multiclass', finishedTrials: 0, runningTrials: 1, elapsedSeconds: 0, budgetSeconds: null, maxTrials: 10, bestScore: null, bestTrial: null });
  assert.equal(controller.experimentId, EXPERIMENT_ID, 'the panel followed its sweep');
  assert.equal(await SweepPanel.openFromCommand(extensionUri, deps, undefined), controller);
});
