// The same sweep through the built CLI (dist/cli.js): with the local backend (trial threads) and with the
// Redis backend over 1, 2 and 4 `mllab worker` processes. Random search, so every run proposes the same
// configurations whatever its parallelism (TPE's proposals depend on how many trials are in flight).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { redisCommands } from '../../test/support/redisServer.js';
import type { RedisServer } from '../../test/support/redisServer.js';

export interface SweepBenchOptions {
  trials: number;
  /** Trials of the trivial sweep (naiveBayes, 2 folds: ~1 ms of work each) that gives the per-trial overhead. */
  trivialTrials: number;
  trivialPairs: number;
  models: string;
  folds: number;
  workerCounts: number[];
  localParallel: number[];
}

export interface SweepRun {
  sweep: 'penguins' | 'trivial';
  backend: 'local' | 'redis';
  workers: number | null;
  parallel: number;
  trials: number;
  searchSeconds: number;
  wallSeconds: number;
  trialsPerMinute: number;
  /** ms per trial between the 20th and the last recorded trial: without start-up (threads, the worker's first dataset load). */
  steadyMsPerTrial: number | null;
  bestScore: number | null;
  trialsByWorker: Record<string, number> | null;
  distinctIndexes: number;
}

const repo = resolve(__dirname, '..', '..');
// A snapshot of the build (runSweeps copies dist/ away first): other people rebuilding dist/ mid-run must not
// swap the CLI under a running benchmark. Externals still resolve from the repository through NODE_PATH.
let cli = join(repo, 'dist', 'cli.js');
const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(repo, 'node_modules') };

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writePenguins(dir: string): Promise<string> {
  const rows = JSON.parse(await readFile(join(repo, 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
  const columns = Object.keys(rows[0] ?? {});
  const file = join(dir, 'penguins.csv');
  await writeFile(file, [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n') + '\n');
  return file;
}

async function run(args: string[], env: NodeJS.ProcessEnv = childEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Does this build have the distributed backend (mllab worker)? */
export async function cliHasWorker(): Promise<boolean> {
  try {
    const r = await run(['worker', '--help']);
    return r.code === 0 && /--redis/.test(r.stdout + r.stderr);
  } catch {
    return false;
  }
}

async function readExperiment(workspace: string): Promise<{ searchSeconds: number; bestScore: number | null; workers: Record<string, number>; indexes: number; trials: number; steady: number | null }> {
  const root = join(workspace, '.mllab', 'experiments');
  const [id] = await readdir(root);
  if (id === undefined) throw new Error(`no experiment in ${root}`);
  const record = JSON.parse(await readFile(join(root, id, 'experiment.json'), 'utf8')) as { times: { searchSeconds: number }; bestScore: number | null };
  const lines = (await readFile(join(root, id, 'trials.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const workers: Record<string, number> = {};
  const indexes = new Set<number>();
  const finishedAt: number[] = [];
  for (const line of lines) {
    const t = JSON.parse(line) as { index: number; worker?: string; finishedAt: string };
    indexes.add(t.index);
    finishedAt.push(Date.parse(t.finishedAt));
    const w = t.worker ?? 'local';
    workers[w] = (workers[w] ?? 0) + 1;
  }
  finishedAt.sort((a, b) => a - b);
  const n = finishedAt.length;
  const steady = n > 40 ? Math.round(((finishedAt[n - 1]! - finishedAt[19]!) / (n - 20)) * 100) / 100 : null;
  return { searchSeconds: record.times.searchSeconds, bestScore: record.bestScore, workers, indexes: indexes.size, trials: lines.length, steady };
}

async function startWorkers(redis: RedisServer, count: number, cacheDir: string, tag: string): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${tag}-w${i + 1}`;
    const child = spawn(process.execPath, [cli, 'worker', '--redis', redis.url, '--concurrency', '1', '--name', name, '--cache', cacheDir], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-2000)));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`worker ${name} exited ${code}: ${err}\n`);
    });
    children.push(child);
    // Ready once its heartbeat is in Redis.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [reply] = await redisCommands(redis.port, [['EXISTS', `mllab:workers:${name}`]]);
      if (reply === ':1') break;
      if (Date.now() > deadline) throw new Error(`worker ${name} wrote no heartbeat within 30 s: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return children;
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

export async function runSweeps(redis: RedisServer | null, options: SweepBenchOptions, log: (line: string) => void): Promise<SweepRun[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mllab-bench-sweep-'));
  const runs: SweepRun[] = [];
  try {
    await cp(join(repo, 'dist'), join(dir, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes('webview') });
    cli = join(dir, 'dist', 'cli.js');
    const data = await writePenguins(dir);
    const penguins = ['sweep', data, '--target', 'Species', '--trials', String(options.trials), '--search', 'random', '--seed', '0', '--models', options.models, '--folds', String(options.folds), '--no-ensemble', '--budget', '600'];
    const trivial = ['sweep', data, '--target', 'Species', '--trials', String(options.trivialTrials), '--search', 'random', '--seed', '0', '--models', 'naiveBayes', '--folds', '2', '--no-ensemble', '--budget', '600'];
    const record = async (backend: 'local' | 'redis', workers: number | null, parallel: number, args: string[], sweep: SweepRun['sweep'] = 'penguins', tag = ''): Promise<void> => {
      const ws = join(dir, `${sweep}-${backend}-${workers ?? parallel}${tag}`);
      const t0 = performance.now();
      const r = await run([...(sweep === 'penguins' ? penguins : trivial), '--parallel', String(parallel), '--workspace', ws, ...args]);
      const wall = (performance.now() - t0) / 1000;
      if (r.code !== 0) throw new Error(`sweep (${backend}, ${workers ?? parallel}) exited ${r.code}: ${r.stderr.slice(-1500)}`);
      const e = await readExperiment(ws);
      const row: SweepRun = {
        sweep,
        backend,
        workers,
        parallel,
        trials: e.trials,
        searchSeconds: Math.round(e.searchSeconds * 100) / 100,
        wallSeconds: Math.round(wall * 100) / 100,
        trialsPerMinute: Math.round((e.trials / e.searchSeconds) * 60),
        steadyMsPerTrial: e.steady,
        bestScore: e.bestScore,
        trialsByWorker: backend === 'redis' ? e.workers : null,
        distinctIndexes: e.indexes,
      };
      runs.push(row);
      log(`${sweep}: ${backend}${workers === null ? '' : ` ${workers} worker(s)`} parallel ${parallel}: ${row.trials} trials, search ${row.searchSeconds} s → ${row.trialsPerMinute} trials/min, steady ${row.steadyMsPerTrial} ms/trial (wall ${row.wallSeconds} s)${row.trialsByWorker ? ` by worker ${JSON.stringify(row.trialsByWorker)}` : ''}`);
    };
    // Trivial trials one at a time: the difference per trial is what the queue and the worker add. Local and
    // Redis runs alternate, a few pairs, as the shared machine's load swings more than the difference.
    {
      const workers = redis ? await startWorkers(redis, 1, join(dir, 'cache-trivial'), 'triv') : [];
      try {
        for (let pair = 0; pair < options.trivialPairs; pair++) {
          await record('local', null, 1, [], 'trivial', `-${pair}`);
          if (redis) await record('redis', 1, 1, ['--backend', 'redis', '--redis', redis.url], 'trivial', `-${pair}`);
        }
      } finally {
        await stopWorkers(workers);
      }
    }
    for (const p of options.localParallel) await record('local', null, p, []);
    if (redis) {
      for (const n of options.workerCounts) {
        const workers = await startWorkers(redis, n, join(dir, `cache-${n}`), `b${n}`);
        try {
          // As many trials in flight as the fleet runs at once.
          await record('redis', n, n, ['--backend', 'redis', '--redis', redis.url]);
        } finally {
          await stopWorkers(workers);
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return runs;
}

export interface FloodSweepResult {
  trials: number;
  parallel: number;
  workers: number;
  concurrencyPerWorker: number;
  searchSeconds: number;
  wallSeconds: number;
  journalLines: number;
  distinctIndexes: number;
  missingIndexes: number;
  trialsByWorker: Record<string, number>;
  exitCode: number | null;
}

/**
 * The issue's "no loss at 10,000 queued trials" through the real stack: `mllab sweep --backend redis` with
 * --parallel as large as --trials, so every trial is queued at once, trivial trials (naiveBayes, 2 folds),
 * drained by a few workers; the journal must hold every index exactly once.
 */
export async function floodSweep(redis: RedisServer, trials: number, workerCount: number, concurrency: number, log: (line: string) => void): Promise<FloodSweepResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mllab-bench-flood-'));
  try {
    await cp(join(repo, 'dist'), join(dir, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes('webview') });
    cli = join(dir, 'dist', 'cli.js');
    const data = await writePenguins(dir);
    const children: ChildProcess[] = [];
    for (let i = 0; i < workerCount; i++) {
      const name = `flood-w${i + 1}`;
      const child = spawn(process.execPath, [cli, 'worker', '--redis', redis.url, '--concurrency', String(concurrency), '--name', name, '--cache', join(dir, 'cache')], { env: childEnv, stdio: ['ignore', 'ignore', 'ignore'] });
      children.push(child);
      const deadline = Date.now() + 30_000;
      while ((await redisCommands(redis.port, [['EXISTS', `mllab:workers:${name}`]]))[0] !== ':1') {
        if (Date.now() > deadline) throw new Error(`worker ${name} wrote no heartbeat within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const ws = join(dir, 'ws');
    const t0 = performance.now();
    let r: { code: number | null; stdout: string; stderr: string };
    try {
      r = await run(['sweep', data, '--target', 'Species', '--trials', String(trials), '--parallel', String(trials), '--search', 'random', '--seed', '0', '--models', 'naiveBayes', '--folds', '2', '--no-ensemble', '--budget', '900', '--trial-timeout', '600', '--workspace', ws, '--backend', 'redis', '--redis', redis.url]);
    } finally {
      await stopWorkers(children);
    }
    const wall = (performance.now() - t0) / 1000;
    if (r.code !== 0) throw new Error(`flood sweep exited ${r.code}: ${r.stderr.slice(-1500)}`);
    const e = await readExperiment(ws);
    let missing = 0;
    const root = join(ws, '.mllab', 'experiments');
    const [id] = await readdir(root);
    const seen = new Set((await readFile(join(root, id ?? '', 'trials.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { index: number }).index));
    for (let i = 0; i < trials; i++) if (!seen.has(i)) missing++;
    const result: FloodSweepResult = {
      trials,
      parallel: trials,
      workers: workerCount,
      concurrencyPerWorker: concurrency,
      searchSeconds: Math.round(e.searchSeconds * 100) / 100,
      wallSeconds: Math.round(wall * 100) / 100,
      journalLines: e.trials,
      distinctIndexes: e.indexes,
      missingIndexes: missing,
      trialsByWorker: e.workers,
      exitCode: r.code,
    };
    log(`flood sweep: ${trials} trials queued at once, ${workerCount}×${concurrency} workers: ${e.trials} journal lines, ${e.indexes} distinct, ${missing} missing, search ${result.searchSeconds} s (wall ${result.wallSeconds} s) ${JSON.stringify(e.workers)}`);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
