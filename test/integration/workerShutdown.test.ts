// The host shutting down around the worker. When VS Code's extension host terminates (code-server going
// down, found by e2e flow 15) it closes the output channel before calling deactivate(), so every log write
// throws. The worker must still be stopped, dispose() must still resolve, and a request that was running
// must still settle: a log line that cannot be written is dropped, never allowed to break the exit handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerClient, WorkerStoppedError } from '../../src/extension/workerClient.js';
import type { WorkerLog } from '../../src/extension/workerClient.js';
import { builtFile, fixtures } from './builtFiles.js';

const OPTIONS = { missingTokens: ['NA'], threads: 0 };

/** A log like VS Code's output channel during shutdown: once closed, every write throws. */
function closableLog(): { log: WorkerLog; close(): void; thrown: () => number } {
  let closed = false;
  let thrown = 0;
  const write = (): void => {
    if (closed) {
      thrown++;
      throw new Error('Channel has been closed');
    }
  };
  return { log: { info: write, warn: write, error: write }, close: () => (closed = true), thrown: () => thrown };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Rejects if `promise` has not settled within `ms`, so a hang fails the test instead of stalling it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} did not settle within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

test('dispose() resolves and the worker exits while every log write throws (the channel closed first)', async () => {
  const { log, close, thrown } = closableLog();
  const client = new WorkerClient({ workerPath: builtFile('worker.js'), log, idleMs: 0 });
  const profiled = await client.profile({ path: join(fixtures, 'small.csv'), options: OPTIONS, cacheDir: null, useCache: false }, {});
  assert.equal(profiled.profile.preview, false);
  const pid = client.pid;
  assert.ok(pid !== undefined && alive(pid), 'a worker runs');
  close();
  await within(client.dispose(), 5000, 'dispose()');
  assert.equal(alive(pid), false, 'the worker is gone');
  assert.ok(thrown() >= 1, 'the exit handler did try to log (and was not stopped by the throw)');
});

test('a worker killed under a running request while the log throws: the request still fails with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mllab-worker-shutdown-'));
  const { log, close } = closableLog();
  const client = new WorkerClient({ workerPath: builtFile('worker.js'), log, idleMs: 0 });
  try {
    const small = join(dir, 'small.csv');
    copyFileSync(join(fixtures, 'small.csv'), small);
    // A request in flight: killed before it could answer (the worker needs far longer than this to start).
    const running = client.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false }, {});
    const pid = client.pid;
    assert.ok(pid !== undefined);
    close();
    process.kill(pid, 'SIGKILL');
    await assert.rejects(within(running, 5000, 'the request'), (e: unknown) => e instanceof WorkerStoppedError && /stopped unexpectedly \(signal SIGKILL\)/.test(e.message));
  } finally {
    await within(client.dispose(), 5000, 'dispose()');
    rmSync(dir, { recursive: true, force: true });
  }
});
