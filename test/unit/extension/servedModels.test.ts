// ServedModels (the host side of Serve Model) against stand-in servers: small Node scripts in place of
// dist/cli.js that print the listening line, fail on start, or never listen; and the Models view provider
// over fixed records. `vscode` is the deployHost stand-in.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { ServedModels as ServedClass } from '../../../src/extension/serveStatus.js';
import type { DeployCommands as CommandsClass } from '../../../src/extension/commands/deployCommands.js';
import type { ModelsTreeProvider as ModelsClass, DeploymentNode } from '../../../src/extension/views/modelsTree.js';
import type { DeploymentRecord, DeploymentStats, DriftReport } from '../../../src/protocol/deploy.js';
import { Uri, shown, statusBarItems, workspace } from './deployHost/vscode.js';
import type { ThemeIcon, TreeItem } from './deployHost/vscode.js';
import { requireWithVscode } from '../../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, 'deployHost', 'vscode.ts'), __filename);
const { ServedModels } = load('../../../src/extension/serveStatus.js') as { ServedModels: typeof ServedClass };
const { ModelsTreeProvider } = load('../../../src/extension/views/modelsTree.js') as { ModelsTreeProvider: typeof ModelsClass };

const lines: string[] = [];
const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } as unknown as vscode.LogOutputChannel;
let dir: string;
let served: ServedClass | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-serve-'));
  statusBarItems.length = 0;
  lines.length = 0;
});
afterEach(async () => {
  await served?.stopAll();
  served?.dispose();
  served = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in `cli.js`: node FILE serve MODEL --port P ... */
function fakeCli(body: string): string {
  const path = join(dir, 'cli.cjs');
  writeFileSync(path, `const args = process.argv.slice(2); const port = args[args.indexOf('--port') + 1];\n${body}\n`);
  return path;
}

test('serve waits for the listening line, shows a status bar item, and Stop sends SIGTERM', async () => {
  const marker = join(dir, 'terminated');
  const cli = fakeCli(`
process.stdout.write('loading model\\n');
setTimeout(() => process.stdout.write('listening on http://127.0.0.1:' + port + '\\n'), 50);
process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(marker)}, args.join(' ')); process.exit(0); });
setInterval(() => {}, 1000);`);
  served = new ServedModels(cli, log);
  let changes = 0;
  served.onDidChange(() => changes++);
  const s = await served.serve({ model: '/m/best.json', name: 'penguins-a3f', experimentId: 'exp', workspace: dir });
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(s.url, `http://127.0.0.1:${s.port}`);
  assert.equal(s.logDir, join(dir, '.mllab', 'deployments', s.id));
  assert.ok(existsSync(s.logDir), 'the log folder is made before the server starts');
  assert.equal(statusBarItems.length, 1);
  assert.equal(statusBarItems[0]!.text, `$(radio-tower) serving penguins-a3f :${s.port}`);
  assert.equal(statusBarItems[0]!.visible, true);
  assert.deepEqual(served.all().map((x) => x.id), [s.id]);
  assert.equal(changes, 1);

  assert.equal(await served.stop(s.id), true);
  assert.equal(readFileSync(marker, 'utf8'), `serve /m/best.json --port ${s.port} --deployment ${s.id} --log-dir ${s.logDir}`);
  // The exit handler runs on 'close': give it a turn.
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(statusBarItems[0]!.disposed, true);
  assert.deepEqual(served.all(), []);
  assert.equal(changes, 2);
  assert.equal(await served.stop(s.id), false);
});

test('a server that fails to start rejects with its own message and leaves no item', async () => {
  const cli = fakeCli(`process.stderr.write('mllab: No experiment nope in .mllab/experiments\\n'); process.exit(1);`);
  served = new ServedModels(cli, log);
  await assert.rejects(served.serve({ model: 'nope', name: 'nope', experimentId: null, workspace: dir }), /did not start: mllab: No experiment nope/);
  assert.equal(statusBarItems.length, 0);
  assert.deepEqual(served.all(), []);
});

test('a cancelled start kills the server that has not listened yet', async () => {
  const pidFile = join(dir, 'pid');
  const cli = fakeCli(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`);
  served = new ServedModels(cli, log);
  const abort = new AbortController();
  const started = served.serve({ model: 'm', name: 'm', experimentId: null, workspace: dir, signal: abort.signal });
  // Wait for the whole pid (an empty file would read as 0: the process group).
  while (!existsSync(pidFile) || !/^\d+$/.test(readFileSync(pidFile, 'utf8'))) await new Promise((r) => setTimeout(r, 10));
  abort.abort();
  await assert.rejects(started, (e: Error) => e.name === 'Canceled');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`server ${pid} still runs after the cancel`);
});

test('Models view: serving, stopped (dead pid) and exported rows, in that order, with stats', async () => {
  workspace.workspaceFolders = [{ uri: Uri.file(dir), name: 'ws', index: 0 }];
  const base: DeploymentRecord = { schemaVersion: 1, id: 'a', kind: 'served', experimentId: '20261128-071502-penguins-a3f', model: '/m.json', location: 'http://127.0.0.1:8123', created: '2026-11-28T09:00:00Z', stopped: null, pid: 111, logDir: '/log', lastDrift: null };
  const records: DeploymentRecord[] = [
    { ...base, id: 'exported', kind: 'exported', location: '/out/pkg', pid: null, logDir: null, created: '2026-11-28T10:00:00Z' },
    { ...base, id: 'dead', pid: 222, created: '2026-11-28T09:30:00Z', lastDrift: { checked: '2026-11-28T09:40:00Z', drifted: true, report: '/r.json' } },
    { ...base, id: 'live' },
  ];
  const stats: DeploymentStats = { windowSeconds: 60, requests: 7, requestsPerSecond: 0.12, errorRate: 0, p50Ms: 1, p99Ms: 2.5, lastRequest: null };
  const asked: string[] = [];
  const tree = new ModelsTreeProvider({ list: () => Promise.resolve(records), stats: (r) => (asked.push(r.id), Promise.resolve(stats)) }, null, (pid) => pid === 111);
  try {
    const nodes: DeploymentNode[] = await tree.getChildren();
    assert.deepEqual(nodes.map((n) => [n.record.id, n.state]), [['live', 'serving'], ['dead', 'stopped'], ['exported', 'exported']]);
    assert.deepEqual(asked.sort(), ['dead', 'live'], 'stats only for served deployments');
    const items = nodes.map((n) => tree.getTreeItem(n) as unknown as TreeItem);
    assert.equal(items[0]!.label, 'penguins-a3f');
    assert.equal(items[0]!.description, ':8123 · 7 req · 0.12/s · p99 2.5 ms · 0.0% errors');
    assert.equal(items[0]!.contextValue, 'deployment.serving');
    assert.equal(items[1]!.description, 'stopped · 7 req · 0.12/s · p99 2.5 ms · 0.0% errors · drifted');
    assert.equal((items[1]!.iconPath as ThemeIcon).color?.id, 'list.warningForeground');
    assert.equal(items[2]!.contextValue, 'deployment.exported');
    assert.equal(items[2]!.resourceUri?.fsPath, '/out/pkg');
  } finally {
    tree.dispose();
  }
});

test('Serve Model is refused in Restricted Mode; Retrain is offered only for drifted CSVs from an experiment', async () => {
  const { DeployCommands } = load('../../../src/extension/commands/deployCommands.js') as { DeployCommands: typeof CommandsClass };
  let serveCalls = 0;
  const deps = {
    extensionUri: Uri.file(dir),
    worker: {},
    served: { serve: () => (serveCalls++, Promise.reject(new Error('not here'))) },
    models: { refresh: () => undefined },
    deployments: { write: () => Promise.resolve() },
    log,
  } as unknown as ConstructorParameters<typeof DeployCommands>[0];
  const commands = new DeployCommands(deps);
  const report = (over: Partial<DriftReport>): DriftReport => ({ drifted: true, model: { path: '/m.json', experimentId: 'e1' }, current: { path: '/ws/new.csv', rows: 10 }, ...over }) as DriftReport;
  shown.length = 0;
  workspace.isTrusted = false;
  try {
    await commands.serveModel(undefined);
    assert.equal(serveCalls, 0);
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.kind, 'error');
    assert.match(shown[0]!.message, /^Serve Model needs a trusted workspace/);
    assert.equal(commands.panelActions.canRetrain(report({})), false, 'untrusted');
  } finally {
    workspace.isTrusted = true;
  }
  assert.equal(commands.panelActions.canRetrain(report({})), true);
  assert.equal(commands.panelActions.canRetrain(report({ drifted: false })), false);
  assert.equal(commands.panelActions.canRetrain(report({ model: { path: '/m.json', experimentId: null } })), false, 'no experiment');
  assert.equal(commands.panelActions.canRetrain(report({ model: null })), false, 'a dataset version');
  assert.equal(commands.panelActions.canRetrain(report({ current: { path: '/ws/.mllab/deployments/d1', rows: 25 } })), false, 'a prediction log');
});
