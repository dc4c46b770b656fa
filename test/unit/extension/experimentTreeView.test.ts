// The Experiments and Datasets tree providers and the context-menu commands, with `vscode` replaced by a
// stand-in (treeHost/vscode.ts), on stores generated in a temp folder.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { ExperimentNode, ExperimentTreeProvider as TreeClass, experimentIdOf as IdOf } from '../../../src/extension/views/experimentTree.js';
import type { DatasetsTreeProvider as DatasetsClass } from '../../../src/extension/views/datasetsTree.js';
import type { ExperimentCommands as CommandsClass } from '../../../src/extension/commands/experimentCommands.js';
import type { SweepActivityHub as HubClass } from '../../../src/extension/sweepActivity.js';
import { SweepQueue } from '../../../src/extension/sweepQueue.js';
import { writeSyntheticStore } from '../../../bench/store/syntheticStore.js';
import { stableStringify } from '../../../src/core/store/atomicFile.js';
import type { ExperimentRecord } from '../../../src/protocol/experiment.js';
import { EventEmitter, Uri, answers, commands, executed, shown, watchers, workspace } from './treeHost/vscode.js';
import type { TreeItem, ThemeIcon } from './treeHost/vscode.js';
import { requireWithVscode } from '../../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, 'treeHost', 'vscode.ts'), __filename);
const { ExperimentTreeProvider, experimentIdOf, POLL_MS } = load('../../../src/extension/views/experimentTree.js') as { ExperimentTreeProvider: typeof TreeClass; experimentIdOf: typeof IdOf; POLL_MS: number };
const { DatasetsTreeProvider } = load('../../../src/extension/views/datasetsTree.js') as { DatasetsTreeProvider: typeof DatasetsClass };
const { ExperimentCommands } = load('../../../src/extension/commands/experimentCommands.js') as { ExperimentCommands: typeof CommandsClass };
const { SweepActivityHub } = load('../../../src/extension/sweepActivity.js') as { SweepActivityHub: typeof HubClass };

// Unnamed experiments are labelled by their local start time: pin the zone so the expected labels are fixed.
process.env.TZ = 'UTC';
// writeSyntheticStore starts experiment i at 2026-11-01T00:0i:00Z.
const started = (i: number): string => `2026-11-01 00:0${i}:00`;

const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as vscode.LogOutputChannel;
let ws: string;
let ids: string[];
let hub: HubClass;
let tree: TreeClass;
const disposables: { dispose(): unknown }[] = [];

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'mllab-treeview-'));
  ids = writeSyntheticStore(ws, { experiments: 3, trials: 30, datasets: 1, seed: 3 });
  workspace.workspaceFolders = [{ uri: Uri.file(ws), name: 'ws', index: 0 }];
  workspace.isTrusted = true;
  watchers.length = 0;
  executed.length = 0;
  shown.length = 0;
  hub = new SweepActivityHub();
  tree = new ExperimentTreeProvider(hub);
  disposables.push(hub, tree, ...new ExperimentCommands(tree, null, log).register());
});
afterEach(() => {
  for (const d of disposables.splice(0)) d.dispose();
  rmSync(ws, { recursive: true, force: true });
});

const item = (node: ExperimentNode): TreeItem => tree.getTreeItem(node) as unknown as TreeItem;
const icon = (node: ExperimentNode): string => (item(node).iconPath as ThemeIcon).id;

async function experimentNodes(): Promise<ExperimentNode[]> {
  const [dataset] = await tree.getChildren();
  const [version] = await tree.getChildren(dataset);
  return tree.getChildren(version);
}

test('root → dataset → version → experiments, newest first, with status icon, score and context value', async () => {
  const roots = await tree.getChildren();
  assert.deepEqual(
    roots.map((n) => item(n).label),
    ['d0.csv'],
  );
  const experiments = await experimentNodes();
  assert.deepEqual(
    experiments.map((n) => item(n).label),
    [started(2), started(1), started(0)],
  );
  assert.deepEqual(
    experiments.map((n) => experimentIdOf(n)),
    [...ids].reverse(),
  );
  const first = item(experiments[0]!);
  assert.equal(icon(experiments[0]!), 'pass');
  assert.equal(first.contextValue, 'experiment.done');
  assert.match(first.description!, /^ROC AUC 0\.\d+ · 30 trials$/);
  assert.deepEqual(first.command, { command: 'mllab.openExperimentReport', title: 'Open Report', arguments: [ids[2]] });
  assert.equal(experimentIdOf(experiments[0]), ids[2]);
});

