// A REAL full disk, not a faked error: a small tmpfs is mounted and filled up to a chosen number of free
// bytes, and the built CLI (dist/cli.js) runs `sweep` with its workspace there, `profile --out` and
// `clean --out` into it. Each must end with exit code 1 and one line "mllab: The disk is full writing
// <file>. …" (no stack trace), leave every JSON file in .mllab whole (the journal may end in one torn line:
// readers skip it, a resume cuts it), leave no temp or partial output file, and, for a sweep stopped
// mid-way, resume once space is freed to every trial exactly once.
//
// Mounting needs root (CAP_SYS_ADMIN); elsewhere the tests skip and say why. .ci/run runs as root.
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ExperimentStore } from '../../src/core/store/experiments.js';
import { SweepQueue } from '../../src/extension/sweepQueue.js';
import type { SweepFinished } from '../../src/extension/sweepQueue.js';
import { WorkerClient } from '../../src/extension/workerClient.js';
import { builtFile, repoRoot } from './builtFiles.js';

const TRIALS = 5;
const SIZE = '4m';

let root: string;
let mount: string;
let dataset: string;
let mounted = false;
let skipReason: string | null = null;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-disk-full-'));
  mount = join(root, 'full');
  mkdirSync(mount);
  // The CLI runs from a copy of dist/: a rebuild meanwhile (npm run build empties dist/) cannot pull it away.
  // (Source maps are left out: most of its size, and nothing here reads them.)
  cpSync(dirname(builtFile('cli.js')), join(root, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  dataset = join(root, 'penguins.csv');
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'ml', 'preprocess', 'penguins.csv'), dataset);
  if (process.platform !== 'linux') skipReason = `a tmpfs mount needs Linux (this is ${process.platform})`;
  else if (process.getuid?.() !== 0) skipReason = 'mounting a tmpfs needs root (run as root, as .ci/run does)';
  else {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', mount], { encoding: 'utf8' });
    if (r.status === 0) mounted = true;
    else skipReason = `mount -t tmpfs failed (a container without CAP_SYS_ADMIN?): ${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0]}`;
  }
  if (skipReason) process.stderr.write(`diskFull.test: skipping the real-ENOSPC tests: ${skipReason}\n`);
});

after(() => {
  if (mounted) {
    const r = spawnSync('umount', [mount], { encoding: 'utf8' });
    assert.equal(r.status, 0, `umount ${mount}: ${r.stderr}`);
  }
  rmSync(root, { recursive: true, force: true });
});

function skipped(t: TestContext): boolean {
  if (!skipReason) return false;
  t.skip(skipReason);
  return true;
}

/** Empties the tmpfs, then fills it with one file so that exactly `bytes` stay free (page-rounded). */
function leaveFree(bytes: number): void {
  for (const name of readdirSync(mount)) rmSync(join(mount, name), { recursive: true, force: true });
  const fs = statfsSync(mount);
  const fill = fs.bavail * fs.bsize - bytes;
  if (fill > 0) writeFileSync(join(mount, 'filler'), Buffer.alloc(fill, 1));
  const left = statfsSync(mount);
  assert.ok(Math.abs(left.bavail * left.bsize - bytes) < left.bsize, `free space ${left.bavail * left.bsize}, wanted ${bytes}`);
}

