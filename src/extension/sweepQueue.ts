// The host's side of sweeps: sends them to the worker (which runs them one at a time, or as many as the
// `mllab.sweep.concurrency` setting allows), steers them by experiment id (pause, resume, stop), and turns
// the worker's notifications into SweepActivity for the hub the Sweep panel, status bar and tree listen to.
// A worker that dies under a sweep leaves the experiment interrupted (the store reads it so: its owner
// process is gone); sweeps still waiting in that worker's queue are sent again to the next worker.
// No `vscode` import: tested in plain Node with a fake worker.
import { isUserError } from '../core/errors.js';
import type { SweepConfig } from '../core/search/sweep.js';
import type { MetricName } from '../core/ml/types.js';
import type { SweepProgress } from '../protocol/experiment.js';
import type { SweepRequestConfig, SweepStartParams, SweepStartResult } from '../protocol/worker.js';
import type { SweepActivity, SweepState } from './sweepActivity.js';
import type { StartedSweep, SweepHostHooks } from './workerClient.js';
import { WorkerStoppedError } from './workerClient.js';

/** The part of WorkerClient the queue uses. */
export interface SweepWorker {
  startSweep(params: Omit<SweepStartParams, 'requestId'>, hooks: SweepHostHooks): StartedSweep;
  controlSweep(action: 'pause' | 'resume' | 'stop', requestId: string): Promise<boolean>;
}

/** A sweep as queued: the runner's config, plus the backend fields of a distributed sweep (password included, kept in memory only). */
export type QueuedConfig = SweepConfig & { workspace: string } & Pick<SweepRequestConfig, 'backend' | 'redisUrl' | 'redisPassword' | 'redisOfferHost'>;

/** Where activity goes: the SweepActivityHub. */
export interface ActivitySink {
  publish(activity: SweepActivity): void;
}

export interface SweepFinished {
  /** Null only when a sweep was stopped before it created its experiment. */
  experimentId: string | null;
  workspace: string;
  dataset: string;
  status: 'done' | 'interrupted' | 'failed';
  metric: MetricName | null;
  bestScore: number | null;
  /** For 'failed' and for an interrupted sweep whose worker died: one line for the user. */
  error: string | null;
}

/** Names a sweep of this window before it has an experiment: `queued-1`, `queued-2`… (never an experiment id, which starts with a date). */
export const QUEUED_KEY_PREFIX = 'queued-';

export function isQueuedKey(id: string): boolean {
  return id.startsWith(QUEUED_KEY_PREFIX);
}

/** One sweep this window sent, from queued to finished. */
export interface QueuedSweep {
  /** Stable for the sweep's life in this window: the tree's Queued row and the Sweep panel know it by this while it waits. */
  readonly key: string;
  /** The worker request currently carrying it (a resend gets a new one). */
  requestId: string;
  /** Known once the worker has created (or, for a resume, opened) the experiment. */
  experimentId: string | null;
  workspace: string;
  /** Dataset file name, for labels while no experiment exists yet. */
  dataset: string;
  target: string;
  /** "5 min", "40 trials"; null for a resume that keeps its stored budget. */
  budget: string | null;
  /** Epoch ms when it was queued. */
  queuedAt: number;
  state: SweepState;
  progress: SweepProgress | null;
  running: SweepActivity['running'];
  /** A paused sweep asked to stop goes through 'stopping'; this remembers a pause asked for while queued. */
  pauseRequested: boolean;
}

export interface SweepQueueOptions {
  worker: SweepWorker;
  hub: ActivitySink;
  /** The `mllab.sweep.concurrency` setting, read at each start. */
  concurrency(): number;
  log?: { warn(message: string): void };
}

type Listener<T> = (value: T) => void;

export class SweepQueue {
  private readonly sweeps = new Set<QueuedSweep>();
  private readonly finishedListeners = new Set<Listener<SweepFinished>>();
  private readonly changeListeners = new Set<Listener<void>>();
  private nextKey = 1;

  constructor(private readonly options: SweepQueueOptions) {}

  /** Sweeps of this window not yet finished, oldest first. */
  active(): QueuedSweep[] {
    return [...this.sweeps];
  }

