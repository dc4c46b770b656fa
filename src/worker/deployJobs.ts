// Maps the deploy-and-monitor requests onto the core: drift/check runs checkDrift and stores the report,
// retrain/start runs retrain with its sweep's progress forwarded as sweep/progress notifications tagged with
// the request id. Both cancel through a jsonrpc cancellation turned into an AbortSignal. The core functions
// are injected (as registerSweepJobs does) so tests can drive the mapping without training anything.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MessageConnection, ResponseError } from 'vscode-jsonrpc/node.js';
import { nodeStoreFs, writeFileAtomic } from '../core/store/atomicFile.js';
import type { SweepHooks } from '../core/search/sweep.js';
import type { DriftReport, DriftThresholds, RetrainOutcome } from '../protocol/deploy.js';
import { DriftCheckRequest, RetrainStartRequest, SweepProgressNotification } from '../protocol/worker.js';
import type { DriftCheckResult, WorkerErrorData } from '../protocol/worker.js';
import { toResponseError } from './profileJobs.js';

export type CheckDriftFn = (options: {
  model?: string;
  reference?: string;
  current: string;
  thresholds?: Partial<DriftThresholds>;
  signal?: AbortSignal;
}) => Promise<DriftReport>;

export type RetrainFn = (options: {
  root: string;
  experimentId: string;
  newData: string;
  mode?: 'new' | 'combined';
  budgetSeconds?: number;
  signal?: AbortSignal;
  hooks?: SweepHooks;
}) => Promise<RetrainOutcome>;

export interface DeployJobs {
  /** Aborts every drift check and retrain (the worker is exiting); a retrain's sweep marks itself interrupted. */
  cancelAll(): void;
  /** Resolves once none runs. */
  idle(): Promise<void>;
}

export function registerDeployJobs(connection: MessageConnection, core: { checkDrift: CheckDriftFn; retrain: RetrainFn }): DeployJobs {
  const aborts = new Set<AbortController>();
  const running = new Set<Promise<unknown>>();

  /** Runs `job` with an AbortSignal tied to the request's cancellation, tracked for cancelAll/idle. */
  const track = <R>(token: { onCancellationRequested(listener: () => void): { dispose(): void } }, job: (signal: AbortSignal) => Promise<R>): Promise<R | ResponseError<WorkerErrorData>> => {
    const abort = new AbortController();
    aborts.add(abort);
    const subscription = token.onCancellationRequested(() => abort.abort());
    const promise = job(abort.signal).catch((e: unknown) => toResponseError(e));
    running.add(promise);
    void promise.finally(() => {
      subscription.dispose();
      aborts.delete(abort);
      running.delete(promise);
    });
    return promise;
  };

  connection.onRequest(DriftCheckRequest, (params, token) =>
    track(token, async (signal): Promise<DriftCheckResult> => {
      const report = await core.checkDrift({
        ...(params.model ? { model: params.model } : {}),
        ...(params.reference ? { reference: params.reference } : {}),
        current: params.current,
        thresholds: params.thresholds,
        signal,
      });
      if (!params.out) return { report, reportPath: null };
      await mkdir(dirname(params.out), { recursive: true });
      await writeFileAtomic(nodeStoreFs, params.out, JSON.stringify(report, null, 2) + '\n');
      return { report, reportPath: params.out };
    }),
  );

  connection.onRequest(RetrainStartRequest, (params, token) =>
    track(token, (signal) =>
      core.retrain({
        root: params.workspace,
        experimentId: params.experimentId,
        newData: params.newData,
        mode: params.mode,
        ...(params.budgetSeconds !== undefined ? { budgetSeconds: params.budgetSeconds } : {}),
        signal,
        hooks: {
          signal,
          onProgress: (progress) => void connection.sendNotification(SweepProgressNotification, { requestId: params.requestId, progress }),
        },
      }),
    ),
  );

  return {
    cancelAll: () => {
      for (const a of aborts) a.abort();
    },
    idle: () => Promise.allSettled([...running]).then(() => undefined),
  };
}
