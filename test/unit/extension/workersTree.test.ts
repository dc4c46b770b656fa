// The Workers view with `vscode` replaced by the tree stand-in: empty (welcome text) for the local backend or
// no URL, one row per worker, a clear row when Redis cannot be read, refusals for restricted mode and a bad
// URL, the password passed to the lister, and polling only while the view is visible.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { WorkersTreeProvider as TreeClass, FleetSource } from '../../../src/extension/views/workersTree.js';
import { parseSweepBackend } from '../../../src/extension/sweepBackend.js';
import type { SweepBackendSettings } from '../../../src/extension/sweepBackend.js';
import type { WorkerInfo } from '../../../src/protocol/distributed.js';
import { EventEmitter } from './treeHost/vscode.js';
import type { ThemeIcon } from './treeHost/vscode.js';
import { requireWithVscode } from '../../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, 'treeHost', 'vscode.ts'), __filename);
const { WorkersTreeProvider, WORKERS_POLL_MS } = load('../../../src/extension/views/workersTree.js') as { WorkersTreeProvider: typeof TreeClass; WORKERS_POLL_MS: number };

const heartbeat = (name: string, secondsAgo: number): WorkerInfo => ({
  name,
  host: 'box',
  pid: 1,
  version: '0.1.0',
  protocol: 1,
  concurrency: 1,
  running: [],
  trialsDone: 4,
  startedAt: new Date(Date.now() - 60_000).toISOString(),
  lastSeen: new Date(Date.now() - secondsAgo * 1000).toISOString(),
});

function source(settings: SweepBackendSettings, list: FleetSource['list'], trusted = true): FleetSource & { calls: [string, string | null][] } {
  const calls: [string, string | null][] = [];
  return {
    calls,
    settings: () => settings,
    password: () => Promise.resolve('pw'),
    trusted: () => trusted,
    list: (url, password) => (calls.push([url, password]), list(url, password)),
  };
}

const visibleView = () => ({ visible: true, onDidChangeVisibility: new EventEmitter<{ visible: boolean }>().event });

test('local backend or no URL: no rows (the welcome text shows) and Redis is never asked', async () => {
  for (const settings of [parseSweepBackend('local', 'redis://h:1'), parseSweepBackend('redis', '')]) {
    const s = source(settings, () => Promise.resolve([heartbeat('a', 1)]));
    const tree = new WorkersTreeProvider(s);
    const attached = tree.attach(visibleView());
    assert.deepEqual(await tree.getChildren(), []);
    assert.equal(s.calls.length, 0);
    attached.dispose();
    tree.dispose();
  }
});

test('redis: one row per worker (password passed), a stale one warns; unreachable and empty get a row', async () => {
  const s = source(parseSweepBackend('redis', 'redis://127.0.0.1:6390'), () => Promise.resolve([heartbeat('b', 30), heartbeat('a', 1)]));
  const tree = new WorkersTreeProvider(s);
  const attached = tree.attach(visibleView());
  const rows = await tree.getChildren();
  assert.deepEqual(s.calls, [['redis://127.0.0.1:6390', 'pw']]);
  assert.deepEqual(rows.map((r) => r.label), ['a', 'b']);
  const stale = tree.getTreeItem(rows[1]!);
  assert.equal((stale.iconPath as unknown as ThemeIcon).id, 'warning');
  assert.equal(stale.contextValue, 'worker');
  attached.dispose();

  const down = new WorkersTreeProvider(source(parseSweepBackend('redis', 'redis://127.0.0.1:6390'), () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390'))));
  down.attach(visibleView());
  const [row] = await down.getChildren();
  assert.equal(row!.label, 'Redis unreachable');
  assert.match(row!.tooltip, /ECONNREFUSED/);

  const empty = new WorkersTreeProvider(source(parseSweepBackend('redis', 'redis://h:1'), () => Promise.resolve([])));
  empty.attach(visibleView());
  assert.deepEqual((await empty.getChildren()).map((r) => r.label), ['No workers connected']);
  for (const t of [tree, down, empty]) t.dispose();
});

test('restricted mode and a password in the URL: a row saying why, and Redis is not asked', async () => {
  const untrusted = source(parseSweepBackend('redis', 'redis://h:1'), () => Promise.resolve([]), false);
  const t1 = new WorkersTreeProvider(untrusted);
  const bad = source(parseSweepBackend('redis', 'redis://:hunter2@h:1'), () => Promise.resolve([]));
  const t2 = new WorkersTreeProvider(bad);
  try {
    t1.attach(visibleView());
    assert.deepEqual((await t1.getChildren()).map((r) => r.label), ['Needs a trusted workspace']);
    t2.attach(visibleView());
    const [row] = await t2.getChildren();
    assert.equal(row!.label, 'Distributed sweep settings not usable');
    assert.ok(!row!.tooltip.includes('hunter2'));
    assert.equal(untrusted.calls.length + bad.calls.length, 0);
  } finally {
    t1.dispose();
    t2.dispose();
  }
});

test('polls only while visible', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const tree = new WorkersTreeProvider(source(parseSweepBackend('redis', 'redis://h:1'), () => Promise.resolve([])));
    let fired = 0;
    tree.onDidChangeTreeData(() => fired++);
    const visibility = new EventEmitter<{ visible: boolean }>();
    const attached = tree.attach({ visible: false, onDidChangeVisibility: visibility.event });
    mock.timers.tick(WORKERS_POLL_MS * 3);
    assert.equal(fired, 0);
    visibility.fire({ visible: true });
    assert.equal(fired, 1);
    mock.timers.tick(WORKERS_POLL_MS * 2);
    assert.equal(fired, 3);
    visibility.fire({ visible: false });
    mock.timers.tick(WORKERS_POLL_MS * 3);
    assert.equal(fired, 3);
    attached.dispose();
    tree.dispose();
  } finally {
    mock.timers.reset();
  }
});
