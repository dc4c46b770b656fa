// Sweeps across machines on Redis + BullMQ: the shapes the coordinator (extension worker or CLI), the
// `mllab worker` fleet, the Workers view and the Sweep panel share. Free of vscode and the DOM.

/** Bumped when a job's or a result's meaning changes: a worker on another version refuses the job. */
export const DISTRIBUTED_PROTOCOL_VERSION = 1;

/** BullMQ queue of trial jobs, under this key prefix in Redis. */
export const TRIAL_QUEUE = 'mllab-trials';
export const REDIS_PREFIX = 'mllab';

export type SweepBackend = 'local' | 'redis';

/** Where a worker reads the dataset; it verifies sha256 before training and caches the file by hash. */
export interface DatasetSource {
  sha256: string;
  bytes: number;
  /** A path the worker can read (a shared folder), tried first. */
  path: string | null;
  /** A URL the coordinator serves the file on (loopback unless told otherwise), tried next. */
  url: string | null;
}

/** A worker's heartbeat (a Redis key with a TTL); the Workers view lists them. */
export interface WorkerInfo {
  name: string;
  host: string;
  pid: number;
  /** ML Lab version and DISTRIBUTED_PROTOCOL_VERSION the worker runs. */
  version: string;
  protocol: number;
  concurrency: number;
  /** Trials running now. */
  running: { experimentId: string; index: number }[];
  trialsDone: number;
  startedAt: string;
  lastSeen: string;
}
