// Maps the sweep requests onto the runner: a FIFO queue (one sweep at a time unless the host's setting
// allows more), a pause gate per sweep, stop as an abort (the runner marks the experiment interrupted),
// and the runner's hooks forwarded as notifications tagged with the request id.
import type { MessageConnection, ResponseError } from 'vscode-jsonrpc/node.js';
import { isUserError } from '../core/errors.js';
import type { SweepConfig, SweepHooks, SweepResult } from '../core/search/sweep.js';
import type { SweepProgress } from '../protocol/experiment.js';
import {
  SweepPauseRequest,
  SweepProgressNotification,
  SweepResumeRequest,
  SweepStartRequest,
  SweepStopRequest,
  SweepTrialNotification,
  SweepTrialStartedNotification,
} from '../protocol/worker.js';
import type { SweepRequestConfig, SweepStartResult, WorkerErrorData } from '../protocol/worker.js';
import { toResponseError } from './profileJobs.js';

export type RunSweepFn = (config: SweepConfig, hooks: SweepHooks) => Promise<SweepResult>;

/** While a sweep searches, its progress is repeated this often with the clock advanced (the panels' time left). */
const HEARTBEAT_MS = 1000;

/** The runner's config from a request: the editor's flat backend fields become the runner's `backend` and `redis`. */
export function runnerConfig(config: SweepRequestConfig): SweepConfig {
  const { backend, redisUrl, redisPassword, redisOfferHost, ...rest } = config;
  if (backend !== 'redis') return rest;
  return { ...rest, backend: 'redis', redis: { url: redisUrl ?? '', ...(redisPassword ? { password: redisPassword } : {}), ...(redisOfferHost ? { offerHost: redisOfferHost } : {}) } };
}

export interface SweepJobs {
  /** Stops every sweep, queued or running (the worker is exiting): running ones are marked interrupted. */
  stopAll(): void;
  /** Resolves once no sweep runs (their records are written). */
  idle(): Promise<void>;
}

interface Job {
  requestId: string;
  abort: AbortController;
  paused: boolean;
  /** Resolved by resume (or stop) while the runner waits at the pause gate. */
  release: (() => void) | null;
  gate: Promise<void> | null;
  experimentId: string | null;
  finishedTrials: number;
  last: { progress: SweepProgress; at: number } | null;
}

export function registerSweepJobs(connection: MessageConnection, runSweep: RunSweepFn): SweepJobs {
  const jobs = new Map<string, Job>();
  /** Jobs waiting for a slot, oldest first, each with the callback that starts it. */
  const waiting: { job: Job; start: () => void; concurrency: number }[] = [];
  let active = 0;
  const running = new Set<Promise<void>>();

  const startWaiting = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0]!;
      if (active >= next.concurrency) return;
      waiting.shift();
      active++;
      next.start();
    }
  };

  /** Resolves when the job may run (true) or was stopped while queued (false). */
  const slot = (job: Job, concurrency: number): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const entry = { job, concurrency, start: () => resolve(true) };
      waiting.push(entry);
      job.abort.signal.addEventListener(
        'abort',
        () => {
          const at = waiting.indexOf(entry);
          if (at >= 0) {
            waiting.splice(at, 1);
            resolve(false);
          }
        },
        { once: true },
      );
      startWaiting();
    });

  const openGate = (job: Job): void => {
    job.paused = false;
    job.release?.();
    job.release = null;
    job.gate = null;
  };

  const stop = (job: Job): void => {
    job.abort.abort();
    openGate(job);
  };

  connection.onRequest(SweepStartRequest, async (params, token): Promise<SweepStartResult | ResponseError<WorkerErrorData>> => {
    const job: Job = {
      requestId: params.requestId,
      abort: new AbortController(),
      paused: false,
      release: null,
      gate: null,
      experimentId: params.config.resume ?? null,
      finishedTrials: 0,
      last: null,
    };
    jobs.set(job.requestId, job);
    const subscription = token.onCancellationRequested(() => stop(job));
    const concurrency = Number.isInteger(params.concurrency) && (params.concurrency ?? 0) > 0 ? params.concurrency! : 1;
    const interrupted = (): SweepStartResult => ({ status: 'interrupted', experimentId: job.experimentId, trials: job.finishedTrials });
    let heartbeat: NodeJS.Timeout | undefined;
    let got = false;
    let finished: () => void = () => undefined;
    const done = new Promise<void>((r) => (finished = r));
    running.add(done);
    try {
      got = await slot(job, concurrency);
      if (!got) return interrupted();
      heartbeat = setInterval(() => {
        const last = job.last;
        if (!last || job.paused || last.progress.phase !== 'searching') return;
        const progress = { ...last.progress, elapsedSeconds: last.progress.elapsedSeconds + (Date.now() - last.at) / 1000 };
        void connection.sendNotification(SweepProgressNotification, { requestId: job.requestId, progress });
      }, HEARTBEAT_MS);
      const result = await runSweep(runnerConfig(params.config), {
        signal: job.abort.signal,
        onProgress: (progress) => {
          job.experimentId = progress.experimentId;
          job.finishedTrials = progress.finishedTrials;
          job.last = { progress, at: Date.now() };
          void connection.sendNotification(SweepProgressNotification, { requestId: job.requestId, progress });
        },
        onTrialStart: (index, config) => {
          if (!job.experimentId) return;
          void connection.sendNotification(SweepTrialStartedNotification, { requestId: job.requestId, experimentId: job.experimentId, index, model: config.model, startedAt: Date.now() });
        },
        onTrial: (trial) => {
          if (!job.experimentId) return;
          void connection.sendNotification(SweepTrialNotification, { requestId: job.requestId, experimentId: job.experimentId, trial });
        },
        untilResumed: () => {
          if (!job.paused) return Promise.resolve();
          job.gate ??= new Promise<void>((r) => (job.release = r));
          return job.gate;
        },
      });
      return {
        status: 'done',
        experimentId: result.experimentId,
        metric: result.metric,
        bestScore: result.bestScore,
        bestTrial: result.bestTrial,
        bestKind: result.bestKind,
        modelPath: result.modelPath,
        reportPath: result.reportPath,
        trials: result.trials.length,
      };
    } catch (e) {
      if (job.abort.signal.aborted && isUserError(e) && e.code === 'CANCELLED') return interrupted();
      return toResponseError(e);
    } finally {
      clearInterval(heartbeat);
      subscription.dispose();
      jobs.delete(job.requestId);
      if (got) {
        active--;
        startWaiting();
      }
      running.delete(done);
      finished();
    }
  });

  connection.onRequest(SweepPauseRequest, (params) => {
    const job = jobs.get(params.requestId);
    if (job && !job.abort.signal.aborted) job.paused = true;
    return { found: job !== undefined };
  });
  connection.onRequest(SweepResumeRequest, (params) => {
    const job = jobs.get(params.requestId);
    if (job) openGate(job);
    return { found: job !== undefined };
  });
  connection.onRequest(SweepStopRequest, (params) => {
    const job = jobs.get(params.requestId);
    if (job) stop(job);
    return { found: job !== undefined };
  });

  return {
    stopAll: () => {
      for (const job of jobs.values()) stop(job);
    },
    idle: () => Promise.all([...running]).then(() => undefined),
  };
}
