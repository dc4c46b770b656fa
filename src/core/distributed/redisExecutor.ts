// The coordinator's side of a distributed sweep: trials go to a BullMQ queue as jobs and come back as
// results; refits and permutation importance stay on this machine's threads (they need the held-out rows
// and their results are the model package). The sampler, the pruner and the store stay here too.
//
// Remote trials report nothing while they run, so the pruner never stops one (median and ASHA verdicts
// apply to local trials only); a trial's time box is enforced by the worker running it.
// Results arrive by QueueEvents; a poll every few seconds also reads finished jobs (an event lost while
// Redis restarted) and re-enqueues jobs Redis no longer has (a restart without persistence).
import { Queue, QueueEvents } from 'bullmq';
import { DISTRIBUTED_PROTOCOL_VERSION, REDIS_PREFIX, TRIAL_QUEUE } from '../../protocol/distributed.js';
import type { Validation } from '../../protocol/experiment.js';
import type { Task } from '../ml/types.js';
import { BUDGET_STOP_ERROR } from '../search/sweep.js';
import type { ImportanceJob, RunRequest, RunResult, TrialExecutor } from '../search/sweep.js';
import type { HeldOutImportance, RefitResult, TrialOutcome } from '../search/trial.js';
import type { TrialConfig } from '../search/types.js';
import { bullConnection, redactedUrl } from './connection.js';
import type { RedisTarget } from './connection.js';
import { offerDataset } from './datasetOffer.js';
import type { DatasetOffer } from './datasetOffer.js';
import { decodeResult, MLLAB_VERSION, trialJobId } from './trialJob.js';
import type { TrialJobData } from './trialJob.js';

export interface RemoteSweepOptions {
  target: RedisTarget;
  dataset: { path: string; sha256: string; bytes: number };
  column: string;
  task: Task;
  validation: Validation;
  testFraction: number;
  trainRows: number;
  /** Address the dataset is offered on (default loopback: workers elsewhere use a shared path). */
  offerHost?: string;
  /** How often unfinished jobs are checked in Redis itself (ms). */
  pollMs?: number;
}

interface Pending {
  data: TrialJobData;
  settle(result: RunResult): void;
}

const KEEP_SECONDS = 24 * 3600;
const CONNECT_TIMEOUT_MS = 15_000;

