// Host <-> worker messages, carried by vscode-jsonrpc over Node IPC. Both sides import these types, so a
// request and its handler cannot disagree about shapes. Notifications carry the request id they belong
// to, because several profiles can run in one worker at the same time.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { DatasetProfile, ProfileOptions, ProfileProgress } from './profile.js';
import type { UserErrorCode } from '../core/errors.js';

export interface ProfileParams {
  /** Chosen by the host; echoed in the preview and progress notifications of this request. */
  requestId: string;
  path: string;
  options: ProfileOptions;
  /** The `.mllab` folder of the workspace folder holding the file; null means no cache at all. */
  cacheDir: string | null;
  /** Read the cache before profiling. A fresh result is stored whenever cacheDir is set. */
  useCache: boolean;
}

/**
 * How the cache took part in a result. 'storing': the cache folder is writable and the entry is being
 * written after the response (hashing a large file takes seconds; the user should not wait for it).
 */
export type CacheOutcome = 'hit' | 'storing' | 'disabled' | 'unwritable';

export interface ProfileResult {
  profile: DatasetProfile;
  cache: CacheOutcome;
  /** One line for the user when the cache could not be written; null otherwise. */
  cacheNotice: string | null;
}

export interface CacheLookupParams {
  path: string;
  options: ProfileOptions;
  cacheDir: string;
}

export interface CacheLookupResult {
  profile: DatasetProfile | null;
}

export interface PreviewParams {
  requestId: string;
  profile: DatasetProfile;
}

export interface ProgressParams {
  requestId: string;
  progress: ProfileProgress;
}

/** What the worker attaches to an error response, so the host can tell user errors from bugs. */
export interface WorkerErrorData {
  /** Set for user-facing errors (bad input, cancellation). */
  userErrorCode: UserErrorCode | null;
  /** Set for unexpected errors, for the log only. */
  stack: string | null;
}

/** JSON-RPC's "request cancelled" code (LSP's RequestCancelled), so generic clients recognise it too. */
export const REQUEST_CANCELLED = -32800;
/** Error code of user-facing errors; the UserError code travels in the data. */
export const USER_ERROR = 1;

export const ProfileRequest = new RequestType<ProfileParams, ProfileResult, WorkerErrorData>('profile');
export const CacheLookupRequest = new RequestType<CacheLookupParams, CacheLookupResult, WorkerErrorData>('profile/cacheLookup');
export const PreviewNotification = new NotificationType<PreviewParams>('profile/preview');
export const ProgressNotification = new NotificationType<ProgressParams>('profile/progress');
