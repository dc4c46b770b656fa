// The worker over IPC, driven by the same WorkerClient the extension uses, against the built dist/worker.js:
// results, notifications, cancellation, a worker killed with SIGKILL, the cache, and no orphans on dispose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '../../src/core/errors.js';
import { WorkerClient, WorkerStoppedError } from '../../src/extension/workerClient.js';
import type { WorkerLog } from '../../src/extension/workerClient.js';
import type { ProfileProgress } from '../../src/protocol/profile.js';
import { builtFile, fixtures } from './builtFiles.js';

const OPTIONS = { missingTokens: ['NA'], threads: 0 };

let workerPath: string;
let dir: string;
/** Big enough that a full pass takes a second or two, so there is time to cancel or kill mid-way. */
let big: string;
let small: string;
const logged: string[] = [];
const log: WorkerLog = { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };

before(async () => {
  workerPath = builtFile('worker.js');
  dir = mkdtempSync(join(tmpdir(), 'mllab-worker-'));
  small = join(dir, 'small.csv');
  copyFileSync(join(fixtures, 'small.csv'), small);
  big = join(dir, 'big.csv');
  const stream = createWriteStream(big);
  stream.write('id,amount,grade,note\n');
  for (let block = 0; block < 60; block++) {
    let chunk = '';
    for (let i = block * 25_000; i < (block + 1) * 25_000; i++) chunk += `${i},${(i * 0.37).toFixed(2)},g${i % 7},note ${i % 1000}\n`;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'close');
});

after(() => rmSync(dir, { recursive: true, force: true }));

function client(extra: Partial<ConstructorParameters<typeof WorkerClient>[0]> = {}): WorkerClient {
  return new WorkerClient({ workerPath, log, idleMs: 0, ...extra });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Child processes of this test process, from the kernel's view (not from what the client believes). */
function children(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, comm]) => Number(pid) > 0 && comm !== 'ps')
    .map(([pid]) => Number(pid));
}

test('profile: the result arrives, with a preview and progress notifications tagged to the request', async () => {
  const c = client();
  try {
    const previews: boolean[] = [];
    const progress: ProfileProgress[] = [];
    const result = await c.profile(
      { path: big, options: OPTIONS, cacheDir: null, useCache: false },
      { onPreview: (p) => previews.push(p.preview), onProgress: (p) => progress.push(p) },
    );
    assert.equal(result.profile.rows, 1_500_000);
    assert.equal(result.profile.preview, false);
    assert.equal(result.cache, 'disabled');
    assert.deepEqual(previews, [true], 'one preview, marked as such');
    assert.ok(progress.length >= 1, 'progress notifications arrived');
    for (const p of progress) assert.ok(p.bytesDone <= p.bytesTotal);

    // Two requests at once: each gets its own result.
    const [a, b] = await Promise.all([
      c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false }),
      c.profile({ path: join(fixtures, 'semicolon.csv'), options: OPTIONS, cacheDir: null, useCache: false }),
    ]);
    assert.deepEqual([a.profile.rows, b.profile.rows], [5, 3]);
  } finally {
    await c.dispose();
  }
});

test('bad input comes back as a UserError with its code, and the worker carries on', async () => {
  const c = client();
  try {
    await assert.rejects(
      c.profile({ path: join(dir, 'missing.csv'), options: OPTIONS, cacheDir: null, useCache: false }),
      (e: unknown) => isUserError(e) && e.code === 'NOT_FOUND',
    );
    const pid = c.pid;
    assert.equal((await c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false })).profile.rows, 5);
    assert.equal(c.pid, pid, 'same worker');
  } finally {
    await c.dispose();
  }
});