test('an experiment expands to its model, the top 10 trials and "20 more trials", which expands to the rest', async () => {
  const [newest] = await experimentNodes();
  const children = await tree.getChildren(newest);
  assert.deepEqual(
    children.map((n) => n.kind),
    ['model', ...Array<string>(10).fill('trial'), 'moreTrials'],
  );
  assert.equal(icon(children[1]!), 'star-full');
  assert.equal(item(children[11]!).label, '20 more trials');
  const rest = await tree.getChildren(children[11]);
  assert.equal(rest.length, 20);
  const shownIndexes = new Set([...children, ...rest].filter((n) => n.kind === 'trial').map((n) => (n.kind === 'trial' ? n.row.trial.index : -1)));
  assert.equal(shownIndexes.size, 30);
  assert.equal(experimentIdOf(children[1]), ids[2]);
});

test('watcher bursts refresh once (debounced); a live sweep in the hub spins and opens the Sweep panel', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let fired = 0;
    disposables.push(tree.onDidChangeTreeData(() => fired++));
    const w = watchers.find((x) => x.pattern === '**/.mllab/experiments/**')!;
    for (let i = 0; i < 5; i++) w.change.fire(Uri.file(join(ws, '.mllab', 'experiments', ids[0]!, 'trials.jsonl')));
    assert.equal(fired, 0);
    mock.timers.tick(300);
    assert.equal(fired, 1);

    hub.publish({
      experimentId: ids[0]!,
      workspace: ws,
      state: 'running',
      progress: { experimentId: ids[0]!, phase: 'searching', metric: 'roc_auc', task: 'binary', finishedTrials: 31, runningTrials: 2, elapsedSeconds: 5, budgetSeconds: 60, maxTrials: null, bestScore: 0.99, bestTrial: 30 },
      running: [],
      finished: [],
      error: null,
    });
    mock.timers.tick(300);
    assert.equal(fired, 2);
  } finally {
    mock.timers.reset();
  }
  const oldest = (await experimentNodes()).find((n) => experimentIdOf(n) === ids[0])!;
  assert.equal(icon(oldest), 'sync~spin');
  assert.equal(item(oldest).contextValue, 'experiment.running');
  assert.match(item(oldest).description!, /^ROC AUC 0\.99 · 31 trials · running$/);
  assert.equal(item(oldest).command?.command, 'mllab.openSweepPanel');
});

test('Rename, Tag and Note from the menu rewrite experiment.json; the tree shows the new name', async () => {
  const [node] = await experimentNodes();
  answers.input.push('Best so far', 'churn, v2', 'good enough');
  await commands.executeCommand('mllab.renameExperiment', node);
  await commands.executeCommand('mllab.tagExperiment', node);
  await commands.executeCommand('mllab.noteExperiment', node);
  const record = JSON.parse(readFileSync(join(ws, '.mllab', 'experiments', ids[2]!, 'experiment.json'), 'utf8')) as ExperimentRecord;
  assert.deepEqual([record.name, record.tags, record.note], ['Best so far', ['churn', 'v2'], 'good enough']);
  assert.equal(item((await experimentNodes())[0]!).label, 'Best so far');
  // An empty name goes back to the start time.
  answers.input.push('  ');
  await commands.executeCommand('mllab.renameExperiment', ids[2]);
  assert.equal(item((await experimentNodes())[0]!).label, started(2));
  assert.deepEqual(shown, []);
});

test('Delete asks first; "Cancel" keeps the folder, "Delete" removes it; a running one is refused', async () => {
  const dir = join(ws, '.mllab', 'experiments', ids[1]!);
  answers.warning.push(undefined);
  await commands.executeCommand('mllab.deleteExperiment', ids[1]);
  assert.ok(existsSync(dir));
  answers.warning.push('Delete');
  await commands.executeCommand('mllab.deleteExperiment', ids[1]);
  assert.equal(existsSync(dir), false);
  assert.deepEqual(
    (await experimentNodes()).map((n) => experimentIdOf(n)),
    [ids[2], ids[0]],
  );

  const runningPath = join(ws, '.mllab', 'experiments', ids[0]!, 'experiment.json');
  const record = JSON.parse(readFileSync(runningPath, 'utf8')) as ExperimentRecord;
  writeFileSync(runningPath, stableStringify({ ...record, status: 'running', owner: { pid: process.pid, hostname: hostname(), processStartedAt: '', processStartTicks: null } }));
  shown.length = 0;
  await commands.executeCommand('mllab.deleteExperiment', ids[0]);
  assert.ok(existsSync(join(ws, '.mllab', 'experiments', ids[0]!)));
  assert.match(shown[0]!.message, /is running/);
});

