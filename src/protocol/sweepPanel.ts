// Messages between the Sweep panel controller (extension host) and its webview app.
// The host sends one full snapshot first (and again whenever the webview reloads), then live deltas: the
// sweep's state, its running trials and the trials finished since the last delta. Both sides validate what
// they receive: a webview is a separate page, and saved state can outlive a build.
import type { ExperimentRecord, SweepProgress, TrialRecord } from './experiment.js';
import { isRecord } from './jsonShape.js';

/** Bump when a message changes shape; the webview sends it in `ready` and the host checks it. */
export const SWEEP_PROTOCOL_VERSION = 2;

/** Mirrors SweepActivity's state (src/extension/sweepActivity.ts), which cannot be imported here. */
export type LiveState = 'queued' | 'running' | 'paused' | 'stopping' | 'done' | 'failed' | 'interrupted';

export interface RunningTrial {
  index: number;
  model: string;
  /** Epoch ms (host clock; the webview only subtracts it from its own clock). */
  startedAt: number;
}

/** What the store does not hold: known only while the sweep runs in this window. */
export interface LiveSweep {
  state: LiveState;
  progress: SweepProgress | null;
  running: RunningTrial[];
  error: string | null;
  /** Host epoch ms when this state was published: the webview extrapolates elapsed time from it. */
  receivedAt: number;
}

/** A sweep of this window still waiting for the worker: it has no experiment (nor record) yet. */
export interface QueuedInfo {
  /** 1 = next to start. */
  position: number;
  /** How many sweeps wait in all (this one included). */
  waiting: number;
  /** Dataset file name. */
  dataset: string;
  target: string;
  /** "5 min", "40 trials"; null when the sweep keeps a stored budget (a resume). */
  budget: string | null;
}

export interface SweepSnapshot {
  /** The experiment id; a queued sweep's key (`queued-N`) while it waits (the panel switches to the id when it starts). */
  experimentId: string;
  /** The stored record; null when the experiment cannot be read (deleted, newer schema, not written yet). */
  record: ExperimentRecord | null;
  /** Every finished trial, by index ascending. */
  trials: TrialRecord[];
  /** Null when no sweep for this experiment ran in this window (the record's status says the rest). */
  live: LiveSweep | null;
  /** Why the snapshot is empty, e.g. "No experiment 2026… in this workspace." */
  notice: string | null;
  /** Set while the sweep waits in this window's queue (absent or null otherwise). */
  queued?: QueuedInfo | null;
}

export type SweepControl = 'pause' | 'resume' | 'stop';

export type SweepHostMessage =
  | { type: 'snapshot'; snapshot: SweepSnapshot }
  /** A live change: the new live state, trials finished since the last message, and the record if re-read. */
  | { type: 'activity'; live: LiveSweep; finished: TrialRecord[]; record: ExperimentRecord | null };

export type SweepWebviewMessage =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'control'; action: SweepControl }
  | { type: 'openReport' };

export type TrialSortKey = 'index' | 'model' | 'score' | 'seconds' | 'status';

/** UI state the webview keeps with setState; the host reads `experimentId` from it to revive the panel. */
export interface SweepWebviewState {
  experimentId: string;
  sortKey: TrialSortKey;
  sortDescending: boolean;
  /** Trial highlighted in the table and the chart. */
  selectedTrial: number | null;
  /** Only done and running trials in the table (pruned ones can be most of a sweep). */
  hideUnscored: boolean;
}

const LIVE_STATES: readonly string[] = ['queued', 'running', 'paused', 'stopping', 'done', 'failed', 'interrupted'];
const CONTROLS: readonly string[] = ['pause', 'resume', 'stop'];
const SORT_KEYS: readonly string[] = ['index', 'model', 'score', 'seconds', 'status'];
const TRIAL_STATUSES: readonly string[] = ['done', 'failed', 'pruned'];

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isNullableNumber(x: unknown): x is number | null {
  return x === null || isFiniteNumber(x);
}

function isNullableString(x: unknown): x is string | null {
  return x === null || typeof x === 'string';
}

/** Enough of a trial that the table and chart cannot trip over it. */
export function isTrialRecord(x: unknown): x is TrialRecord {
  return (
    isRecord(x) &&
    Number.isInteger(x.index) &&
    isRecord(x.config) &&
    typeof x.config.model === 'string' &&
    isRecord(x.config.params) &&
    typeof x.status === 'string' &&
    TRIAL_STATUSES.includes(x.status) &&
    isNullableNumber(x.score) &&
    Array.isArray(x.foldScores) &&
    isNullableNumber(x.foldStd) &&
    isRecord(x.metrics) &&
    isFiniteNumber(x.seconds) &&
    isNullableString(x.error) &&
    // The fleet worker of a distributed sweep's trial (absent otherwise).
    (x.worker === undefined || typeof x.worker === 'string')
  );
}

export function isSweepProgress(x: unknown): x is SweepProgress {
  return (
    isRecord(x) &&
    typeof x.experimentId === 'string' &&
    typeof x.phase === 'string' &&
    isFiniteNumber(x.finishedTrials) &&
    isFiniteNumber(x.runningTrials) &&
    isFiniteNumber(x.elapsedSeconds) &&
    isNullableNumber(x.budgetSeconds) &&
    isNullableNumber(x.maxTrials) &&
    isNullableNumber(x.bestScore) &&
    isNullableNumber(x.bestTrial)
  );
}