function usedBytes(): number {
  const fs = statfsSync(mount);
  return (fs.blocks - fs.bavail) * fs.bsize;
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, MLLAB_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 1 and one DISK_FULL line naming a file, no stack trace; returns the file named. */
function assertDiskFull(r: { status: number | null; stderr: string }, what: string): string {
  assert.equal(r.status, 1, `${what}: exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const last = lines.at(-1) ?? '';
  const m = /^mllab: The disk is full writing (\/\S+)\. Nothing was left half-written; free some space and try again/.exec(last);
  assert.ok(m, `${what}: the last stderr line is the DISK_FULL message naming a file: "${last}"`);
  assert.equal(lines.filter((l) => /disk is full/i.test(l)).length, 1, `${what}: said once`);
  assert.ok(!lines.some((l) => /^\s+at |unexpected error|ENOSPC/.test(l)), `${what}: no stack trace or raw error:\n${r.stderr}`);
  return m[1]!;
}

/** Every file under dir: JSON parses whole, a journal's complete lines parse, nothing temporary is left. */
function assertWhole(dir: string, what: string): void {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const file of walk(dir)) {
    const name = relative(dir, file);
    assert.ok(!/\.(tmp|partial)$/.test(file) && !/\.tmp\b/.test(file), `${what}: temp file left: ${name}`);
    if (file.endsWith('.json') || file.endsWith('/lock')) {
      assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')), `${what}: ${name} is whole JSON`);
    } else if (file.endsWith('.jsonl')) {
      const text = readFileSync(file, 'utf8');
      // Complete lines (those ended by a newline) must parse; what follows the last newline may be torn.
      const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
      for (const line of complete) assert.doesNotThrow(() => JSON.parse(line), `${what}: ${name} holds a torn line before its end: ${line.slice(0, 80)}`);
    }
  }
}

function sweepArgs(workspace: string): string[] {
  return ['sweep', dataset, '--target', 'Species', '--trials', String(TRIALS), '--parallel', '1', '--seed', '0', '--workspace', workspace];
}

test('sweep: a full disk at any point is one DISK_FULL line, whole JSON, no temp file; freed, the sweep resumes to every trial once', async (t) => {
  if (skipped(t)) return;
  // How much a whole sweep writes here (page-rounded, as the tmpfs counts it).
  leaveFree(statfsSync(mount).bavail * statfsSync(mount).bsize);
  const before = usedBytes();
  const ws = join(mount, 'ws');
  mkdirSync(ws);
  const full = cli(sweepArgs(ws));
  assert.equal(full.status, 0, `a sweep with room to spare succeeds: ${full.stderr}`);
  const needed = usedBytes() - before;
  t.diagnostic(`a ${TRIALS}-trial sweep writes ${needed} bytes to .mllab`);

  // From nothing free (the lock cannot be written) to nearly enough (the model or report cannot).
  let resumed = false;
  for (const fraction of [0, 0.05, 0.15, 0.5, 0.9]) {
    const free = Math.floor((needed * fraction) / 4096) * 4096;
    leaveFree(free);
    mkdirSync(ws);
    const what = `sweep with ${free} bytes free`;
    const r = cli(sweepArgs(ws));
    const named = assertDiskFull(r, what);
    assert.ok(named.startsWith(join(ws, '.mllab') + '/'), `${what}: names a file of the workspace's .mllab (${named})`);
    assertWhole(join(ws, '.mllab'), what);
    const store = new ExperimentStore(ws);
    const listed = await store.list();
    t.diagnostic(`${what}: refused writing ${relative(ws, named)}; ${listed.length ? `experiment ${listed[0]!.status} with ${listed[0]!.trials} trials` : 'no experiment left'}`);
    if (listed.length === 0) continue;
    assert.equal(listed.length, 1);
    const [x] = listed;
    // Nobody writes it any more: it reads as stopped (interrupted or failed), never as running.
    assert.notEqual(x!.status, 'running', `${what}: the experiment does not read as running`);
    const trials = await store.readTrials(x!.id);
    assert.equal(new Set(trials.map((tr) => tr.index)).size, trials.length, `${what}: no trial twice`);

    // The message says an interrupted sweep can be resumed: free the space and do it, once, mid-way.
    if (!resumed && trials.length > 0 && trials.length < TRIALS) {
      resumed = true;
      rmSync(join(mount, 'filler'));
      const again = cli(['sweep', '--resume', x!.id, '--workspace', ws]);
      assert.equal(again.status, 0, `${what}: resume after freeing space: ${again.stderr}`);
      const done = await store.read(x!.id);
      assert.equal(done?.status, 'done');
      const all = (await store.readTrials(x!.id)).map((tr) => tr.index).sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: TRIALS }, (_, i) => i), `${what}: after the resume every trial index once`);
      for (const tr of trials) assert.deepEqual((await store.readTrials(x!.id)).find((u) => u.index === tr.index), tr, `trial ${tr.index} kept from before the full disk`);
      assertWhole(join(ws, '.mllab'), `${what}, resumed`);
      t.diagnostic(`${what}: resumed from ${trials.length} trials to ${TRIALS}`);
    }
  }
  assert.ok(resumed, 'one of the fractions stopped the sweep between its first and last trial');
});