  /** A sweep by its experiment id, or by its queued key (`queued-N`) while it has none. */
  find(id: string): QueuedSweep | undefined {
    return [...this.sweeps].find((s) => s.experimentId === id || s.key === id);
  }

  /**
   * Sweeps the worker has not started yet (no progress heard), oldest first: the worker starts them in
   * this order, so a sweep's place here (1-based) is its position in the queue.
   */
  waiting(): QueuedSweep[] {
    return [...this.sweeps].filter(isWaiting);
  }

  /** Called after each sweep ends (done, interrupted or failed). */
  onDidFinish(listener: Listener<SweepFinished>): { dispose(): void } {
    this.finishedListeners.add(listener);
    return { dispose: () => this.finishedListeners.delete(listener) };
  }

  /** Called whenever any sweep's state or progress changes (the status bar). */
  onDidChange(listener: Listener<void>): { dispose(): void } {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }

  /** Queues a new sweep (or, with `config.resume`, the continuation of an interrupted one). */
  start(config: QueuedConfig): QueuedSweep {
    if (config.resume && this.find(config.resume)) throw new Error(`Experiment ${config.resume} is already running or queued in this window.`);
    const sweep: QueuedSweep = {
      key: `${QUEUED_KEY_PREFIX}${this.nextKey++}`,
      requestId: '',
      experimentId: config.resume ?? null,
      workspace: config.workspace,
      dataset: baseName(config.dataset),
      target: config.target,
      budget: budgetText(config),
      queuedAt: Date.now(),
      state: 'queued',
      progress: null,
      running: [],
      pauseRequested: false,
    };
    this.sweeps.add(sweep);
    this.send(sweep, config, true);
    // A resume is known by its id from the start: the views show it queued.
    this.publish(sweep, []);
    return sweep;
  }

  pause(experimentId: string): Promise<boolean> {
    return this.control(experimentId, 'pause');
  }

  resume(experimentId: string): Promise<boolean> {
    return this.control(experimentId, 'resume');
  }

  stop(experimentId: string): Promise<boolean> {
    return this.control(experimentId, 'stop');
  }

  /** Stops a sweep of this window that may have no experiment yet (still queued): the Stop command's pick. */
  cancel(sweep: QueuedSweep): Promise<boolean> {
    return this.controlSweep(sweep, 'stop');
  }

  private control(experimentId: string, action: 'pause' | 'resume' | 'stop'): Promise<boolean> {
    const sweep = this.find(experimentId);
    return sweep ? this.controlSweep(sweep, action) : Promise.resolve(false);
  }

  private async controlSweep(sweep: QueuedSweep, action: 'pause' | 'resume' | 'stop'): Promise<boolean> {
    if (!this.sweeps.has(sweep) || sweep.state === 'stopping') return false;
    const before = sweep.state;
    if (action === 'stop') this.update(sweep, 'stopping');
    const found = await this.options.worker.controlSweep(action, sweep.requestId);
    if (!found) {
      // A notification may have moved the state on meanwhile (a wider type than the narrowed one above).
      if (action === 'stop' && (sweep.state as SweepState) === 'stopping') this.update(sweep, before);
      return false;
    }
    if (action === 'pause') {
      sweep.pauseRequested = true;
      if ((sweep.state as SweepState) !== 'stopping') this.update(sweep, 'paused');
    } else if (action === 'resume') {
      sweep.pauseRequested = false;
      if (sweep.state === 'paused') this.update(sweep, sweep.progress ? 'running' : 'queued');
    }
    return true;
  }

  private send(sweep: QueuedSweep, config: QueuedConfig, mayResend: boolean): void {
    let heard = false;
    const started = this.options.worker.startSweep(
      { config, concurrency: this.concurrency() },
      {
        onProgress: (progress) => {
          heard = true;
          sweep.experimentId = progress.experimentId;
          sweep.progress = progress;
          if (progress.phase !== 'searching') sweep.running = [];
          const state = sweep.state === 'queued' ? (sweep.pauseRequested ? 'paused' : 'running') : sweep.state;
          this.update(sweep, state);
        },
        onTrialStarted: (t) => {
          sweep.running = [...sweep.running.filter((r) => r.index !== t.index), { index: t.index, model: t.model, startedAt: t.startedAt }];
          this.publish(sweep, []);
        },
        onTrial: (t) => {
          sweep.running = sweep.running.filter((r) => r.index !== t.trial.index);
          this.publish(sweep, [t.trial]);
        },
      },
    );
    sweep.requestId = started.requestId;
    this.changed();
    started.result.then(
      (result) => this.ended(sweep, result),
      (e: unknown) => {
        // The worker died while this sweep was still waiting its turn: nothing of it exists yet, send it again.
        if (e instanceof WorkerStoppedError && !heard && mayResend && sweep.state !== 'stopping') {
          this.send(sweep, config, false);
          return;
        }
        this.failed(sweep, e);
      },
    );
  }

