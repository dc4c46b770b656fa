// The host's side of the worker: forks dist/worker.js on first use, sends typed JSON-RPC requests over
// IPC, routes preview/progress notifications to the request they belong to, forwards cancellation, and
// turns a dead worker into a clear error (the next request forks a fresh one).
// No `vscode` import on purpose: this file is tested in plain Node.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError } from 'vscode-jsonrpc/node.js';
import type { MessageConnection } from 'vscode-jsonrpc/node.js';
import { cancelled, UserError } from '../core/errors.js';
import type { RequestType } from 'vscode-jsonrpc/node.js';
import type { DatasetVersion } from '../protocol/datasetVersion.js';
import type { DatasetProfile, ProfileProgress } from '../protocol/profile.js';
import type { SweepProgress } from '../protocol/experiment.js';
import type { Suggestion } from '../protocol/recipe.js';
import type { RetrainOutcome } from '../protocol/deploy.js';
import type { WorkerInfo } from '../protocol/distributed.js';
import {
  CacheLookupRequest,
  CleanApplyRequest,
  CleanPreviewRequest,
  CleanProgressNotification,
  CleanSuggestRequest,
  DriftCheckRequest,
  ExportCodeRequest,
  PreviewNotification,
  ProfileRequest,
  ProgressNotification,
  REQUEST_CANCELLED,
  RetrainStartRequest,
  SweepPauseRequest,
  SweepProgressNotification,
  SweepResumeRequest,
  SweepStartRequest,
  SweepStopRequest,
  SweepTrialNotification,
  SweepTrialStartedNotification,
  VersionLookupRequest,
  WorkersListRequest,
} from '../protocol/worker.js';
import type {
  CacheLookupParams,
  CleanApplyParams,
  CleanApplyResult,
  CleanPreviewParams,
  CleanPreviewResult,
  CleanProgress,
  DriftCheckParams,
  DriftCheckResult,
  ExportCodeParams,
  ProfileParams,
  ProfileResult,
  RetrainStartParams,
  SweepStartParams,
  SweepStartResult,
  SweepTrialParams,
  SweepTrialStartedParams,
  VersionLookupParams,
  WorkerErrorData,
} from '../protocol/worker.js';

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkerClientOptions {
  /** Absolute path of dist/worker.js. */
  workerPath: string;
  log: WorkerLog;
  /** V8 heap of the worker's main isolate, in MiB (the whole worker should fit in about 256 MiB). */
  maxOldSpaceMb?: number;
  /** After a cancel, how long the worker gets to answer before it is killed and replaced. */
  cancelGraceMs?: number;
  /** An idle worker is stopped after this long, giving its memory back; 0 keeps it. */
  idleMs?: number;
}

export interface ProfileHooks {
  onPreview?(profile: DatasetProfile): void;
  onProgress?(progress: ProfileProgress): void;
  signal?: AbortSignal;
}

export interface CleanApplyHooks {
  onProgress?(progress: CleanProgress): void;
  signal?: AbortSignal;
}

/** A sweep's notifications. Stop, pause and resume go through `controlSweep` (not a signal: a stop may take a moment to write the record). */
export interface SweepHostHooks {
  onProgress?(progress: SweepProgress): void;
  onTrialStarted?(started: SweepTrialStartedParams): void;
  onTrial?(finished: SweepTrialParams): void;
}

/** A sweep sent to the worker: its request id names it in `controlSweep`. */
export interface StartedSweep {
  requestId: string;
  /** Done or interrupted; rejects with UserError (bad input), WorkerStoppedError (the worker died) or Error. */
  result: Promise<SweepStartResult>;
}

/** What a long request listens to; each request kind fills the ones it has. */
interface PendingHooks {
  onPreview?(profile: DatasetProfile): void;
  onProgress?(progress: ProfileProgress): void;
  onCleanProgress?(progress: CleanProgress): void;
  sweep?: SweepHostHooks;
  signal?: AbortSignal;
}

/** The worker process ended while requests were in flight; the message is meant for the user. */
export class WorkerStoppedError extends Error {
  override readonly name = 'WorkerStoppedError';
}

interface Pending {
  file: string;
  /** What the request was doing, for the message when the worker dies under it ('profiling', 'cleaning'). */
  doing: string;
  hooks: PendingHooks;
  cancelRequested: boolean;
  fail(error: Error): void;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface RunningWorker {
  child: ChildProcess;
  connection: MessageConnection;
  exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | null;
  stderrTail: string[];
  pending: Map<string, Pending>;
  /** Why we stopped it ourselves, if we did: then its exit is not a crash. */
  stopping: 'dispose' | 'idle' | 'unresponsive' | null;
}

const DEFAULT_HEAP_MB = 192;
const DEFAULT_CANCEL_GRACE_MS = 2000;
const DEFAULT_IDLE_MS = 5 * 60_000;
const STDERR_TAIL_LINES = 20;

export class WorkerClient {
  private worker: RunningWorker | undefined;
  private nextRequestId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private disposing: Promise<void> | undefined;

