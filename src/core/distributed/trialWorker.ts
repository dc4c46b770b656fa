// A fleet worker: takes trial jobs from the BullMQ queue and runs each exactly as a local sweep does — the
// table loaded by the sweep's loader, the coordinator's held-out rows removed (the split recomputed from the
// sweep's seed), the same folds, runTrial on a trial thread (the event loop stays free to renew the job's
// lock and beat the heart while a model fits). Only ML Lab trial configurations run: a job carries a model
// kind and its parameters, never code. It listens on nothing; it only connects to Redis (and fetches a
// dataset from the coordinator's offer URL when the shared path is not readable here).
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { REDIS_PREFIX, TRIAL_QUEUE, DISTRIBUTED_PROTOCOL_VERSION } from '../../protocol/distributed.js';
import type { WorkerInfo } from '../../protocol/distributed.js';
import { makeFolds, shareInput, ThreadExecutor } from '../search/sweep.js';
import { shippedSweepParts } from '../search/sweepParts.js';
import { splitTestRows, takeRows } from '../search/testSplit.js';
import { bullConnection, redisClient } from './connection.js';
import type { RedisTarget } from './connection.js';
import { obtainDataset } from './datasetOffer.js';
import { HEARTBEAT_EVERY_MS, removeHeartbeat, writeHeartbeat } from './fleet.js';
import { encodeResult, MLLAB_VERSION, refusal } from './trialJob.js';
import type { TrialJobData, TrialResultData } from './trialJob.js';

export interface TrialWorkerOptions {
  target: RedisTarget;
  name?: string;
  concurrency?: number;
  /** Folder of datasets fetched from coordinators, by sha256. */
  cacheDir: string;
  /** BullMQ lock of a running job (ms): a worker silent this long is presumed dead and its job re-queued. */
  lockMs?: number;
  log?(line: string): void;
}

export interface TrialWorker {
  name: string;
  /** Stops taking jobs; waits for running trials unless `force`. */
  close(force?: boolean): Promise<void>;
}

interface Prepared {
  executor: ThreadExecutor;
  trainRows: number;
}

/** Prepared tables kept (each holds its threads): a fleet serves few sweeps at a time. */
const KEPT_TABLES = 3;

export function defaultWorkerName(): string {
  return `${hostname()}-${process.pid}`;
}

export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  const name = options.name ?? defaultWorkerName();
  const concurrency = options.concurrency ?? 1;
  const log = options.log ?? ((): void => undefined);
  const prepared = new Map<string, Promise<Prepared>>();
  const running = new Map<string, { experimentId: string; index: number }>();
  let trialsDone = 0;
  const startedAt = new Date().toISOString();

  const prepare = (data: TrialJobData): Promise<Prepared> => {
    const key = JSON.stringify([data.dataset.sha256, data.target, data.task, data.seed, data.testFraction, data.validation]);
    let entry = prepared.get(key);
    if (!entry) {
      entry = (async (): Promise<Prepared> => {
        const file = await obtainDataset(data.dataset, options.cacheDir);
        const loaded = await shippedSweepParts.loadTable(file, data.target, data.task);
        const full = loaded.table;
        // The coordinator's split, recomputed: the same rows are held out and never reach a trial.
        const table = data.testFraction > 0 ? takeRows(full, splitTestRows(full, data.testFraction, data.seed).train) : full;
        const folds = makeFolds(table, data.validation, data.seed);
        return { executor: new ThreadExecutor(shareInput(table, folds, null, null)), trainRows: table.rows };
      })();
      prepared.set(key, entry);
      entry.catch(() => prepared.delete(key));
      while (prepared.size > KEPT_TABLES) {
        const [oldest, value] = prepared.entries().next().value as [string, Promise<Prepared>];
        prepared.delete(oldest);
        // Trials still running on it keep their threads until they end.
        void value.then((p) => setTimeout(() => void p.executor.close(), 60_000).unref(), () => undefined);
      }
    }
    return entry;
  };

  const processJob = async (job: Job<TrialJobData, TrialResultData>): Promise<TrialResultData> => {
    const why = refusal(job.data, name);
    if (why) {
      log(`refused job ${job.id ?? '?'}: ${why}`);
      throw new UnrecoverableError(why);
    }
    const data = job.data;
    const label = `${data.experimentId} trial ${data.index}`;
    running.set(job.id ?? label, { experimentId: data.experimentId, index: data.index });
    void beat();
    const t0 = Date.now();
    try {
      let ready: Prepared;
      try {
        ready = await prepare(data);
      } catch (e) {
        throw new UnrecoverableError(`worker ${name} could not load the dataset: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (ready.trainRows !== data.trainRows) {
        throw new UnrecoverableError(`worker ${name} reads ${ready.trainRows} training rows where the coordinator has ${data.trainRows}: a different ML Lab version or dataset reader`);
      }
      const outcome = await ready.executor.run({
        job: { index: data.index, config: data.config, seed: data.seed, metric: data.metric },
        rungs: data.rungs,
        // The pruner lives with the coordinator: a remote trial always runs to its end.
        report: () => false,
        timeoutMs: data.timeoutMs,
      });
      if (outcome.status === 'cancelled') throw new Error(`worker ${name} stopped before trial ${data.index} ended`);
      const seconds = (Date.now() - t0) / 1000;
      trialsDone++;
      log(`${label}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''} in ${seconds.toFixed(1)} s`);
      return encodeResult(outcome, name, seconds);
    } finally {
      running.delete(job.id ?? label);
      void beat();
    }
  };

  const lockMs = options.lockMs ?? 30_000;
  const worker = new Worker<TrialJobData, TrialResultData>(TRIAL_QUEUE, processJob, {
    connection: bullConnection(options.target),
    prefix: REDIS_PREFIX,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.round(lockMs / 2)),
    // A job whose worker died is re-queued (twice at most), then failed: a trial that kills every worker.
    maxStalledCount: 2,
  });
  worker.on('error', (e) => log(`queue error: ${e.message}`));

  const heart = redisClient(options.target);
  const info = (): WorkerInfo => ({
    name,
    host: hostname(),
    pid: process.pid,
    version: MLLAB_VERSION,
    protocol: DISTRIBUTED_PROTOCOL_VERSION,
    concurrency,
    running: [...running.values()],
    trialsDone,
    startedAt,
    lastSeen: new Date().toISOString(),
  });
  const beat = (): Promise<void> => writeHeartbeat(heart, info()).catch(() => undefined);
  const timer = setInterval(() => void beat(), HEARTBEAT_EVERY_MS);
  await Promise.race([worker.waitUntilReady(), new Promise((resolve) => setTimeout(resolve, 2000))]).catch(() => undefined);
  await beat();

  return {
    name,
    async close(force = false) {
      clearInterval(timer);
      await worker.close(force);
      await removeHeartbeat(heart, name).catch(() => undefined);
      heart.disconnect();
      for (const entry of prepared.values()) await entry.then((p) => p.executor.close(), () => undefined);
    },
  };
}