test('cancel: rejects with CANCELLED within about a second, and the same worker stays usable', async () => {
  const c = client();
  try {
    const abort = new AbortController();
    let abortedAt = 0;
    const run = c.profile(
      { path: big, options: OPTIONS, cacheDir: null, useCache: false },
      {
        signal: abort.signal,
        onProgress: () => {
          if (abortedAt) return;
          abortedAt = Date.now();
          abort.abort();
        },
      },
    );
    const pid = c.pid;
    await assert.rejects(run, (e: unknown) => isUserError(e) && e.code === 'CANCELLED');
    const took = Date.now() - abortedAt;
    assert.ok(abortedAt > 0, 'cancelled mid-pass');
    assert.ok(took < 1500, `rejected ${took} ms after the cancel`);
    assert.equal((await c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false })).profile.rows, 5);
    assert.equal(c.pid, pid, 'the worker honoured the cancel itself: not replaced');
  } finally {
    await c.dispose();
  }
});

test('an already-aborted signal rejects without starting anything', async () => {
  const c = client();
  try {
    await assert.rejects(c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false }, { signal: AbortSignal.abort() }), (e: unknown) => isUserError(e) && e.code === 'CANCELLED');
    assert.equal(c.pid, undefined);
  } finally {
    await c.dispose();
  }
});

test('kill -9 of the worker: a clear error naming the file, and the next request starts a fresh worker', async () => {
  const c = client();
  try {
    let killed = 0;
    const run = c.profile(
      { path: big, options: OPTIONS, cacheDir: null, useCache: false },
      {
        onProgress: () => {
          if (killed || c.pid === undefined) return;
          killed = c.pid;
          process.kill(c.pid, 'SIGKILL');
        },
      },
    );
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof WorkerStoppedError);
      assert.equal(e.message, 'The ML Lab worker stopped unexpectedly (signal SIGKILL) while profiling big.csv. It will restart on the next request.');
      return true;
    });
    assert.ok(killed > 0);
    assert.equal((await c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false })).profile.rows, 5);
    assert.notEqual(c.pid, killed, 'a new worker');
  } finally {
    await c.dispose();
  }
});

test('the cache: written after the response, then found by lookup and served on the next request', async () => {
  const workspace = join(dir, 'ws');
  execFileSync('mkdir', ['-p', join(workspace, 'data')]);
  const csv = join(workspace, 'data', 'small.csv');
  copyFileSync(small, csv);
  const cacheDir = join(workspace, '.mllab');
  const index = join(cacheDir, 'profiles', 'index.json');
  const c = client();
  try {
    assert.equal(await c.lookupCache({ path: csv, options: OPTIONS, cacheDir }), null);
    const first = await c.profile({ path: csv, options: OPTIONS, cacheDir, useCache: true });
    assert.equal(first.cache, 'storing');
    await waitFor(() => existsSync(index));
    const hit = await c.lookupCache({ path: csv, options: OPTIONS, cacheDir });
    assert.equal(hit?.rows, 5);
    const second = await c.profile({ path: csv, options: OPTIONS, cacheDir, useCache: true });
    assert.equal(second.cache, 'hit');
    const bypass = await c.profile({ path: csv, options: OPTIONS, cacheDir, useCache: false });
    assert.equal(bypass.cache, 'storing', 're-profile bypasses the read and refreshes the entry');
  } finally {
    await c.dispose();
  }
});

test('dispose waits for a cache write in flight, so the entry of a large file still lands', async () => {
  const workspace = join(dir, 'ws-big');
  execFileSync('mkdir', ['-p', workspace]);
  const csv = join(workspace, 'big.csv');
  copyFileSync(big, csv);
  const cacheDir = join(workspace, '.mllab');
  const c = client();
  const result = await c.profile({ path: csv, options: OPTIONS, cacheDir, useCache: false });
  assert.equal(result.cache, 'storing');
  await c.dispose();
  assert.ok(existsSync(join(cacheDir, 'profiles', 'index.json')), 'stored before the worker exited');
});

