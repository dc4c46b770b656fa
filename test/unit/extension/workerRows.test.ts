// The Workers view's rows from heartbeats: order, running trials, trials done, heartbeat age, and the
// warning for a stale heartbeat or another protocol version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageText, messageRow, workerRows } from '../../../src/extension/workerRows.js';
import type { WorkerInfo } from '../../../src/protocol/distributed.js';

const now = Date.parse('2026-11-28T10:00:00.000Z');
function worker(over: Partial<WorkerInfo>): WorkerInfo {
  return { name: 'w', host: 'box', pid: 100, version: '0.1.0', protocol: 1, concurrency: 2, running: [], trialsDone: 0, startedAt: '2026-11-28T09:00:00.000Z', lastSeen: '2026-11-28T09:59:58.000Z', ...over };
}

test('ageText', () => {
  assert.equal(ageText(400), 'now');
  assert.equal(ageText(-5000), 'now');
  assert.equal(ageText(2000), '2 s');
  assert.equal(ageText(59_999), '59 s');
  assert.equal(ageText(61_000), '1 min');
  assert.equal(ageText(2 * 3600_000 + 5), '2 h');
  assert.equal(ageText(72 * 3600_000), '3 d');
});

test('workerRows: sorted by name, with host, running trials, trials done and heartbeat age', () => {
  const rows = workerRows(
    [
      worker({ name: 'gpu-2', host: 'b', pid: 7, running: [{ experimentId: 'e1', index: 3 }, { experimentId: 'e1', index: 9 }], trialsDone: 12, lastSeen: '2026-11-28T09:59:57.000Z' }),
      worker({ name: 'gpu-1', host: 'a', pid: 5, running: [{ experimentId: 'e1', index: 4 }], trialsDone: 1 }),
      worker({ name: 'cpu', host: 'c', trialsDone: 0 }),
    ],
    now,
  );
  assert.deepEqual(rows.map((r) => r.label), ['cpu', 'gpu-1', 'gpu-2']);
  assert.equal(rows[0]!.description, 'c · idle · 0 done · heartbeat 2 s ago');
  assert.equal(rows[1]!.description, 'a · running trial #4 · 1 done · heartbeat 2 s ago');
  assert.equal(rows[2]!.description, 'b · running trials #3, #9 · 12 done · heartbeat 3 s ago');
  assert.deepEqual(rows.map((r) => r.icon), ['vm', 'vm-running', 'vm-running']);
  assert.ok(rows.every((r) => !r.warn));
  assert.match(rows[2]!.tooltip, /Running trial #9 of experiment e1/);
  assert.equal(rows[2]!.id, 'worker:b:7:gpu-2');
});

test('workerRows: a heartbeat under a second old reads "just now"', () => {
  const [row] = workerRows([worker({ host: 'h', lastSeen: '2026-11-28T09:59:59.600Z' })], now);
  assert.equal(row!.description, 'h · idle · 0 done · heartbeat just now');
  assert.match(row!.tooltip, /last heartbeat 2026-11-28T09:59:59\.600Z \(just now\)/);
});

test('workerRows: a heartbeat older than 10 s, an unreadable one, or another protocol warns', () => {
  const [fresh, stale, unreadable, other] = workerRows(
    [
      worker({ name: 'a', lastSeen: '2026-11-28T09:59:50.000Z' }),
      worker({ name: 'b', lastSeen: '2026-11-28T09:59:49.000Z' }),
      worker({ name: 'c', lastSeen: 'yesterday-ish' }),
      worker({ name: 'd', protocol: 2 }),
    ],
    now,
  );
  assert.equal(fresh!.warn, false);
  assert.equal(stale!.warn, true);
  assert.equal(stale!.icon, 'warning');
  assert.match(stale!.description, /heartbeat 11 s ago/);
  assert.match(stale!.tooltip, /No heartbeat for over 10 s/);
  assert.equal(unreadable!.warn, true);
  assert.match(unreadable!.description, /no readable heartbeat/);
  assert.equal(other!.warn, true);
  assert.match(other!.tooltip, /protocol 2; this editor speaks 1/);
});

test('messageRow: unreachable names the URL and the cause; empty says how to start a worker', () => {
  const down = messageRow('unreachable', 'connect ECONNREFUSED 127.0.0.1:6390', 'redis://127.0.0.1:6390');
  assert.equal(down.label, 'Redis unreachable');
  assert.equal(down.icon, 'error');
  assert.match(down.tooltip, /ECONNREFUSED/);
  const empty = messageRow('empty', '', 'redis://h:1');
  assert.match(empty.tooltip, /mllab worker --redis redis:\/\/h:1/);
});
