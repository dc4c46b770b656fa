// Maps the cleaning requests onto the core: suggestions, preview, apply (with its version record and the
// new file's profile), version lookup and code export.
//
// Apply writes the cleaned data to a hidden staging file beside the output, hashes and profiles it there,
// writes the version record, and only then renames it into place: a cancel or a failure at any point
// before that leaves neither a file nor a record.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { ResponseError } from 'vscode-jsonrpc/node.js';
import type { MessageConnection } from 'vscode-jsonrpc/node.js';
import { cancelled, isUserError, UserError } from '../core/errors.js';
import { applyRecipeToFile, checkOutput } from '../core/clean/applyFile.js';
import { exportPython } from '../core/clean/exportPython.js';
import { exportTypeScript } from '../core/clean/exportTypeScript.js';
import { previewChoicesForFile } from '../core/clean/preview.js';
import { fitRecipeForFile } from '../core/clean/sample.js';
import { orderChoices, suggestCleaning } from '../core/clean/suggestions.js';
import { nodeStoreFs } from '../core/store/atomicFile.js';
import { DatasetVersions } from '../core/store/datasetVersions.js';
import { hashFile, ProfileCache } from '../core/store/profileCache.js';
import { DATASET_VERSION_SCHEMA_VERSION } from '../protocol/datasetVersion.js';
import type { DatasetVersion } from '../protocol/datasetVersion.js';
import {
  CleanApplyRequest,
  CleanPreviewRequest,
  CleanProgressNotification,
  CleanSuggestRequest,
  ExportCodeRequest,
  VersionLookupRequest,
} from '../protocol/worker.js';
import type { CleanApplyParams, CleanApplyResult, CleanPhase, WorkerErrorData } from '../protocol/worker.js';
import type { ProfileFileFn } from './profileJobs.js';
import { cancelledError, toResponseError } from './profileJobs.js';

const PROGRESS_INTERVAL_MS = 100;

export interface CleanJobs {
  /** Resolves once no apply is running (the worker waits for this before it exits). */
  idle(): Promise<void>;
  /** Cancels every running apply: each removes its staging file and writes no record. */
  cancelAll(): void;
}

export function registerCleanJobs(connection: MessageConnection, profileFile: ProfileFileFn): CleanJobs {
  const running = new Set<Promise<unknown>>();
  const aborts = new Set<AbortController>();

  connection.onRequest(CleanSuggestRequest, (params) => guard(() => ({ suggestions: suggestCleaning(params.profile) })));

  // The panel sends its checked rows in their ranked (display) order; steps must run in stage order, e.g.
  // numbers read before a gap is filled with their median.
  connection.onRequest(CleanPreviewRequest, (params) =>
    guard(() => previewChoicesForFile(params.path, params.profile, orderChoices(params.choices), { missingTokens: params.missingTokens, sourceName: basename(params.path) })),
  );

  connection.onRequest(VersionLookupRequest, (params) =>
    guard(async () => {
      const versions = new DatasetVersions(params.mllabDir);
      // Hashing a big file takes seconds: only when some version has the file's row and column counts.
      const candidates = (await versions.list()).filter(
        (v) => (params.rows === undefined || v.rows === params.rows) && (params.columns === undefined || v.report === null || v.report.columns.length === params.columns),
      );
      if (candidates.length === 0) return { version: null };
      return { version: await versions.get(await hashFile(nodeStoreFs, params.path)) };
    }),
  );

  connection.onRequest(ExportCodeRequest, (params) =>
    guard(() => {
      const options = { dialect: params.dialect };
      return { code: params.language === 'python' ? exportPython(params.recipe, options) : exportTypeScript(params.recipe, options) };
    }),
  );

  connection.onRequest(CleanApplyRequest, (params, token) => {
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    aborts.add(abort);
    let lastProgress = 0;
    const progress = (phase: CleanPhase, rowsDone = 0, force = true): void => {
      const now = Date.now();
      if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      void connection.sendNotification(CleanProgressNotification, { requestId: params.requestId, progress: { phase, rowsDone, rowsTotal: params.profile.rows } });
    };
    const job = applyAndRecord(params, profileFile, abort.signal, progress)
      .catch((e: unknown) => (abort.signal.aborted || (isUserError(e) && e.code === 'CANCELLED') ? cancelledError() : toResponseError(e)))
      .finally(() => {
        subscription.dispose();
        aborts.delete(abort);
        running.delete(job);
      });
    running.add(job);
    return job;
  });

  return {
    idle: () => Promise.all([...running]).then(() => undefined),
    cancelAll: () => {
      for (const abort of aborts) abort.abort();
    },
  };
}

