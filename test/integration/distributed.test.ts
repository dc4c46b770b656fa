// Distributed sweeps with a real Redis (test/support/redisServer.ts) and real `mllab worker` processes
// (dist/cli.js): the fleet runs every trial exactly once through a worker killed mid-trial (its job is
// re-queued by BullMQ's stalled-job detection) and a Redis restart (an empty database: the coordinator
// re-queues what Redis lost); the best model predicts; a job of another protocol is refused by name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { listWorkers } from '../../src/core/distributed/fleet.js';
import { DISTRIBUTED_PROTOCOL_VERSION, REDIS_PREFIX, TRIAL_QUEUE } from '../../src/protocol/distributed.js';
import type { WorkerInfo } from '../../src/protocol/distributed.js';
import { redisServerAvailable, startRedis } from '../support/redisServer.js';
import type { RedisServer } from '../support/redisServer.js';
import { builtFile } from './builtFiles.js';

const skip = redisServerAvailable() ? false : 'redis-server is not installed';

let redis: RedisServer;
let ws: string;
let data: string;
const children = new Set<ChildProcess>();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A seeded synthetic binary table; large enough that a random-forest trial takes a moment (killable mid-trial). */
function writeTable(file: string, rows: number): void {
  let s = 1;
  const rand = (): number => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const lines = ['a,b,c,d,e,y'];
  for (let r = 0; r < rows; r++) {
    const x = [rand(), rand(), rand(), rand(), rand()].map((v) => v * 2 - 1);
    const y = x[0]! + x[1]! * x[2]! + (rand() - 0.5) * 0.6 > 0 ? 'yes' : 'no';
    lines.push([...x.map((v) => v.toFixed(4)), y].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

function startWorker(name: string, url = redis.url, env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; log: () => string } {
  let out = '';
  const proc = spawn(process.execPath, [builtFile('cli.js'), 'worker', '--redis', url, '--name', name, '--cache', join(ws, 'cache')], {
    env: { ...process.env, MLLAB_WORKER_LOCK_MS: '1500', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return { proc, log: () => out };
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; stderr: () => string; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  let stdout = '';
  let stderr = '';
  const proc = spawn(process.execPath, [builtFile('cli.js'), ...args], { cwd: ws, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    proc.once('exit', (code) => {
      children.delete(proc);
      resolve({ code, stdout, stderr });
    }),
  );
  return { proc, stderr: () => stderr, done };
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== null) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function journal(experimentId: string): { index: number; worker?: string; status: string }[] {
  const text = readFileSync(join(ws, '.mllab', 'experiments', experimentId, 'trials.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { index: number; worker?: string; status: string });
}

before(async () => {
  if (skip) return;
  redis = await startRedis();
  ws = mkdtempSync(join(tmpdir(), 'mllab-distributed-'));
  data = join(ws, 'train.csv');
  writeTable(data, 1500);
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (redis) await redis.stop();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

test('three workers: one killed mid-trial, Redis restarted; every trial recorded once, the model predicts', { skip, timeout: 240_000 }, async () => {
  const workers = ['w1', 'w2', 'w3'].map((name) => ({ name, ...startWorker(name) }));
  await until('three heartbeats', async () => ((await listWorkers(redis.url)).length === 3 ? true : null));
  const fleet = await listWorkers(redis.url);
  assert.deepEqual(
    fleet.map((w) => [w.name, w.protocol, w.concurrency]),
    [
      ['w1', DISTRIBUTED_PROTOCOL_VERSION, 1],
      ['w2', DISTRIBUTED_PROTOCOL_VERSION, 1],
      ['w3', DISTRIBUTED_PROTOCOL_VERSION, 1],
    ],
  );

  const trials = 8;
  const sweep = runCli(['sweep', data, '--target', 'y', '--trials', String(trials), '--parallel', '3', '--folds', '3', '--models', 'randomForest', '--no-ensemble', '--seed', '3', '--backend', 'redis', '--redis', redis.url]);

  // A worker busy with a trial is killed outright: no goodbye, its job's lock simply expires.
  const victim = await until('a worker running a trial', async () => {
    const busy = (await listWorkers(redis.url)).find((w: WorkerInfo) => w.running.length > 0);
    return busy ?? null;
  });
  const killedTrial = victim.running[0]!.index;
  workers.find((w) => w.name === victim.name)!.proc.kill('SIGKILL');

  // The killed trial is finished elsewhere; then Redis restarts (empty: nothing is persisted).
  const experimentId = await until('the experiment id', () => /experiment (\S+)/.exec(sweep.stderr())?.[1] ?? null);
  await until(
    'the killed trial recorded',
    () => {
      try {
        return journal(experimentId).some((t) => t.index === killedTrial) ? true : null;
      } catch {
        return null;
      }
    },
    90_000,
  );
  const beforeRestart = journal(experimentId).length;
  await redis.restart();

  const result = await sweep.done;
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout.trim().split('\n').pop()!) as { experimentId: string; model: string; trials: number };
  assert.equal(summary.experimentId, experimentId);
  assert.equal(summary.trials, trials);

  const recorded = journal(experimentId);
  assert.deepEqual(
    recorded.map((t) => t.index).sort((a, b) => a - b),
    Array.from({ length: trials }, (_, i) => i),
    'each trial exactly once',
  );
  assert.ok(recorded.every((t) => t.status === 'done'), JSON.stringify(recorded.map((t) => [t.index, t.status])));
  const killed = recorded.find((t) => t.index === killedTrial)!;
  assert.ok(killed.worker && killed.worker !== victim.name, `trial ${killedTrial} was finished by ${killed.worker ?? 'nobody'}, not the killed ${victim.name}`);
  assert.ok(recorded.every((t) => t.worker && ['w1', 'w2', 'w3'].includes(t.worker)));
  assert.ok(beforeRestart < trials, 'Redis restarted while trials remained');

  const predicted = await runCli(['predict', summary.model, data, '--out', join(ws, 'pred.csv')]).done;
  assert.equal(predicted.code, 0, predicted.stderr);
  const predictions = readFileSync(join(ws, 'pred.csv'), 'utf8').trim().split('\n');
  assert.equal(predictions.length, 1501);

  for (const w of workers) w.proc.kill('SIGINT');
});

test('a worker refuses a job of another protocol, naming itself and both versions', { skip, timeout: 60_000 }, async () => {
  const worker = startWorker('old-worker');
  await until('its heartbeat', async () => ((await listWorkers(redis.url)).some((w) => w.name === 'old-worker') ? true : null));
  const connection = { url: redis.url, maxRetriesPerRequest: null };
  const queue = new Queue(TRIAL_QUEUE, { connection, prefix: REDIS_PREFIX });
  const events = new QueueEvents(TRIAL_QUEUE, { connection, prefix: REDIS_PREFIX });
  try {
    await events.waitUntilReady();
    const job = await queue.add('run', { protocol: DISTRIBUTED_PROTOCOL_VERSION + 1, version: '99.0.0', experimentId: 'x', index: 0 }, { jobId: 'future-0' });
    await assert.rejects(job.waitUntilFinished(events, 30_000), (e: Error) => {
      assert.match(e.message, /worker old-worker runs ML Lab .* \(distributed protocol 1\) but the sweep's coordinator runs ML Lab 99\.0\.0 \(protocol 2\)/);
      return true;
    });
  } finally {
    await queue.close();
    await events.close();
    worker.proc.kill('SIGINT');
  }
});

test('a password-protected Redis; the coordinator killed mid-sweep, --resume collects the trials in flight', { skip, timeout: 240_000 }, async () => {
  const secured = await startRedis({ password: 's3cret pass' });
  // The password from the environment, the URL without it (as the docs tell users to do).
  const url = `redis://127.0.0.1:${secured.port}`;
  const env = { MLLAB_REDIS_PASSWORD: 's3cret pass' };
  const workers = [startWorker('p1', url, env), startWorker('p2', url, env)];
  try {
    await until('two heartbeats', async () => ((await listWorkers(url, 's3cret pass')).length === 2 ? true : null));
    await assert.rejects(listWorkers(url, 'wrong', { timeoutMs: 3000 }), /WRONGPASS|invalid|did not answer/);
    const trials = 6;
    const args = ['--trials', String(trials), '--parallel', '2', '--folds', '3', '--models', 'randomForest', '--no-ensemble', '--seed', '5', '--backend', 'redis', '--redis', url];
    const first = runCli(['sweep', data, '--target', 'y', ...args], env);
    const experimentId = await until('the experiment id', () => /experiment (\S+)/.exec(first.stderr())?.[1] ?? null);
    await until('two trials journaled', () => {
      try {
        return journal(experimentId).length >= 2 ? true : null;
      } catch {
        return null;
      }
    }, 90_000);
    first.proc.kill('SIGKILL');
    await first.done;
    const resumed = await runCli(['sweep', '--resume', experimentId, ...args], env).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const recorded = journal(experimentId);
    assert.deepEqual(
      recorded.map((t) => t.index).sort((a, b) => a - b),
      Array.from({ length: trials }, (_, i) => i),
      'each trial exactly once',
    );
    assert.ok(recorded.every((t) => t.status === 'done' && (t.worker === 'p1' || t.worker === 'p2')));
  } finally {
    for (const w of workers) w.proc.kill('SIGKILL');
    await secured.stop();
  }
});
