// The queue's own cost, BullMQ used directly (no ML Lab trial code): trivial jobs through a private
// redis-server and forked worker processes (rawWorker.ts). Three measurements:
//  - latency: one job in flight at a time, enqueue → completed event → journal line appended;
//  - windowed: W jobs kept in flight (as the sweep keeps --parallel trials running), the wall time and the
//    coordinator's own CPU per trial;
//  - flood: 10,000 jobs queued at once (addBulk), Redis memory per queued job, then drained by the workers;
//    every job must come back exactly once (completed events, the workers' own tallies, the queue's counts).
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisServer } from '../../test/support/redisServer.js';

export interface RawOptions {
  oofRows: number;
  latencyJobs: number;
  windowJobs: number;
  window: number;
  floodJobs: number;
  floodWorkers: number;
  floodConcurrency: number;
}

interface WorkerReport {
  name: string;
  processed: number;
  duplicates: number;
  ids: string[];
}

interface RunningWorker {
  child: ChildProcess;
  report: Promise<WorkerReport>;
}

const QUEUE = 'bench-trials';
const PREFIX = 'mllab-bench';

function connectionOf(redis: RedisServer): { host: string; port: number; password: string | undefined; maxRetriesPerRequest: null } {
  return { host: '127.0.0.1', port: redis.port, password: redis.password, maxRetriesPerRequest: null };
}