test('profile --out: a full disk is one DISK_FULL line naming the report, and no report or temp file is left', (t) => {
  if (skipped(t)) return;
  for (const free of [0, 8192]) {
    leaveFree(free);
    const out = join(mount, 'report.html');
    const r = cli(['profile', dataset, '--out', out]);
    assert.equal(assertDiskFull(r, `profile with ${free} bytes free`), out);
    assert.deepEqual(readdirSync(mount), ['filler'], `only the filler is left (${free} bytes free)`);
  }
});

test('clean --out: a full disk mid-file is one DISK_FULL line naming the output, and no partial CSV is left', (t) => {
  if (skipped(t)) return;
  // Bigger than a page or two, so the write fails part-way through, not at its first byte.
  const big = join(root, 'penguins-x8.csv');
  const [header, ...rows] = readFileSync(dataset, 'utf8').trimEnd().split('\n');
  writeFileSync(big, [header, ...Array.from({ length: 8 }, () => rows).flat()].join('\n') + '\n');
  for (const free of [0, 8192]) {
    leaveFree(free);
    const out = join(mount, 'clean.csv');
    const r = cli(['clean', big, '--auto', '--out', out]);
    assert.equal(assertDiskFull(r, `clean with ${free} bytes free`), out);
    assert.deepEqual(readdirSync(mount), ['filler'], `only the filler is left (${free} bytes free)`);
  }
});

test('in the editor: the worker hits the full disk mid-sweep, and the host gets a failed sweep with the one-line DISK_FULL message', async (t) => {
  if (skipped(t)) return;
  // The real worker and the host's own queue, as the extension wires them; startSweep.ts shows
  // "AutoML sweep on <file> failed: <error>" for this SweepFinished.
  leaveFree(28_672);
  const ws = join(mount, 'ws');
  mkdirSync(ws);
  const logged: string[] = [];
  const worker = new WorkerClient({ workerPath: join(root, 'dist', 'worker.js'), log: { info: () => undefined, warn: (m) => logged.push(m), error: (m) => logged.push(m) }, idleMs: 0 });
  try {
    const queue = new SweepQueue({ worker, hub: { publish: () => undefined }, concurrency: () => 1 });
    const finished = new Promise<SweepFinished>((r) => queue.onDidFinish(r));
    queue.start({ dataset, target: 'Species', workspace: ws, maxTrials: TRIALS, parallel: 1, seed: 0 });
    const f = await finished;
    t.diagnostic(`host got: ${f.status}: ${f.error}`);
    assert.equal(f.status, 'failed');
    const error = f.error ?? '';
    assert.ok(error.startsWith(`The disk is full writing ${join(ws, '.mllab')}/`) && error.includes('. Nothing was left half-written'), `the DISK_FULL message naming a file of .mllab: "${error}"`);
    assert.ok(!error.includes('\n'), 'one line');
    assert.ok(f.experimentId, 'the experiment it stopped is named (the tree offers Resume on it)');
    assert.deepEqual(logged.filter((l) => /unexpected|stack|Error:/.test(l)), [], 'nothing logged as a bug');
    assertWhole(join(ws, '.mllab'), 'the worker on a full disk');
  } finally {
    await worker.dispose();
  }
});