function failed(error: string): TrialOutcome {
  return { status: 'failed', oof: null, foldScores: [], metrics: {}, error, backend: null };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class RedisExecutor implements TrialExecutor {
  private experimentId: string | null = null;
  private started: Promise<{ queue: Queue; events: QueueEvents; offer: DatasetOffer }> | null = null;
  private readonly pending = new Map<string, Pending>();
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly removals: Promise<unknown>[] = [];

  constructor(
    private readonly local: TrialExecutor,
    private readonly options: RemoteSweepOptions,
  ) {}

  setExperiment(id: string): void {
    this.experimentId = id;
  }

  private start(): Promise<{ queue: Queue; events: QueueEvents; offer: DatasetOffer }> {
    this.started ??= (async () => {
      const connection = bullConnection(this.options.target);
      const queue = new Queue(TRIAL_QUEUE, { connection, prefix: REDIS_PREFIX });
      const events = new QueueEvents(TRIAL_QUEUE, { connection, prefix: REDIS_PREFIX });
      queue.on('error', () => undefined);
      events.on('error', () => undefined);
      events.on('completed', ({ jobId, returnvalue }) => this.deliver(jobId, returnvalue));
      events.on('failed', ({ jobId, failedReason }) => this.pending.get(jobId)?.settle(failed(failedReason)));
      let timer: NodeJS.Timeout | undefined;
      try {
        // Commands wait through outages; the first connection does not wait forever.
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
        });
        await Promise.race([Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), timeout]);
        clearTimeout(timer);
      } catch (e) {
        clearTimeout(timer);
        await Promise.allSettled([queue.close(), events.close()]);
        throw new Error(`Redis at ${redactedUrl(this.options.target.url)} is unreachable: ${messageOf(e)}`, { cause: e });
      }
      const offer = await offerDataset(this.options.dataset.path, this.options.dataset.sha256, this.options.offerHost);
      this.poller = setInterval(() => void this.poll(queue), this.options.pollMs ?? 2000);
      this.poller.unref();
      return { queue, events, offer };
    })();
    return this.started;
  }

  private deliver(jobId: string, raw: unknown): void {
    const pending = this.pending.get(jobId);
    if (!pending) return;
    pending.settle(decodeResult(raw));
    // Read once, by its only reader: out-of-fold predictions of a large table are not left in Redis's memory.
    this.removeJob(jobId);
  }

  private async enqueue(queue: Queue, id: string, data: TrialJobData): Promise<void> {
    const existing = await queue.getJob(id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed') return this.deliver(id, existing.returnvalue);
      // Queued or running already (a resumed coordinator): its result is awaited, not run twice.
      if (state !== 'failed' && state !== 'unknown') return;
      // Failed before (an earlier coordinator stopped it): run again.
      await existing.remove().catch(() => undefined);
    }
    await queue.add('run', data, { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } });
  }

  /** Jobs whose result the events missed, and jobs Redis lost. */
  private async poll(queue: Queue): Promise<void> {
    if (this.polling || this.pending.size === 0) return;
    this.polling = true;
    try {
      for (const [id, pending] of [...this.pending]) {
        const job = await queue.getJob(id);
        if (!this.pending.has(id)) continue;
        if (!job) {
          await queue.add('run', pending.data, { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } });
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') this.deliver(id, job.returnvalue);
        else if (state === 'failed') pending.settle(failed(job.failedReason || 'the job failed'));
      }
    } catch {
      // Redis is away: the next poll tries again.
    } finally {
      this.polling = false;
    }
  }

  private removeJob(id: string): void {
    if (!this.started) return;
    // A running job is locked by its worker and cannot be removed: it runs to its end, unheard.
    this.removals.push(
      this.started.then(({ queue }) => queue.remove(id)).catch(() => undefined),
    );
  }

  run(request: RunRequest): Promise<RunResult> {
    if (this.experimentId === null) throw new Error('RedisExecutor.run before setExperiment');
    const o = this.options;
    const data: TrialJobData = {
      protocol: DISTRIBUTED_PROTOCOL_VERSION,
      version: MLLAB_VERSION,
      experimentId: this.experimentId,
      index: request.job.index,
      config: request.job.config,
      seed: request.job.seed,
      metric: request.job.metric,
      dataset: { sha256: o.dataset.sha256, bytes: o.dataset.bytes, path: o.dataset.path, url: null },
      target: o.column,
      task: o.task,
      validation: o.validation,
      testFraction: o.testFraction,
      trainRows: o.trainRows,
      rungs: request.rungs,
      timeoutMs: request.timeoutMs,
    };
    const id = trialJobId(this.experimentId, request.job.index);
    return new Promise<RunResult>((resolve) => {
      let settled = false;
      const onStop = (): void => {
        settle(failed(BUDGET_STOP_ERROR));
        this.removeJob(id);
      };
      const settle = (result: RunResult): void => {
        if (settled) return;
        settled = true;
        if (this.pending.get(id)?.settle === settle) this.pending.delete(id);
        request.stop?.removeEventListener('abort', onStop);
        resolve(result);
      };
      if (request.stop?.aborted) {
        settle(failed(BUDGET_STOP_ERROR));
        return;
      }
      request.stop?.addEventListener('abort', onStop, { once: true });
      this.pending.set(id, { data, settle });
      this.start()
        .then(async ({ queue, offer }) => {
          data.dataset.url = offer.url;
          await this.enqueue(queue, id, data);
        })
        .catch((e: unknown) => settle(failed(`could not queue the trial: ${messageOf(e)}`)));
    });
  }

  refit(config: TrialConfig, trial: number, seed: number, timeoutMs: number): Promise<RefitResult> {
    return this.local.refit(config, trial, seed, timeoutMs);
  }

  importance(job: ImportanceJob, timeoutMs: number): Promise<HeldOutImportance> {
    return this.local.importance(job, timeoutMs);
  }

  /** Queued trials are removed; running ones finish on their workers, their results ignored. */
  cancelAll(): void {
    this.local.cancelAll();
    for (const [id, pending] of [...this.pending]) {
      pending.settle({ status: 'cancelled' });
      this.removeJob(id);
    }
  }

  async close(): Promise<void> {
    this.cancelAll();
    await this.local.close();
    if (this.poller) clearInterval(this.poller);
    await Promise.allSettled(this.removals);
    if (!this.started) return;
    const parts = await this.started.catch(() => null);
    if (!parts) return;
    await Promise.allSettled([parts.queue.close(), parts.events.close(), parts.offer.close()]);
  }
}