test('Compare passes the selected experiments\' ids; Re-run starts a sweep prefilled with the old settings and the parent', async () => {
  const experiments = await experimentNodes();
  const trialNode = (await tree.getChildren(experiments[2]))[1];
  await commands.executeCommand('mllab.compareSelectedExperiments', experiments[0], [experiments[0], experiments[1], trialNode]);
  assert.deepEqual(executed.at(-1), { command: 'mllab.compareExperiments', args: [[ids[2], ids[1], ids[0]]] });

  await commands.executeCommand('mllab.rerunExperiment', experiments[1]);
  const call = executed.at(-1)!;
  assert.equal(call.command, 'mllab.startSweep');
  const config = call.args[0] as { dataset: string; target: string; parent: string; workspace: string; folds: number; budgetSeconds: number };
  assert.deepEqual([config.dataset, config.target, config.parent, config.workspace, config.folds, config.budgetSeconds], [join(ws, 'data', 'd0.csv'), 'label', ids[1], ws, 5, 60]);

  workspace.isTrusted = false;
  executed.length = 0;
  await commands.executeCommand('mllab.rerunExperiment', experiments[1]);
  assert.deepEqual(executed, []);
  assert.match(shown.at(-1)!.message, /trusted workspace/);
});

test('Export Model exports into the chosen folder; a folder that is not there is an error shown to the user', async () => {
  // The package itself (a child process running mllab export) is checked in test/integration/exportPackage.test.ts.
  answers.openDialog.push([Uri.file(join(ws, 'no-such-folder'))]);
  shown.length = 0;
  await commands.executeCommand('mllab.exportModel', ids[0]);
  assert.match(shown.at(-1)?.message ?? '', /^ML Lab: Cannot export to .*no-such-folder: it is not a folder\.$/);
  assert.equal(shown.at(-1)?.kind, 'error');
  assert.equal(existsSync(join(ws, 'no-such-folder')), false);
});

test('the Datasets tree lists profiled sources with cleaned versions as children, as Uris', async () => {
  const H = (c: string): string => c.repeat(64);
  mkdirSync(join(ws, '.mllab', 'profiles'), { recursive: true });
  mkdirSync(join(ws, '.mllab', 'datasets'), { recursive: true });
  writeFileSync(join(ws, '.mllab', 'profiles', 'index.json'), JSON.stringify({ schemaVersion: 1, entries: { 'data/d0.csv': { size: 1, mtimeMs: 1, sha256: H('0') } } }));
  writeFileSync(
    join(ws, '.mllab', 'datasets', `${H('1')}.json`),
    stableStringify({ schemaVersion: 1, hash: H('1'), path: 'data/d0.clean.csv', name: 'd0 cleaned', parent: { hash: H('0'), path: 'data/d0.csv' }, recipe: null, report: null, rows: 5, createdAt: '2026-01-01T00:00:00Z' }),
  );
  const datasets = new DatasetsTreeProvider();
  disposables.push(datasets);
  const roots = await datasets.getChildren();
  assert.deepEqual(
    roots.map((u) => u.fsPath),
    [join(ws, 'data', 'd0.csv')],
  );
  const kids = await datasets.getChildren(roots[0]);
  assert.equal(kids.length, 1);
  assert.equal(kids[0]!.fsPath, join(ws, 'data', 'd0.clean.csv'));
  const kidItem = datasets.getTreeItem(kids[0]!) as unknown as TreeItem;
  assert.equal(kidItem.label, 'd0 cleaned');
  assert.equal(kidItem.contextValue, 'datasetFile.cleaned');
  // Opening the row opens the file itself (no fragment).
  assert.equal(String(kidItem.command?.arguments?.[0]), `file://${join(ws, 'data', 'd0.clean.csv')}`);
});

test('with the watcher silent, the visible view\'s poll sees a new experiment and a running one\'s record change', async () => {
  let fired = 0;
  disposables.push(tree.onDidChangeTreeData(() => fired++));
  await tree.getChildren();
  await tree.checkStore(); // baseline
  await tree.checkStore();
  assert.equal(fired, 0);

  // A sweep in a terminal creates a folder: the experiments folder's mtime moves.
  const id = '20261102-000000-d0-abc';
  const dir = join(ws, '.mllab', 'experiments', id);
  mkdirSync(dir);
  const record = { ...(JSON.parse(readFileSync(join(ws, '.mllab', 'experiments', ids[0]!, 'experiment.json'), 'utf8')) as ExperimentRecord), id, times: { created: '2026-11-02T00:00:00.000Z', updated: '2026-11-02T00:00:00.000Z', finished: null, searchSeconds: 0 }, status: 'running' as const, owner: { pid: process.pid, hostname: hostname(), processStartedAt: '', processStartTicks: null } };
  writeFileSync(join(dir, 'experiment.json'), stableStringify(record));
  utimesSync(join(ws, '.mllab', 'experiments'), new Date(), new Date(Date.now() + 5000));
  await tree.checkStore();
  assert.equal(fired, 1);
  const rows = await experimentNodes();
  assert.equal(experimentIdOf(rows[0]), id);
  assert.equal(icon(rows[0]!), 'sync~spin');

  await tree.checkStore(); // the running record is now watched too
  fired = 0;
  writeFileSync(join(dir, 'experiment.json'), stableStringify({ ...record, status: 'done' }));
  utimesSync(join(dir, 'experiment.json'), new Date(), new Date(Date.now() + 10_000));
  await tree.checkStore();
  assert.equal(fired, 1);
  assert.equal(icon((await experimentNodes())[0]!), 'pass');
});