function isRunningTrial(x: unknown): x is RunningTrial {
  return isRecord(x) && Number.isInteger(x.index) && typeof x.model === 'string' && isFiniteNumber(x.startedAt);
}

export function isLiveSweep(x: unknown): x is LiveSweep {
  return (
    isRecord(x) &&
    typeof x.state === 'string' &&
    LIVE_STATES.includes(x.state) &&
    (x.progress === null || isSweepProgress(x.progress)) &&
    Array.isArray(x.running) &&
    x.running.every(isRunningTrial) &&
    isNullableString(x.error) &&
    isFiniteNumber(x.receivedAt)
  );
}

/** Shallow check of a record: the fields the panel reads. */
export function looksLikeExperimentRecord(x: unknown): x is ExperimentRecord {
  return (
    isRecord(x) &&
    typeof x.id === 'string' &&
    typeof x.status === 'string' &&
    isRecord(x.config) &&
    typeof x.config.target === 'string' &&
    isRecord(x.dataset) &&
    typeof x.dataset.path === 'string' &&
    typeof x.metric === 'string' &&
    typeof x.greaterIsBetter === 'boolean' &&
    isNullableNumber(x.bestTrial) &&
    isNullableNumber(x.bestScore) &&
    isRecord(x.times)
  );
}

function isQueuedInfo(x: unknown): x is QueuedInfo {
  return (
    isRecord(x) &&
    Number.isInteger(x.position) &&
    Number.isInteger(x.waiting) &&
    typeof x.dataset === 'string' &&
    typeof x.target === 'string' &&
    isNullableString(x.budget)
  );
}

export function isSweepSnapshot(x: unknown): x is SweepSnapshot {
  return (
    isRecord(x) &&
    typeof x.experimentId === 'string' &&
    (x.record === null || looksLikeExperimentRecord(x.record)) &&
    Array.isArray(x.trials) &&
    x.trials.every(isTrialRecord) &&
    (x.live === null || isLiveSweep(x.live)) &&
    isNullableString(x.notice) &&
    (x.queued === undefined || x.queued === null || isQueuedInfo(x.queued))
  );
}

export function isSweepHostMessage(x: unknown): x is SweepHostMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'snapshot':
      return isSweepSnapshot(x.snapshot);
    case 'activity':
      return isLiveSweep(x.live) && Array.isArray(x.finished) && x.finished.every(isTrialRecord) && (x.record === null || looksLikeExperimentRecord(x.record));
    default:
      return false;
  }
}

export function isSweepWebviewMessage(x: unknown): x is SweepWebviewMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'ready':
      return Number.isInteger(x.protocolVersion);
    case 'control':
      return typeof x.action === 'string' && CONTROLS.includes(x.action);
    case 'openReport':
      return true;
    default:
      return false;
  }
}

export function defaultSweepState(experimentId: string): SweepWebviewState {
  return { experimentId, sortKey: 'index', sortDescending: true, selectedTrial: null, hideUnscored: false };
}

/** Saved state from an older build or a broken page: the id is required, the rest falls back to defaults. */
export function parseSweepState(x: unknown): SweepWebviewState | undefined {
  if (!isRecord(x) || typeof x.experimentId !== 'string' || x.experimentId === '') return undefined;
  const state = defaultSweepState(x.experimentId);
  if (typeof x.sortKey === 'string' && SORT_KEYS.includes(x.sortKey)) state.sortKey = x.sortKey as TrialSortKey;
  if (typeof x.sortDescending === 'boolean') state.sortDescending = x.sortDescending;
  if (Number.isInteger(x.selectedTrial) && (x.selectedTrial as number) >= 0) state.selectedTrial = x.selectedTrial as number;
  if (typeof x.hideUnscored === 'boolean') state.hideUnscored = x.hideUnscored;
  return state;
}

/**
 * Trials merged by index (a resumed or replayed trial replaces the one with its index), ascending. Returns
 * the same array when nothing is new, so callers can skip a redraw.
 */
export function mergeTrials(trials: readonly TrialRecord[], finished: readonly TrialRecord[]): TrialRecord[] {
  if (finished.length === 0) return trials as TrialRecord[];
  const byIndex = new Map<number, TrialRecord>();
  for (const t of trials) byIndex.set(t.index, t);
  for (const t of finished) byIndex.set(t.index, t);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** Applies a live delta to a snapshot (host and webview both keep one). Running trials that finished drop out. */
export function applyActivity(snapshot: SweepSnapshot, live: LiveSweep, finished: readonly TrialRecord[], record: ExperimentRecord | null): SweepSnapshot {
  const trials = mergeTrials(snapshot.trials, finished);
  const done = new Set(trials.map((t) => t.index));
  return {
    ...snapshot,
    record: record ?? snapshot.record,
    trials,
    live: { ...live, running: live.running.filter((r) => !done.has(r.index)) },
    notice: record ? null : snapshot.notice,
  };
}