test('an unwritable cache: the profile still arrives, with a notice', async () => {
  const workspace = join(dir, 'ro');
  execFileSync('mkdir', ['-p', workspace]);
  const csv = join(workspace, 'small.csv');
  copyFileSync(small, csv);
  // .mllab is a regular file, so nothing can be created under it (chmod would not stop root).
  writeFileSync(join(workspace, '.mllab'), '');
  const c = client();
  try {
    const result = await c.profile({ path: csv, options: OPTIONS, cacheDir: join(workspace, '.mllab'), useCache: true });
    assert.equal(result.profile.rows, 5);
    assert.equal(result.cache, 'unwritable');
    assert.match(result.cacheNotice ?? '', /^The report was not cached: .* is not writable/);
  } finally {
    await c.dispose();
  }
});

test('dispose stops the worker: no child process is left, and later requests are refused', async () => {
  const before = new Set(children());
  const c = client();
  await c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false });
  const pid = c.pid;
  assert.ok(pid !== undefined && alive(pid));
  assert.ok(children().includes(pid));
  // deactivate() and the subscriptions both dispose: the second call must wait for the exit too.
  void c.dispose();
  await c.dispose();
  assert.equal(alive(pid), false);
  assert.deepEqual(children().filter((p) => !before.has(p)), []);
  await assert.rejects(c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false }), /shutting down/);
});

test('an idle worker is stopped and a new one starts on demand', async () => {
  const c = client({ idleMs: 50 });
  try {
    await c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false });
    const pid = c.pid;
    assert.ok(pid);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(c.pid, undefined);
    assert.equal(alive(pid), false);
    assert.equal((await c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false })).profile.rows, 5);
  } finally {
    await c.dispose();
  }
});

test('a host that dies without disposing (kill -9) takes its worker with it', async () => {
  const host = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'hostProcess.ts'), workerPath, small], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(host.stdout, 'data')) as [Buffer];
    const workerPid = Number(line.toString().trim());
    assert.ok(workerPid > 0 && alive(workerPid), 'the worker runs');
    host.kill('SIGKILL');
    await once(host, 'exit');
    // The worker notices its IPC channel closing and exits; poll rather than sleep a fixed time.
    const deadline = Date.now() + 5000;
    while (alive(workerPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(workerPid), false, 'no orphaned worker');
  } finally {
    host.kill('SIGKILL');
  }
});

test('a worker that runs out of memory: the message says so, and the next request gets a new worker', async () => {
  const c = new WorkerClient({ workerPath: join(fixtures, 'outOfMemoryWorker.cjs'), log, idleMs: 0, maxOldSpaceMb: 16 });
  try {
    await assert.rejects(c.profile({ path: small, options: OPTIONS, cacheDir: null, useCache: false }), (e: unknown) => {
      assert.ok(e instanceof WorkerStoppedError);
      assert.match(e.message, /^The ML Lab worker ran out of memory \((signal SIGABRT|signal SIGTRAP|exit code \d+)\) while profiling small\.csv\. It will restart on the next request\.$/);
      return true;
    });
    assert.equal(c.pid, undefined, 'the dead worker is forgotten');
  } finally {
    await c.dispose();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a worker that cannot hear a cancel is replaced after the grace period; requests sharing it are told why', async () => {
  const c = new WorkerClient({ workerPath: join(fixtures, 'stuckWorker.cjs'), log, idleMs: 0, cancelGraceMs: 300 });
  try {
    const other = c.profile({ path: join(dir, 'other.csv'), options: OPTIONS, cacheDir: null, useCache: false });
    const abort = new AbortController();
    const stuck = c.profile({ path: join(dir, 'stuck.csv'), options: OPTIONS, cacheDir: null, useCache: false }, { signal: abort.signal });
    const pid = c.pid;
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(stuck, (e: unknown) => isUserError(e) && e.code === 'CANCELLED');
    await assert.rejects(other, (e: unknown) => e instanceof WorkerStoppedError && /restarted \(it did not respond to a cancel\) while profiling other\.csv/.test(e.message));
    assert.ok(pid !== undefined);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(pid), false, 'the stuck worker is gone');
  } finally {
    await c.dispose();
  }
});
