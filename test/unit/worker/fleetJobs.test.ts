// The worker's workers/list handler over a real vscode-jsonrpc connection pair (in-memory streams) with a
// stand-in lister, and the sweep request's flat backend fields mapped onto the runner's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { registerFleetJobs } from '../../../src/worker/fleetJobs.js';
import type { ListWorkersFn } from '../../../src/worker/fleetJobs.js';
import { runnerConfig } from '../../../src/worker/sweepJobs.js';
import { USER_ERROR, WorkersListRequest } from '../../../src/protocol/worker.js';
import type { WorkerInfo } from '../../../src/protocol/distributed.js';

function pair(list: ListWorkersFn, timeoutMs?: number) {
  const up = new PassThrough();
  const down = new PassThrough();
  const worker = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const host = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  let loads = 0;
  registerFleetJobs(worker, () => (loads++, Promise.resolve(list)), timeoutMs);
  worker.listen();
  host.listen();
  return { host, loads: () => loads, close: () => (host.dispose(), worker.dispose()) };
}

const info: WorkerInfo = { name: 'w1', host: 'box', pid: 9, version: '0.1.0', protocol: 1, concurrency: 2, running: [{ experimentId: 'e', index: 2 }], trialsDone: 5, startedAt: '2026-11-28T10:00:00.000Z', lastSeen: '2026-11-28T10:01:00.000Z' };

test('workers/list: the lister gets url and password (null becomes none) and its workers come back', async () => {
  const calls: [string, string | undefined][] = [];
  const { host, close } = pair((url, password) => (calls.push([url, password]), Promise.resolve([info])));
  try {
    assert.deepEqual(await host.sendRequest(WorkersListRequest, { url: 'redis://h:1', password: 'pw' }), { workers: [info] });
    assert.deepEqual(await host.sendRequest(WorkersListRequest, { url: 'redis://h:1', password: null }), { workers: [info] });
    assert.deepEqual(calls, [['redis://h:1', 'pw'], ['redis://h:1', undefined]]);
  } finally {
    close();
  }
});

test('workers/list: a connection error and a server that never answers come back as errors with the cause', async () => {
  const { host, close } = pair(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')));
  const hung = pair(() => new Promise<WorkerInfo[]>(() => undefined), 50);
  try {
    await assert.rejects(host.sendRequest(WorkersListRequest, { url: 'redis://127.0.0.1:1', password: null }), (e: unknown) => e instanceof ResponseError && /ECONNREFUSED/.test(e.message));
    await assert.rejects(hung.host.sendRequest(WorkersListRequest, { url: 'redis://10.255.255.1:6379', password: null }), (e: unknown) => e instanceof ResponseError && e.code === USER_ERROR && /did not answer within 0.05 s/.test(e.message));
  } finally {
    close();
    hung.close();
  }
});

test('runnerConfig: redis fields become backend + redis; local drops them; the password never stays flat', () => {
  const base = { dataset: '/d.csv', target: 'y', workspace: '/w' };
  assert.deepEqual(runnerConfig({ ...base, backend: 'redis', redisUrl: 'redis://h:1', redisPassword: 'pw' }), { ...base, backend: 'redis', redis: { url: 'redis://h:1', password: 'pw' } });
  assert.deepEqual(runnerConfig({ ...base, backend: 'redis', redisUrl: 'redis://h:1' }), { ...base, backend: 'redis', redis: { url: 'redis://h:1' } });
  assert.deepEqual(runnerConfig({ ...base, backend: 'redis', redisUrl: 'redis://h:1', redisOfferHost: '10.0.0.5' }), { ...base, backend: 'redis', redis: { url: 'redis://h:1', offerHost: '10.0.0.5' } });
  assert.deepEqual(runnerConfig({ ...base, backend: 'local', redisUrl: 'redis://h:1', redisPassword: 'pw' }), base);
  assert.deepEqual(runnerConfig(base), base);
});