  /** options.log, except that a write that throws is dropped (see quietLog). */
  private readonly log: WorkerLog;

  constructor(private readonly options: WorkerClientOptions) {
    this.log = quietLog(options.log);
  }

  /** The running worker's process id, if one is running (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.worker?.child.pid;
  }

  async lookupCache(params: CacheLookupParams): Promise<DatasetProfile | null> {
    const worker = this.ensureWorker();
    try {
      return (await worker.connection.sendRequest(CacheLookupRequest, params)).profile;
    } catch (e) {
      // The cache only speeds things up; a failed lookup is a miss.
      this.log.warn(`Cache lookup failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    } finally {
      this.armIdleTimer(worker);
    }
  }

  profile(params: Omit<ProfileParams, 'requestId'>, hooks: ProfileHooks = {}): Promise<ProfileResult> {
    return this.longRequest(ProfileRequest, params, hooks, basename(params.path), 'profiling');
  }

  /** Cleans `params.path` into `params.out`, records the version and profiles the new file. Cancellable. */
  applyClean(params: Omit<CleanApplyParams, 'requestId'>, hooks: CleanApplyHooks = {}): Promise<CleanApplyResult> {
    return this.longRequest(CleanApplyRequest, params, { signal: hooks.signal, onCleanProgress: hooks.onProgress }, basename(params.path), 'cleaning');
  }

  /** Queues a sweep in the worker (it runs when a slot is free, see `concurrency`). */
  startSweep(params: Omit<SweepStartParams, 'requestId'>, hooks: SweepHostHooks = {}): StartedSweep {
    const requestId = String(this.nextRequestId++);
    const result = this.longRequest(SweepStartRequest, params, { sweep: hooks }, basename(params.config.resume ?? params.config.dataset), 'running a sweep on', requestId);
    return { requestId, result };
  }