async function applyAndRecord(
  params: CleanApplyParams,
  profileFile: ProfileFileFn,
  signal: AbortSignal,
  progress: (phase: CleanPhase, rowsDone?: number, force?: boolean) => void,
): Promise<CleanApplyResult> {
  const { path, out, mllabDir, options } = params;
  const stop = (): void => {
    if (signal.aborted) throw cancelled();
  };
  checkOutput(out, path, params.force);
  progress('fitting');
  const recipe = params.recipe ?? fitRecipeForFile(path, params.profile, orderChoices(params.choices), { missingTokens: options.missingTokens, sourceName: basename(path) });
  stop();
  const staging = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.partial`);
  const versions = new DatasetVersions(mllabDir);
  let recorded: string | null = null;
  try {
    const report = await applyRecipeToFile(path, recipe, staging, { signal, onProgress: (rows) => progress('applying', rows, false) });
    stop();
    progress('hashing');
    const hash = await hashFile(nodeStoreFs, staging, signal);
    // The profile cache knows the source's hash when it was profiled with the cache on.
    const parentHash = (await new ProfileCache(mllabDir).knownHash(path)) ?? (await hashFile(nodeStoreFs, path, signal));
    stop();
    progress('profiling');
    // A cleaned file the profiler rejects (every row dropped: no data rows) is still the user's result.
    const profile = await profileFile(staging, options, { signal }).catch((e: unknown) => {
      if (isUserError(e) && e.code !== 'CANCELLED') return e;
      throw e;
    });
    stop();
    const root = dirname(mllabDir);
    const version: DatasetVersion = {
      schemaVersion: DATASET_VERSION_SCHEMA_VERSION,
      hash,
      path: workspacePath(root, out),
      name: basename(out),
      parent: { hash: parentHash, path: workspacePath(root, path) },
      recipe,
      report,
      rows: report.rowsOut,
      createdAt: new Date().toISOString(),
    };
    // Applying the same Recipe again writes the same bytes: the existing record stays if the rename fails.
    const existed = (await versions.get(hash)) !== null;
    await versions.save(version).catch((e: unknown) => {
      // A full disk already is a one-line DISK_FULL naming the file.
      if (isUserError(e)) throw e;
      throw new UserError('UNREADABLE', `Cannot record the version in ${versions.datasetsDir} (${(e as { code?: string }).code ?? (e as Error).message}); nothing was written.`);
    });
    if (!existed) recorded = hash;
    try {
      renameSync(staging, out);
    } catch (e) {
      throw new UserError('BAD_ARGUMENT', `Cannot write ${out} (${(e as { code?: string }).code ?? (e as Error).message}).`);
    }
    recorded = null;
    if (profile instanceof Error) return { version, profile: null, cacheNotice: `Not profiled: ${profile.message}` };
    // The rename keeps size and mtime, so the cache accepts the staging file's profile under the real name.
    const finalProfile = { ...profile, file: { ...profile.file, path: out } };
    if (!params.cacheProfile) return { version, profile: finalProfile, cacheNotice: null };
    const stored = await new ProfileCache(mllabDir).store(out, finalProfile, options, hash);
    return { version, profile: finalProfile, cacheNotice: stored.stored ? null : stored.message };
  } finally {
    if (existsSync(staging)) unlinkSync(staging);
    if (recorded) await versions.delete(recorded).catch(() => undefined);
  }
}

/** Workspace-relative with '/' when inside the workspace folder, else the absolute path. */
function workspacePath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

async function guard<T>(job: () => T | Promise<T>): Promise<T | ResponseError<WorkerErrorData>> {
  try {
    return await job();
  } catch (e) {
    return toResponseError(e);
  }
}