test('the poll runs only while the view is visible', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const visibility = new EventEmitter<{ visible: boolean }>();
    const view = { visible: false, onDidChangeVisibility: visibility.event };
    const checks = mock.method(tree, 'checkStore', () => Promise.resolve());
    const handle = tree.attach(view as unknown as Parameters<TreeClass['attach']>[0]);
    mock.timers.tick(POLL_MS * 3);
    assert.equal(checks.mock.callCount(), 0);
    visibility.fire({ visible: true });
    mock.timers.tick(POLL_MS * 3);
    assert.equal(checks.mock.callCount(), 4); // one at once, then one per interval
    visibility.fire({ visible: false });
    mock.timers.tick(POLL_MS * 3);
    assert.equal(checks.mock.callCount(), 4);
    handle.dispose();
  } finally {
    mock.timers.reset();
  }
});

test('the Datasets view\'s poll refreshes when a cleaned version is recorded', async () => {
  const datasets = new DatasetsTreeProvider();
  disposables.push(datasets);
  let fired = 0;
  disposables.push(datasets.onDidChangeTreeData(() => fired++));
  assert.deepEqual(await datasets.getChildren(), []);
  await datasets.checkRecords(); // baseline: no .mllab/datasets yet
  await datasets.checkRecords();
  assert.equal(fired, 0);
  const H = (c: string): string => c.repeat(64);
  mkdirSync(join(ws, '.mllab', 'datasets'), { recursive: true });
  writeFileSync(
    join(ws, '.mllab', 'datasets', `${H('1')}.json`),
    stableStringify({ schemaVersion: 1, hash: H('1'), path: 'data/d0.clean.csv', name: 'd0 cleaned', parent: { hash: H('0'), path: 'data/d0.csv' }, recipe: null, report: null, rows: 5, createdAt: '2026-01-01T00:00:00Z' }),
  );
  await datasets.checkRecords();
  assert.equal(fired, 1);
  assert.deepEqual(
    (await datasets.getChildren()).map((u) => u.fsPath),
    [join(ws, 'data', 'd0.csv')],
  );
});

test('sweeps waiting in the queue are rows on top: dataset → target, place and budget, clock icon, cancel menu; a resume is not repeated', async () => {
  const worker = { startSweep: () => ({ requestId: 'r', result: new Promise<never>(() => undefined) }), controlSweep: async () => true };
  const queue = new SweepQueue({ worker, hub, concurrency: () => 1 });
  const queuedTree = new ExperimentTreeProvider(hub, queue);
  disposables.push(queuedTree);
  let fired = 0;
  queuedTree.onDidChangeTreeData(() => fired++);
  queue.start({ dataset: join(ws, 'data', 'loans.csv'), target: 'default', workspace: ws, budgetSeconds: 120 });
  queue.start({ dataset: join(ws, 'data', 'd0.csv'), target: 'y', workspace: ws, resume: ids[0]! });
  queue.start({ dataset: join(ws, 'wine.csv'), target: 'quality', workspace: ws, maxTrials: 40 });
  queue.start({ dataset: '/elsewhere/x.csv', target: 'z', workspace: '/elsewhere', maxTrials: 5 });
  assert.ok(fired > 0, 'a new queued sweep redraws the tree');
  const roots = await queuedTree.getChildren();
  const view = (n: ExperimentNode): unknown[] => {
    const i = queuedTree.getTreeItem(n) as unknown as TreeItem;
    return [i.label, i.description, (i.iconPath as ThemeIcon).id, i.contextValue, i.command?.arguments?.[0]];
  };
  assert.deepEqual(roots.map(view), [
    ['loans.csv → default', 'queued #1 · 2 min', 'clock', 'queuedSweep', 'queued-1'],
    // #2 is the resume of ids[0]: its experiment row says queued; #4 belongs to another folder.
    ['wine.csv → quality', 'queued #3 · 40 trials', 'clock', 'queuedSweep', 'queued-3'],
    ['d0.csv', 'data', 'database', 'dataset', undefined],
  ]);
  const first = queuedTree.getTreeItem(roots[0]!) as unknown as TreeItem;
  assert.equal(first.command?.command, 'mllab.openSweepPanel');
  // Cancelling: the row says so until the worker confirms.
  await queue.stop('queued-1');
  const after = await queuedTree.getChildren();
  assert.equal((queuedTree.getTreeItem(after[0]!) as unknown as TreeItem).description, 'cancelling… · 2 min');
});