  /** Pauses, resumes or stops a sweep this client started; false when the worker does not know it (finished, or the worker is gone). */
  async controlSweep(action: 'pause' | 'resume' | 'stop', requestId: string): Promise<boolean> {
    const worker = this.worker;
    if (!worker || !worker.pending.has(requestId)) return false;
    const type = action === 'pause' ? SweepPauseRequest : action === 'resume' ? SweepResumeRequest : SweepStopRequest;
    try {
      return (await worker.connection.sendRequest(type, { requestId })).found;
    } catch (e) {
      this.log.warn(`Sweep ${action} failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  /** Compares `params.current` with the model's (or dataset's) training data; stores the report at `params.out`. Cancellable. */
  checkDrift(params: Omit<DriftCheckParams, 'requestId'>, hooks: { signal?: AbortSignal } = {}): Promise<DriftCheckResult> {
    return this.longRequest(DriftCheckRequest, params, { signal: hooks.signal }, basename(params.current), 'checking drift of');
  }

  /** Retrains an experiment on new data (a child experiment); its sweep's progress arrives on `hooks.onProgress`. Cancellable. */
  retrain(params: Omit<RetrainStartParams, 'requestId'>, hooks: { signal?: AbortSignal; onProgress?(progress: SweepProgress): void } = {}): Promise<RetrainOutcome> {
    return this.longRequest(RetrainStartRequest, params, { signal: hooks.signal, sweep: { onProgress: hooks.onProgress } }, basename(params.newData), 'retraining on');
  }

  async suggestCleaning(profile: DatasetProfile): Promise<Suggestion[]> {
    return (await this.shortRequest(CleanSuggestRequest, { profile }, basename(profile.file.path))).suggestions;
  }

  previewClean(params: CleanPreviewParams): Promise<CleanPreviewResult> {
    return this.shortRequest(CleanPreviewRequest, params, basename(params.path));
  }

  /** The dataset version this file is (by content hash), or null. */
  async lookupVersion(params: VersionLookupParams): Promise<DatasetVersion | null> {
    return (await this.shortRequest(VersionLookupRequest, params, basename(params.path))).version;
  }

  async exportCode(params: ExportCodeParams): Promise<string> {
    return (await this.shortRequest(ExportCodeRequest, params, params.recipe.source.file)).code;
  }

  /** The distributed fleet's heartbeats on a Redis server (the Workers view); an error says why Redis could not be read. */
  async listWorkers(url: string, password: string | null): Promise<WorkerInfo[]> {
    return (await this.shortRequest(WorkersListRequest, { url, password }, url)).workers;
  }

  /** A quick request: no progress, no cancel; errors come back as UserError or Error like the long ones. */
  private async shortRequest<P, R>(type: RequestType<P, R, WorkerErrorData>, params: P, file: string): Promise<R> {
    const worker = this.ensureWorker();
    try {
      return await worker.connection.sendRequest(type, params);
    } catch (e) {
      if (e instanceof ResponseError && !isConnectionError(e)) throw this.toError(e as ResponseError<WorkerErrorData | undefined>);
      await Promise.race([worker.exited, delay(2000)]);
      throw worker.exitInfo ? this.stoppedError(worker, worker.exitInfo, file, 'working on') : e;
    } finally {
      this.armIdleTimer(worker);
    }
  }

  private longRequest<P extends { requestId: string }, R>(
    type: RequestType<P, R, WorkerErrorData>,
    params: Omit<P, 'requestId'>,
    hooks: PendingHooks,
    file: string,
    doing: string,
    id?: string,
  ): Promise<R> {
    if (hooks.signal?.aborted) return Promise.reject(cancelled());
    let worker: RunningWorker;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      return Promise.reject(e);
    }
    const requestId = id ?? String(this.nextRequestId++);
    const source = new CancellationTokenSource();
    let graceTimer: NodeJS.Timeout | undefined;

    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const finish = (): void => {
        settled = true;
        worker.pending.delete(requestId);
        hooks.signal?.removeEventListener('abort', onAbort);
        clearTimeout(graceTimer);
        source.dispose();
        this.armIdleTimer(worker);
      };
      const entry: Pending = {
        file,
        doing,
        hooks,
        cancelRequested: false,
        fail: (error) => {
          if (settled) return;
          finish();
          reject(entry.cancelRequested ? cancelled() : error);
        },
      };
      const onAbort = (): void => {
        entry.cancelRequested = true;
        source.cancel();
        // A worker stuck in a long synchronous stretch cannot hear the cancel: replace it rather than wait.
        graceTimer = setTimeout(() => {
          this.log.warn(`The worker did not stop within ${this.cancelGraceMs} ms of a cancel; restarting it.`);
          entry.fail(cancelled());
          void this.stopWorker(worker, 'unresponsive');
        }, this.cancelGraceMs);
      };
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      worker.pending.set(requestId, entry);

      worker.connection.sendRequest(type, { ...params, requestId } as P, source.token).then(
        (result) => {
          if (settled) return;
          finish();
          resolve(result);
        },
        (e: unknown) => {
          if (settled) return;
          if (e instanceof ResponseError && !isConnectionError(e)) {
            entry.fail(this.toError(e as ResponseError<WorkerErrorData | undefined>));
            return;
          }
          // The connection went down: the exit handler has (or soon will have) the better message.
          void Promise.race([worker.exited, delay(2000)]).then(() =>
            entry.fail(worker.exitInfo ? this.stoppedError(worker, worker.exitInfo, file, doing) : new Error(e instanceof Error ? e.message : String(e))),
          );
        },
      );
    });
  }

  /** Stops the worker (if any) and waits until it has exited. No request works afterwards. */
  dispose(): Promise<void> {
    // Both deactivate() and context.subscriptions call this: the second call waits for the same exit.
    if (!this.disposing) {
      this.disposed = true;
      clearTimeout(this.idleTimer);
      const worker = this.worker;
      this.disposing = worker ? this.stopWorker(worker, 'dispose') : Promise.resolve();
    }
    return this.disposing;
  }

  private get cancelGraceMs(): number {
    return this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  }

  private ensureWorker(): RunningWorker {
    if (this.disposed) throw new Error('ML Lab is shutting down.');
    clearTimeout(this.idleTimer);
    if (this.worker) return this.worker;
    const { workerPath } = this.options;
    const log = this.log;
    if (!existsSync(workerPath)) throw new Error(`The ML Lab worker is missing (${workerPath}). Reinstall the extension.`);

    const child = fork(workerPath, [], {
      execArgv: [`--max-old-space-size=${this.options.maxOldSpaceMb ?? DEFAULT_HEAP_MB}`],
      // Inside VS Code process.execPath is Electron; this makes it behave as plain Node for the child.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    let resolveExit: (info: ExitInfo) => void = () => undefined;
    const worker: RunningWorker = {
      child,
      connection,
      exited: new Promise<ExitInfo>((r) => (resolveExit = r)),
      exitInfo: null,
      stderrTail: [],
      pending: new Map(),
      stopping: null,
    };
    this.worker = worker;
    log.info(`Worker started (pid ${child.pid ?? '?'}).`);

    child.stdout?.setEncoding('utf8').on('data', (text: string) => log.info(`[worker] ${text.trimEnd()}`));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        worker.stderrTail.push(line);
        if (worker.stderrTail.length > STDERR_TAIL_LINES) worker.stderrTail.shift();
        log.warn(`[worker] ${line}`);
      }
    });
    const onExit = (info: ExitInfo): void => {
      if (worker.exitInfo) return;
      worker.exitInfo = info;
      if (this.worker === worker) this.worker = undefined;
      connection.dispose();
      const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code ?? '?'}`;
      if (worker.stopping) log.info(`Worker stopped (${how}).`);
      else log.error(`Worker stopped unexpectedly (${how}).${worker.stderrTail.length ? ' Last output:\n' + worker.stderrTail.join('\n') : ''}`);
      for (const entry of [...worker.pending.values()]) {
        if (worker.stopping === 'unresponsive') {
          // Another request's cancel replaced the worker under this one.
          entry.fail(new WorkerStoppedError(`The ML Lab worker was restarted (it did not respond to a cancel) while ${entry.doing} ${entry.file}. Run it again.`));
        } else entry.fail(worker.stopping ? cancelled() : this.stoppedError(worker, info, entry.file, entry.doing));
      }
      resolveExit(info);
    };
    // 'close', not 'exit': by then stderr is fully read, so an out-of-memory message is not missed.
    child.on('close', (code, signal) => onExit({ code, signal }));
    child.on('error', (e) => {
      log.error(`Worker process error: ${e.message}`);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    connection.onNotification(PreviewNotification, (p) => worker.pending.get(p.requestId)?.hooks.onPreview?.(p.profile));
    connection.onNotification(ProgressNotification, (p) => worker.pending.get(p.requestId)?.hooks.onProgress?.(p.progress));
    connection.onNotification(CleanProgressNotification, (p) => worker.pending.get(p.requestId)?.hooks.onCleanProgress?.(p.progress));
    connection.onNotification(SweepProgressNotification, (p) => worker.pending.get(p.requestId)?.hooks.sweep?.onProgress?.(p.progress));
    connection.onNotification(SweepTrialStartedNotification, (p) => worker.pending.get(p.requestId)?.hooks.sweep?.onTrialStarted?.(p));
    connection.onNotification(SweepTrialNotification, (p) => worker.pending.get(p.requestId)?.hooks.sweep?.onTrial?.(p));
    connection.onError(([e]) => log.warn(`Worker connection: ${e.message}`));
    connection.listen();
    return worker;
  }

  private stopWorker(worker: RunningWorker, why: NonNullable<RunningWorker['stopping']>): Promise<void> {
    worker.stopping = why;
    if (this.worker === worker) this.worker = undefined;
    if (!worker.exitInfo) {
      worker.child.kill('SIGTERM');
      // The worker exits on SIGTERM once its cache writes finish (at most 1.5 s); then no more waiting.
      const hardKill = setTimeout(() => worker.child.kill('SIGKILL'), 2000);
      void worker.exited.then(() => clearTimeout(hardKill));
    }
    return worker.exited.then(() => undefined);
  }

  private armIdleTimer(worker: RunningWorker): void {
    const idleMs = this.options.idleMs ?? DEFAULT_IDLE_MS;
    if (idleMs <= 0 || this.worker !== worker || worker.pending.size > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && worker.pending.size === 0) void this.stopWorker(worker, 'idle');
    }, idleMs);
    this.idleTimer.unref();
  }

  private stoppedError(worker: RunningWorker, info: ExitInfo, file: string, doing: string): WorkerStoppedError {
    const outOfMemory = worker.stderrTail.some((l) => /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY/i.test(l));
    const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code ?? '?'}`;
    const why = outOfMemory ? `ran out of memory (${how})` : `stopped unexpectedly (${how})`;
    return new WorkerStoppedError(`The ML Lab worker ${why} while ${doing} ${file}. It will restart on the next request.`);
  }

  private toError(e: ResponseError<WorkerErrorData | undefined>): Error {
    if (e.code === REQUEST_CANCELLED) return cancelled();
    const data = e.data;
    if (data?.userErrorCode) return new UserError(data.userErrorCode, e.message);
    const error = new Error(e.message);
    if (data?.stack) error.stack = data.stack;
    return error;
  }
}

/**
 * When the extension host shuts down (code-server going down, a window closing) it closes the output channel
 * before it calls deactivate(), and a write to it then throws "Channel has been closed". Thrown from the
 * worker's exit handler, that skipped the rest of it, so dispose() never resolved and deactivate() held the
 * host for its 5 s limit. A log line is never worth that: it is dropped.
 */
function quietLog(log: WorkerLog): WorkerLog {
  const quietly = (write: (message: string) => void) => (message: string) => {
    try {
      write.call(log, message);
    } catch {
      // The channel is gone; nobody can read the line anyway.
    }
  };
  return { info: quietly(log.info), warn: quietly(log.warn), error: quietly(log.error) };
}

function isConnectionError(e: ResponseError<unknown>): boolean {
  // vscode-jsonrpc's own codes for a connection that closed under a pending request.
  return e.code === -32097 || e.code === -32096 || e.code === -32099;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
