// Host <-> worker messages, carried by vscode-jsonrpc over Node IPC. Both sides import these types, so a
// request and its handler cannot disagree about shapes. Notifications carry the request id they belong
// to, because several profiles can run in one worker at the same time.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { DatasetProfile, Dialect, ProfileOptions, ProfileProgress } from './profile.js';
import type { UserErrorCode } from '../core/errors.js';
import type { DatasetVersion } from './datasetVersion.js';
import type { Recipe, RecipePreview, StepChoice, Suggestion } from './recipe.js';
import type { PrunerName, SweepProgress, TrialRecord } from './experiment.js';
import type { MetricName, ModelKind, Task } from '../core/ml/types.js';
import type { SamplerName } from '../core/search/types.js';
import type { DriftReport, DriftThresholds, RetrainOutcome } from './deploy.js';
import type { SweepBackend, WorkerInfo } from './distributed.js';

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

// ---- Cleaning (issue 3). The host holds the profile it showed; it sends it back so the worker fits the
// steps on exactly what the user saw, without profiling again.

export interface CleanSuggestParams {
  profile: DatasetProfile;
}

export interface CleanSuggestResult {
  suggestions: Suggestion[];
}

export interface CleanPreviewParams {
  path: string;
  profile: DatasetProfile;
  choices: StepChoice[];
  missingTokens: string[];
}

export interface CleanPreviewResult {
  recipe: Recipe;
  preview: RecipePreview;
}

export interface CleanApplyParams {
  requestId: string;
  path: string;
  profile: DatasetProfile;
  choices: StepChoice[];
  /** The Recipe a preview fitted for these same choices: applied as is, so Apply does what Preview showed. */
  recipe: Recipe | null;
  /** Absolute path of the cleaned file. */
  out: string;
  /** Replace `out` if it exists (the host asked the user). */
  force: boolean;
  /** Options for profiling the new file (its report opens next). */
  options: ProfileOptions;
  /** The workspace folder's `.mllab` folder: version record, Recipe and the new file's cached profile go there. */
  mllabDir: string;
  /** Cache the new file's profile (the `mllab.profile.cache` setting); the version is recorded either way. */
  cacheProfile: boolean;
}

export interface CleanApplyResult {
  version: DatasetVersion;
  /** The new file's full profile (also cached under `.mllab/profiles`); null when the profiler rejects the file (every row dropped). */
  profile: DatasetProfile | null;
  /** Set when the profile could not be made or cached; the version is recorded all the same. */
  cacheNotice: string | null;
}

export type CleanPhase = 'fitting' | 'applying' | 'hashing' | 'profiling';

export interface CleanProgress {
  phase: CleanPhase;
  /** Rows written so far while applying; 0 in the other phases. */
  rowsDone: number;
  /** The source's row count (from its profile). */
  rowsTotal: number;
}

export interface CleanProgressParams {
  requestId: string;
  progress: CleanProgress;
}

export interface VersionLookupParams {
  path: string;
  mllabDir: string;
  /** The file's row and column counts from its profile, when known: a version with other counts cannot be it, so no hashing. */
  rows?: number;
  columns?: number;
}

export interface VersionLookupResult {
  version: DatasetVersion | null;
}

export interface ExportCodeParams {
  recipe: Recipe;
  language: 'python' | 'typescript';
  /** How the files the code will read are written (the profiled source's dialect). */
  dialect: Dialect;
}

export interface ExportCodeResult {
  code: string;
}

export const CleanSuggestRequest = new RequestType<CleanSuggestParams, CleanSuggestResult, WorkerErrorData>('clean/suggest');
export const CleanPreviewRequest = new RequestType<CleanPreviewParams, CleanPreviewResult, WorkerErrorData>('clean/preview');
export const CleanApplyRequest = new RequestType<CleanApplyParams, CleanApplyResult, WorkerErrorData>('clean/apply');
export const CleanProgressNotification = new NotificationType<CleanProgressParams>('clean/progress');
export const VersionLookupRequest = new RequestType<VersionLookupParams, VersionLookupResult, WorkerErrorData>('clean/versionLookup');
export const ExportCodeRequest = new RequestType<ExportCodeParams, ExportCodeResult, WorkerErrorData>('clean/exportCode');

// ---- Sweeps (issue 5). One SweepStart request lives as long as its sweep; the notifications carry its
// requestId (the experiment id is only known once the store has created the experiment). Pause, resume and
// stop are separate short requests naming the same requestId, so the host can steer a sweep it started.

/**
 * The runner's SweepConfig (src/core/search/sweep.ts) as it travels: the same fields, written out so the
 * protocol (which the webviews type-check too) does not import the runner. `workspace` is required here.
 */
