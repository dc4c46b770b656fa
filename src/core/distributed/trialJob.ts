// What travels on the queue: a trial job (everything a worker needs to rebuild the coordinator's training
// rows and folds from the dataset file and run one ML Lab trial configuration; never code) and its result.
// Both are plain JSON; the out-of-fold predictions travel as base64 of the Float64Array's bytes (exact and
// about a third the size of decimal text).
import { version } from '../../../package.json';
import { DISTRIBUTED_PROTOCOL_VERSION } from '../../protocol/distributed.js';
import type { DatasetSource } from '../../protocol/distributed.js';
import type { Validation } from '../../protocol/experiment.js';
import type { MetricName, Task } from '../ml/types.js';
import type { TrialOutcome } from '../search/trial.js';
import type { TrialConfig } from '../search/types.js';

export const MLLAB_VERSION: string = version;

export interface TrialJobData {
  protocol: number;
  version: string;
  experimentId: string;
  index: number;
  config: TrialConfig;
  seed: number;
  metric: MetricName;
  dataset: DatasetSource;
  target: string;
  task: Task;
  validation: Validation;
  /**
   * The held-out test share: the worker recomputes the coordinator's split (splitTestRows with the sweep's
   * seed), so no trial ever sees a test row. 0 = none.
   */
  testFraction: number;
  /** Training rows after the split, as the coordinator counted them: a worker whose table differs refuses. */
  trainRows: number;
  /** Successive-halving rungs (the pruner's verdicts stay with the coordinator: a remote trial is never pruned). */
  rungs: number[] | null;
  timeoutMs: number;
}

export interface TrialResultData {
  protocol: number;
  status: TrialOutcome['status'];
  foldScores: (number | null)[];
  metrics: Partial<Record<MetricName, number>>;
  error: string | null;
  backend: string | null;
  /** base64 of the out-of-fold Float64Array (little-endian bytes); null unless done. */
  oof: string | null;
  worker: string;
  seconds: number;
}

export function encodeFloats(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloats(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 8 !== 0) throw new Error(`predictions of ${bytes.byteLength} bytes are not 8-byte numbers`);
  // Copied into a fresh, aligned buffer (a Buffer may sit at any offset of a shared pool).
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeResult(outcome: TrialOutcome, worker: string, seconds: number): TrialResultData {
  return {
    protocol: DISTRIBUTED_PROTOCOL_VERSION,
    status: outcome.status,
    // NaN (a metric undefined on one fold) is not JSON: null on the wire.
    foldScores: outcome.foldScores.map((s) => (Number.isFinite(s) ? s : null)),
    metrics: outcome.metrics,
    error: outcome.error,
    backend: outcome.backend,
    oof: outcome.oof ? encodeFloats(outcome.oof) : null,
    worker,
    seconds,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A worker's result as a trial outcome; anything malformed is a failed trial saying why. */
export function decodeResult(raw: unknown): TrialOutcome {
  const value: unknown = typeof raw === 'string' ? safeParse(raw) : raw;
  const bad = (why: string): TrialOutcome => ({ status: 'failed', oof: null, foldScores: [], metrics: {}, error: `the worker's result was unreadable: ${why}`, backend: null });
  if (!isRecord(value)) return bad('not an object');
  if (value.protocol !== DISTRIBUTED_PROTOCOL_VERSION) return bad(`protocol ${String(value.protocol)}, expected ${DISTRIBUTED_PROTOCOL_VERSION}`);
  const status = value.status;
  if (status !== 'done' && status !== 'failed' && status !== 'pruned') return bad(`status ${String(status)}`);
  if (!Array.isArray(value.foldScores) || !isRecord(value.metrics)) return bad('fold scores or metrics missing');
  let oof: Float64Array | null = null;
  if (typeof value.oof === 'string') {
    try {
      oof = decodeFloats(value.oof);
    } catch (e) {
      return bad(e instanceof Error ? e.message : String(e));
    }
  }
  if (status === 'done' && oof === null) return bad('a done trial without out-of-fold predictions');
  return {
    status,
    oof,
    foldScores: value.foldScores.map((s) => (typeof s === 'number' ? s : NaN)),
    metrics: value.metrics as Partial<Record<MetricName, number>>,
    error: typeof value.error === 'string' ? value.error : null,
    backend: typeof value.backend === 'string' ? value.backend : null,
    ...(typeof value.worker === 'string' ? { worker: value.worker } : {}),
    ...(typeof value.seconds === 'number' && Number.isFinite(value.seconds) ? { seconds: value.seconds } : {}),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Why a worker must not run this job (another protocol or a malformed job), or null when it may. */
export function refusal(data: unknown, workerName: string): string | null {
  if (!isRecord(data)) return `worker ${workerName} got a job that is not an ML Lab trial`;
  if (data.protocol !== DISTRIBUTED_PROTOCOL_VERSION) {
    return `worker ${workerName} runs ML Lab ${MLLAB_VERSION} (distributed protocol ${DISTRIBUTED_PROTOCOL_VERSION}) but the sweep's coordinator runs ML Lab ${String(data.version)} (protocol ${String(data.protocol)}): run the same ML Lab version on the coordinator and the workers`;
  }
  const config = data.config;
  if (typeof data.experimentId !== 'string' || typeof data.index !== 'number' || !isRecord(config) || typeof config.model !== 'string' || !isRecord(config.params) || !isRecord(data.dataset) || typeof data.target !== 'string') {
    return `worker ${workerName} got a malformed trial job`;
  }
  return null;
}

/** BullMQ job id of a trial: the same trial enqueued twice (a resumed coordinator) is one job. */
export function trialJobId(experimentId: string, index: number): string {
  return `${experimentId}-${index}`;
}
