// Maps the profile requests onto the core: cache lookup, the profiling pass, cache store. Kept apart from
// the process wiring in main.ts so the mapping reads on its own.
import { ResponseError } from 'vscode-jsonrpc/node.js';
import type { MessageConnection } from 'vscode-jsonrpc/node.js';
import { diskFullError, isUserError } from '../core/errors.js';
import { ProfileCache } from '../core/store/profileCache.js';
import type { DatasetProfile, ProfileOptions, ProfileProgress } from '../protocol/profile.js';
import { CacheLookupRequest, PreviewNotification, ProfileRequest, ProgressNotification, REQUEST_CANCELLED, USER_ERROR } from '../protocol/worker.js';
import type { ProfileResult, WorkerErrorData } from '../protocol/worker.js';

export type ProfileFileFn = (
  path: string,
  options: ProfileOptions,
  hooks?: { onPreview?(p: DatasetProfile): void; onProgress?(p: ProfileProgress): void; signal?: AbortSignal },
) => Promise<DatasetProfile>;

/** Progress at most this often: enough for a smooth bar, few enough messages not to matter. */
const PROGRESS_INTERVAL_MS = 100;

export interface ProfileJobs {
  /** Resolves once no cache entry is being written (the worker waits for this before it exits). */
  idle(): Promise<void>;
}

export function registerProfileJobs(connection: MessageConnection, profileFile: ProfileFileFn): ProfileJobs {
  const stores = new Set<Promise<void>>();

  connection.onRequest(CacheLookupRequest, async (params) => {
    const profile = await new ProfileCache(params.cacheDir).lookup(params.path, params.options);
    return { profile };
  });

  connection.onRequest(ProfileRequest, async (params, token): Promise<ProfileResult | ResponseError<WorkerErrorData>> => {
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    let lastProgress = 0;
    try {
      const cache = params.cacheDir === null ? null : new ProfileCache(params.cacheDir);
      if (cache && params.useCache) {
        const hit = await cache.lookup(params.path, params.options);
        if (hit) return { profile: hit, cache: 'hit', cacheNotice: null };
      }
      const profile = await profileFile(params.path, params.options, {
        signal: abort.signal,
        onPreview: (p) => void connection.sendNotification(PreviewNotification, { requestId: params.requestId, profile: p }),
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < PROGRESS_INTERVAL_MS && p.bytesDone < p.bytesTotal) return;
          lastProgress = now;
          void connection.sendNotification(ProgressNotification, { requestId: params.requestId, progress: p });
        },
      });
      if (abort.signal.aborted) return cancelledError();
      if (!cache) return { profile, cache: 'disabled', cacheNotice: null };
      const check = await cache.checkWritable();
      if (!check.writable) return { profile, cache: 'unwritable', cacheNotice: check.message };
      // Storing hashes the whole file (seconds for a GB): answer first, write the entry after.
      const storing: Promise<void> = cache
        .store(params.path, profile, params.options)
        .then((outcome) => {
          if (!outcome.stored) process.stderr.write(`Not cached: ${outcome.message}\n`);
        })
        .finally(() => stores.delete(storing));
      stores.add(storing);
      return { profile, cache: 'storing', cacheNotice: null };
    } catch (e) {
      if (abort.signal.aborted || (isUserError(e) && e.code === 'CANCELLED')) return cancelledError();
      return toResponseError(e);
    } finally {
      subscription.dispose();
    }
  });

  return { idle: () => Promise.all([...stores]).then(() => undefined) };
}

export function cancelledError(): ResponseError<WorkerErrorData> {
  return new ResponseError(REQUEST_CANCELLED, 'Cancelled.', { userErrorCode: 'CANCELLED', stack: null });
}

export function toResponseError(thrown: unknown): ResponseError<WorkerErrorData> {
  const e = diskFullError(thrown) ?? thrown;
  if (isUserError(e)) return new ResponseError(USER_ERROR, e.message, { userErrorCode: e.code, stack: null });
  const error = e instanceof Error ? e : new Error(String(e));
  return new ResponseError(-32603, error.message, { userErrorCode: null, stack: error.stack ?? null });
}