export interface SweepRequestConfig {
  dataset: string;
  target: string;
  /** The folder holding `.mllab`. */
  workspace: string;
  task?: Task | 'auto';
  metric?: string;
  budgetSeconds?: number;
  maxTrials?: number;
  search?: SamplerName;
  seed?: number;
  models?: ModelKind[];
  folds?: number;
  holdout?: number;
  /** Share of rows held out before the search to score the final model on; absent = the engine's default. */
  testFraction?: number;
  parallel?: number;
  pruner?: PrunerName;
  trialTimeoutSeconds?: number;
  ensemble?: boolean;
  /** Continue this interrupted experiment. */
  resume?: string;
  warmStart?: string;
  parent?: string;
  /** Where trials run: 'local' (this worker's threads, the default) or 'redis' (a fleet of `mllab worker`s). */
  backend?: SweepBackend;
  /** With backend 'redis': the server, without a password (redis://host:port or rediss://…). */
  redisUrl?: string;
  /** With backend 'redis': the password from the editor's SecretStorage; never written to the store. */
  redisPassword?: string;
  /** With backend 'redis': the address the dataset is offered on to workers (default loopback only). */
  redisOfferHost?: string;
}

export interface SweepStartParams {
  requestId: string;
  config: SweepRequestConfig;
  /** Sweeps this worker runs at once (the `mllab.sweep.concurrency` setting); later ones wait their turn. Default 1. */
  concurrency?: number;
}

/** How a sweep ended: 'done' with its winner, or 'interrupted' by a stop (resumable). Failures are errors. */
export type SweepStartResult =
  | { status: 'done'; experimentId: string; metric: MetricName; bestScore: number; bestTrial: number; bestKind: 'trial' | 'ensemble'; modelPath: string; reportPath: string; trials: number }
  | { status: 'interrupted'; experimentId: string | null; trials: number };

export interface SweepControlParams {
  requestId: string;
}

export interface SweepControlResult {
  /** False when no sweep with that requestId runs in this worker (already finished, or never started). */
  found: boolean;
}

export interface SweepProgressParams {
  requestId: string;
  progress: SweepProgress;
}

export interface SweepTrialStartedParams {
  requestId: string;
  experimentId: string;
  index: number;
  model: ModelKind;
  /** Epoch ms. */
  startedAt: number;
}

export interface SweepTrialParams {
  requestId: string;
  experimentId: string;
  trial: TrialRecord;
}

export const SweepStartRequest = new RequestType<SweepStartParams, SweepStartResult, WorkerErrorData>('sweep/start');
export const SweepPauseRequest = new RequestType<SweepControlParams, SweepControlResult, WorkerErrorData>('sweep/pause');
export const SweepResumeRequest = new RequestType<SweepControlParams, SweepControlResult, WorkerErrorData>('sweep/resume');
export const SweepStopRequest = new RequestType<SweepControlParams, SweepControlResult, WorkerErrorData>('sweep/stop');
export const SweepProgressNotification = new NotificationType<SweepProgressParams>('sweep/progress');
export const SweepTrialStartedNotification = new NotificationType<SweepTrialStartedParams>('sweep/trialStarted');
export const SweepTrialNotification = new NotificationType<SweepTrialParams>('sweep/trial');

// ---- Deploy and monitor (issue 6). A drift check and a retrain are long requests with a requestId; a
// retrain's sweep progress comes as sweep/progress notifications carrying that same requestId.

export interface DriftCheckParams {
  requestId: string;
  /** The model package JSON (its training data is the reference), or null with `reference`. */
  model: string | null;
  /** A dataset CSV (version) to compare against, when no model is given. */
  reference: string | null;
  /** A CSV, or a deployment's predictions.jsonl log. */
  current: string;
  thresholds: DriftThresholds;
  /** Where the worker stores the report (atomically); null keeps it in memory only. */
  out: string | null;
}

export interface DriftCheckResult {
  report: DriftReport;
  /** `out` once written, else null. */
  reportPath: string | null;
}

export interface RetrainStartParams {
  requestId: string;
  /** The folder holding `.mllab`. */
  workspace: string;
  experimentId: string;
  newData: string;
  mode: 'new' | 'combined';
  budgetSeconds?: number;
}

export const DriftCheckRequest = new RequestType<DriftCheckParams, DriftCheckResult, WorkerErrorData>('drift/check');
export const RetrainStartRequest = new RequestType<RetrainStartParams, RetrainOutcome, WorkerErrorData>('retrain/start');

// ---- Distributed sweeps (issue 7). The Workers view asks the worker process for the fleet, so the Redis
// client stays out of the extension host's bundle.

export interface WorkersListParams {
  /** redis:// or rediss:// URL without a password. */
  url: string;
  password: string | null;
}

export interface WorkersListResult {
  workers: WorkerInfo[];
}

export const WorkersListRequest = new RequestType<WorkersListParams, WorkersListResult, WorkerErrorData>('workers/list');