async function startWorker(redis: RedisServer, name: string, concurrency: number, oofRows: number): Promise<RunningWorker> {
  const child = fork(join(__dirname, 'rawWorker.ts'), ['--redis', redis.url, '--queue', QUEUE, '--prefix', PREFIX, '--concurrency', String(concurrency), '--name', name, '--oof-rows', String(oofRows)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let resolveReport!: (r: WorkerReport) => void;
  const report = new Promise<WorkerReport>((resolve) => (resolveReport = resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: unknown) => {
      if (m === 'ready') resolve();
      else if (typeof m === 'object' && m !== null) resolveReport(m as WorkerReport);
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before it was ready`)));
  });
  await ready;
  return { child, report };
}

async function stopWorkers(workers: RunningWorker[]): Promise<WorkerReport[]> {
  for (const w of workers) w.child.send('stop');
  const reports = await Promise.all(workers.map((w) => w.report));
  await Promise.all(workers.map((w) => (w.child.exitCode === null ? once(w.child, 'exit') : Promise.resolve())));
  return reports;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Completed events → a waiting promise per job id; each result becomes a journal line, as the sweep records it. */
class Collector {
  private readonly waiting = new Map<string, (value: unknown) => void>();
  readonly completedIds = new Map<string, number>();
  failed = 0;

  constructor(
    events: QueueEvents,
    private readonly journal: string,
  ) {
    events.on('completed', ({ jobId, returnvalue }) => {
      this.completedIds.set(jobId, (this.completedIds.get(jobId) ?? 0) + 1);
      const resolve = this.waiting.get(jobId);
      if (resolve) {
        this.waiting.delete(jobId);
        resolve(returnvalue);
      }
    });
    events.on('failed', () => {
      this.failed++;
    });
  }

  async result(jobId: string): Promise<void> {
    const value = await new Promise<unknown>((resolve) => this.waiting.set(jobId, resolve));
    await appendFile(this.journal, JSON.stringify({ id: jobId, result: value }) + '\n', 'utf8');
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const m = /used_memory:(\d+)/.exec(info);
  return m ? Number(m[1]) : NaN;
}

export async function runRaw(redis: RedisServer, options: RawOptions, log: (line: string) => void): Promise<Record<string, unknown>> {
  const connection = connectionOf(redis);
  const dir = await mkdtemp(join(tmpdir(), 'mllab-bench-raw-'));
  // Completed jobs are removed (their result travels in the event), failed ones kept for inspection.
  const queue = new Queue(QUEUE, { connection, prefix: PREFIX, defaultJobOptions: { removeOnComplete: true, removeOnFail: false } });
  const events = new QueueEvents(QUEUE, { connection, prefix: PREFIX });
  const admin = new Redis({ host: '127.0.0.1', port: redis.port, password: redis.password });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const out: Record<string, unknown> = {};
  let run = 0;
  const payload = (index: number): Record<string, unknown> => ({
    // A trial job's size: its configuration, where the data is, the folds and the metric.
    protocol: 1,
    experimentId: '2026-11-28T10-00-00-penguins-abc123',
    index,
    seed: 0,
    metric: 'accuracy',
    timeoutMs: 60000,
    config: { model: 'gbdt', params: { learningRate: 0.0712, maxDepth: 5, minSamplesLeaf: 7, nEstimators: 180, subsample: 0.83, colsampleByTree: 0.71, l2: 0.0031 } },
    dataset: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', bytes: 15241, path: '/data/penguins.csv', url: 'http://127.0.0.1:40123/datasets/e3b0c442' },
    folds: { k: 5, stratified: true, seed: 0 },
    rungs: [1, 3, 5],
  });

  try {
    // ---- latency: one at a time, 1 worker ----
    {
      const workers = [await startWorker(redis, 'lat-1', 1, options.oofRows)];
      const collector = new Collector(events, join(dir, 'latency.jsonl'));
      const samples: number[] = [];
      const warm = 20;
      for (let i = 0; i < warm + options.latencyJobs; i++) {
        const id = `lat-${run}-${i}`;
        const t0 = performance.now();
        const done = collector.result(id);
        await queue.add('trial', payload(i), { jobId: id });
        await done;
        if (i >= warm) samples.push(performance.now() - t0);
      }
      await stopWorkers(workers);
      samples.sort((a, b) => a - b);
      out.latency = { jobs: samples.length, workers: 1, p50Ms: round(quantile(samples, 0.5)), p90Ms: round(quantile(samples, 0.9)), p99Ms: round(quantile(samples, 0.99)), maxMs: round(samples[samples.length - 1] ?? NaN) };
      log(`latency (one in flight): p50 ${round(quantile(samples, 0.5))} ms, p90 ${round(quantile(samples, 0.9))} ms, p99 ${round(quantile(samples, 0.99))} ms over ${samples.length} jobs`);
      run++;
    }

    // ---- windowed: W in flight, 2 workers ----
    {
      const perWorker = Math.max(1, Math.ceil(options.window / 2));
      const workers = [await startWorker(redis, 'win-1', perWorker, options.oofRows), await startWorker(redis, 'win-2', perWorker, options.oofRows)];
      const collector = new Collector(events, join(dir, 'window.jsonl'));
      let next = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const lane = async (): Promise<void> => {
        while (next < options.windowJobs) {
          const i = next++;
          const id = `win-${run}-${i}`;
          const done = collector.result(id);
          await queue.add('trial', payload(i), { jobId: id });
          await done;
        }
      };
      await Promise.all(Array.from({ length: options.window }, lane));
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const reports = await stopWorkers(workers);
      const processed = reports.reduce((s, r) => s + r.processed, 0);
      const result = {
        jobs: options.windowJobs,
        window: options.window,
        workers: 2,
        concurrencyPerWorker: perWorker,
        wallMsPerTrial: round(wallMs / options.windowJobs, 3),
        trialsPerSecond: round(options.windowJobs / (wallMs / 1000), 1),
        coordinatorCpuMsPerTrial: round((cpu.user + cpu.system) / 1000 / options.windowJobs, 3),
        processedByWorkers: processed,
        completedEvents: collector.completedIds.size,
      };
      out.windowed = result;
      log(`windowed (${options.window} in flight, 2 workers): ${result.wallMsPerTrial} ms/trial wall, ${result.trialsPerSecond} trials/s, coordinator CPU ${result.coordinatorCpuMsPerTrial} ms/trial`);
      run++;
    }

    // ---- flood: 10,000 queued at once ----
    {
      const n = options.floodJobs;
      const collector = new Collector(events, join(dir, 'flood.jsonl'));
      // Workers start first on a paused queue, so the drain time is the queue's, not the workers' start-up.
      const workers: RunningWorker[] = [];
      for (let w = 0; w < options.floodWorkers; w++) workers.push(await startWorker(redis, `flood-${w + 1}`, options.floodConcurrency, options.oofRows));
      await queue.pause();
      const mem0 = await usedMemory(admin);
      const tAdd = performance.now();
      const chunk = 500;
      for (let start = 0; start < n; start += chunk) {
        const jobs = [];
        for (let i = start; i < Math.min(n, start + chunk); i++) jobs.push({ name: 'trial', data: payload(i), opts: { jobId: `flood-${run}-${i}` } });
        await queue.addBulk(jobs);
      }
      const enqueueMs = performance.now() - tAdd;
      const mem1 = await usedMemory(admin);
      // Where those bytes are: one job's hash, and the events stream (an "added" and a "waiting" event per job).
      const jobHashBytes = Number(await admin.call('MEMORY', 'USAGE', `${PREFIX}:${QUEUE}:flood-${run}-0`, 'SAMPLES', '0'));
      const eventsKey = `${PREFIX}:${QUEUE}:events`;
      const eventsLen = await admin.xlen(eventsKey);
      const eventsBytes = Number(await admin.call('MEMORY', 'USAGE', eventsKey, 'SAMPLES', '0'));
      const queued = async (): Promise<number> => {
        // BullMQ 6 counts the jobs of a paused queue as waiting.
        const c = await queue.getJobCounts('waiting');
        return c.waiting ?? 0;
      };
      const waitingBefore = await queued();
      // Re-adding the same ids is a no-op in BullMQ: a coordinator that re-enqueues after a restart cannot double a trial.
      await queue.addBulk([0, 1, 2].map((i) => ({ name: 'trial', data: payload(i), opts: { jobId: `flood-${run}-${i}` } })));
      const waitingAfterReAdd = await queued();
      const results = Array.from({ length: n }, (_, i) => collector.result(`flood-${run}-${i}`));
      const tDrain = performance.now();
      await queue.resume();
      // A completed event the reader missed would hang here: give up after a generous time and count.
      let timedOut = false;
      await Promise.race([
        Promise.all(results),
        new Promise<void>((resolve) =>
          setTimeout(() => {
            timedOut = true;
            resolve();
          }, 120_000).unref(),
        ),
      ]);
      const drainMs = performance.now() - tDrain;
      // What stays in Redis once every job is done and removed: the events stream (capped near 10,000 events,
      // the completed ones carrying the result).
      const memAfter = await usedMemory(admin);
      const reports = await stopWorkers(workers);
      const byWorkers = new Map<string, number>();
      for (const r of reports) for (const id of r.ids) byWorkers.set(id, (byWorkers.get(id) ?? 0) + 1);
      let missingFromWorkers = 0;
      for (let i = 0; i < n; i++) if (!byWorkers.has(`flood-${run}-${i}`)) missingFromWorkers++;
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
      const duplicateEvents = [...collector.completedIds.values()].filter((c) => c > 1).length;
      const result = {
        jobs: n,
        enqueueMs: round(enqueueMs, 0),
        enqueueMsPerJob: round(enqueueMs / n, 3),
        redisBytesPerQueuedJob: Math.round((mem1 - mem0) / n),
        redisMiBAfterDrain: round((memAfter - mem0) / 2 ** 20, 1),
        jobHashBytes,
        eventsStreamWhenQueued: { entries: eventsLen, bytes: eventsBytes },
        eventsStreamAfterDrain: { entries: await admin.xlen(eventsKey), bytes: Number(await admin.call('MEMORY', 'USAGE', eventsKey, 'SAMPLES', '0')) },
        waitingBeforeDrain: waitingBefore,
        waitingAfterReAddingThreeIds: waitingAfterReAdd,
        workers: options.floodWorkers,
        concurrencyPerWorker: options.floodConcurrency,
        drainMs: round(drainMs, 0),
        drainTrialsPerSecond: round(n / (drainMs / 1000), 0),
        completedEvents: collector.completedIds.size,
        duplicateCompletedEvents: duplicateEvents,
        processedByWorkers: byWorkers.size,
        duplicatesByWorkers: reports.reduce((s, r) => s + r.duplicates, 0),
        missingFromWorkers,
        failedEvents: collector.failed,
        timedOut,
        queueCountsAfter: counts,
        lost: n - collector.completedIds.size,
      };
      out.flood = result;
      log(
        `flood: ${n} queued in ${result.enqueueMs} ms (${result.redisBytesPerQueuedJob} B of Redis per queued job), drained by ${options.floodWorkers}×${options.floodConcurrency} in ${result.drainMs} ms (${result.drainTrialsPerSecond}/s); completed ${result.completedEvents}, by workers ${result.processedByWorkers}, duplicates ${result.duplicatesByWorkers}, lost ${result.lost}`,
      );
      run++;
    }
  } finally {
    await events.close();
    await queue.close();
    admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