  private ended(sweep: QueuedSweep, result: SweepStartResult): void {
    this.sweeps.delete(sweep);
    sweep.running = [];
    if (result.status === 'done') {
      sweep.experimentId = result.experimentId;
      sweep.state = 'done';
      this.publish(sweep, []);
      this.finish({ experimentId: result.experimentId, workspace: sweep.workspace, dataset: sweep.dataset, status: 'done', metric: result.metric, bestScore: result.bestScore, error: null });
    } else {
      sweep.experimentId = result.experimentId ?? sweep.experimentId;
      sweep.state = 'interrupted';
      this.publish(sweep, []);
      this.finish({ experimentId: sweep.experimentId, workspace: sweep.workspace, dataset: sweep.dataset, status: 'interrupted', metric: sweep.progress?.metric ?? null, bestScore: sweep.progress?.bestScore ?? null, error: null });
    }
  }

  private failed(sweep: QueuedSweep, e: unknown): void {
    this.sweeps.delete(sweep);
    sweep.running = [];
    const message = e instanceof Error ? e.message : String(e);
    // A dead worker leaves a resumable experiment; a stop that raced the death is an interruption too.
    const interrupted = e instanceof WorkerStoppedError || (isUserError(e) && e.code === 'CANCELLED');
    sweep.state = interrupted ? 'interrupted' : 'failed';
    if (!isUserError(e) && !(e instanceof WorkerStoppedError)) this.options.log?.warn(`Sweep failed: ${e instanceof Error ? (e.stack ?? message) : message}`);
    this.publish(sweep, [], interrupted && isUserError(e) ? null : message);
    this.finish({
      experimentId: sweep.experimentId,
      workspace: sweep.workspace,
      dataset: sweep.dataset,
      status: sweep.state,
      metric: sweep.progress?.metric ?? null,
      bestScore: sweep.progress?.bestScore ?? null,
      error: interrupted && isUserError(e) ? null : message,
    });
  }

  private update(sweep: QueuedSweep, state: SweepState): void {
    sweep.state = state;
    this.publish(sweep, []);
  }

  private publish(sweep: QueuedSweep, finished: SweepActivity['finished'], error: string | null = null): void {
    // The hub is keyed by experiment: a new sweep is published once the worker has created it.
    if (sweep.experimentId) {
      this.options.hub.publish({
        experimentId: sweep.experimentId,
        workspace: sweep.workspace,
        state: sweep.state,
        progress: sweep.progress,
        running: [...sweep.running],
        finished,
        error,
      });
    }
    this.changed();
  }

  private finish(event: SweepFinished): void {
    for (const l of [...this.finishedListeners]) l(event);
    this.changed();
  }

  private changed(): void {
    for (const l of [...this.changeListeners]) l();
  }

  private concurrency(): number {
    const n = this.options.concurrency();
    return Number.isInteger(n) && n >= 1 ? Math.min(n, 16) : 1;
  }
}

/** Not started by the worker yet: nothing heard from it, not finished. */
export function isWaiting(sweep: QueuedSweep): boolean {
  return sweep.progress === null && (sweep.state === 'queued' || sweep.state === 'paused' || sweep.state === 'stopping');
}

function budgetText(config: SweepConfig): string | null {
  const parts: string[] = [];
  if (config.budgetSeconds !== undefined) {
    const s = config.budgetSeconds;
    parts.push(s >= 60 && s % 60 === 0 ? `${s / 60} min` : s > 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s} s`);
  }
  if (config.maxTrials !== undefined) parts.push(`${config.maxTrials} trial${config.maxTrials === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
