// The experiment report (report.json, written by the sweep's finish step in src/core/search/sweepParts.ts)
// as a typed shape, plus the host↔webview messages of the Experiment Report and Compare panels.
// Free of vscode and the DOM: the host, the webviews and the HTML/Markdown export all read it.
import type { Evaluation } from '../core/ml/evaluation.js';
import type { MetricName, ModelKind, ParamValue, Params, Task } from '../core/ml/types.js';
import type { DatasetVersion } from './datasetVersion.js';
import type { ExperimentRecord, TrialRecord, TrialStatus, Validation } from './experiment.js';

export const REPORT_PROTOCOL_VERSION = 1;

/** Re-exported for the webviews, which import only src/protocol. */
export type { Evaluation, ParamValue, Params };

export interface ReportTrial {
  index: number;
  model: ModelKind;
  params: Params;
  status: TrialStatus;
  score: number | null;
  foldScores: number[];
  foldStd: number | null;
  metrics: Partial<Record<MetricName, number>>;
  seconds: number;
  error: string | null;
}

export interface ReportMember {
  trial: number;
  weight: number;
  model: ModelKind;
  params: Params;
  score: number | null;
}

export interface ImportanceItem {
  feature: string;
  mean: number;
  std: number;
}

/**
 * The shipped model (refitted on the training rows) on the test rows set aside before the search; the
 * experiment's split.json lists which rows of the file they are.
 */
export interface HeldOutReport {
  rows: number;
  /** Every metric of the task (those defined on these rows). */
  metrics: Partial<Record<MetricName, number>>;
  evaluation: Evaluation;
}

/** report.json, schema version 1. */
export interface ExperimentReport {
  schemaVersion: number;
  experimentId: string;
  task: Task;
  metric: MetricName;
  /** Class names by index (classification), null for regression. */
  classes: string[] | null;
  best: { kind: 'trial' | 'ensemble'; score: number | null; members: ReportMember[] };
  validation: Validation;
  /** On the winner's out-of-fold predictions. */
  evaluation: Evaluation;
  /** Permutation importance on held-out folds; null when it could not be measured. */
  importance: { trial: number; folds: number; features: ImportanceItem[] } | null;
  /** Why importance is missing or measured on fewer folds; null/absent when complete (older reports lack it). */
  importanceNote?: string | null;
  /** Metrics and evaluation on the held-out test rows; null/absent when none were held out (older reports). */
  heldOut?: HeldOutReport | null;
  trials: ReportTrial[];
  backend: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown): boolean => v === null || typeof v === 'number';

function isEvaluation(ev: unknown, task: unknown): boolean {
  if (!isObject(ev) || ev.task !== task) return false;
  if (ev.task === 'regression') {
    const r = ev.residuals;
    return isObject(r) && Array.isArray(r.sample) && isObject(r.histogram) && Array.isArray(r.histogram.edges) && Array.isArray(r.histogram.counts);
  }
  const c = ev.confusion;
  if (!isObject(c) || !Array.isArray(c.counts) || !c.counts.every((row) => Array.isArray(row) && row.every((n) => typeof n === 'number'))) return false;
  return Array.isArray(ev.curves) && ev.curves.every((k) => isObject(k) && Array.isArray(k.roc) && Array.isArray(k.pr) && Array.isArray(k.calibration));
}

/**
 * The report if `value` has report.json's shape (checked down to the fields the views index into), else
 * null. A newer schema version is refused: its fields may mean something else.
 */
export function parseExperimentReport(value: unknown): ExperimentReport | null {
  if (!isObject(value) || value.schemaVersion !== 1) return null;
  if (typeof value.experimentId !== 'string' || typeof value.metric !== 'string') return null;
  if (value.task !== 'binary' && value.task !== 'multiclass' && value.task !== 'regression') return null;
  if (value.classes !== null && !(Array.isArray(value.classes) && value.classes.every((c) => typeof c === 'string'))) return null;
  const best = value.best;
  if (!isObject(best) || (best.kind !== 'trial' && best.kind !== 'ensemble') || !isNumberOrNull(best.score) || !Array.isArray(best.members)) return null;
  if (!best.members.every((m) => isObject(m) && typeof m.trial === 'number' && typeof m.weight === 'number' && typeof m.model === 'string' && isObject(m.params))) return null;
  if (!isObject(value.validation)) return null;
  if (!isEvaluation(value.evaluation, value.task)) return null;
  if (value.importanceNote !== undefined && value.importanceNote !== null && typeof value.importanceNote !== 'string') return null;
  const held = value.heldOut;
  if (held !== undefined && held !== null) {
    if (!isObject(held) || typeof held.rows !== 'number' || !isObject(held.metrics) || !Object.values(held.metrics).every((v) => typeof v === 'number')) return null;
    if (!isEvaluation(held.evaluation, value.task)) return null;
  }
  const imp = value.importance;
  if (imp !== null && !(isObject(imp) && Array.isArray(imp.features) && imp.features.every((f) => isObject(f) && typeof f.feature === 'string' && typeof f.mean === 'number' && typeof f.std === 'number'))) return null;
  if (!Array.isArray(value.trials)) return null;
  if (!value.trials.every((t) => isObject(t) && typeof t.index === 'number' && typeof t.model === 'string' && isObject(t.params) && isNumberOrNull(t.score) && isObject(t.metrics) && Array.isArray(t.foldScores))) return null;
  return value as unknown as ExperimentReport;
}

/** Where the trained data came from: the file, and the cleaning Recipe when ML Lab wrote the file. */
export interface ReportLineage {
  /** The version record from .mllab/datasets matching the dataset's sha256; null for a file ML Lab did not write. */
  version: DatasetVersion | null;
}

export type ExportFormat = 'html' | 'md';

// ---- Experiment Report panel ----------------------------------------------------------------------------

export interface ReportSnapshot {
  experiment: ExperimentRecord;
  /** null while the sweep runs, after a failure, or when report.json is unreadable (then `notice` says why). */
  report: ExperimentReport | null;
  /** The journal: every finished trial (also while running, when report.json does not exist yet). */
  trials: TrialRecord[];
  lineage: ReportLineage;
  notice: string | null;
}

export type ReportHostMessage =
  | { type: 'snapshot'; snapshot: ReportSnapshot }
  | { type: 'exported'; format: ExportFormat; ok: boolean; message: string }
  | { type: 'error'; message: string };

export type ReportWebviewMessage =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'export'; format: ExportFormat }
  | { type: 'refresh' }
  /** Opens the Compare view with this experiment and the ones the host offers in a pick. */
  | { type: 'compareWith' }
  /** Reveals models/best.json. */
  | { type: 'openModel' };

export function isReportWebviewMessage(m: unknown): m is ReportWebviewMessage {
  if (!isObject(m)) return false;
  switch (m.type) {
    case 'ready':
      return typeof m.protocolVersion === 'number';
    case 'export':
      return m.format === 'html' || m.format === 'md';
    case 'refresh':
    case 'compareWith':
    case 'openModel':
      return true;
    default:
      return false;
  }
}

export function isReportHostMessage(m: unknown): m is ReportHostMessage {
  if (!isObject(m)) return false;
  switch (m.type) {
    case 'snapshot':
      return isObject(m.snapshot) && isObject(m.snapshot.experiment) && Array.isArray(m.snapshot.trials);
    case 'exported':
      return (m.format === 'html' || m.format === 'md') && typeof m.ok === 'boolean' && typeof m.message === 'string';
    case 'error':
      return typeof m.message === 'string';
    default:
      return false;
  }
}

// ---- Compare panel ------------------------------------------------------------------------------------

/** One column of the comparison: an experiment's best result, or one trial of an experiment. */
export interface CompareEntry {
  /** Unique within the view: the experiment id, or `<id>#<trial>`. */
  key: string;
  label: string;
  experiment: ExperimentRecord;
  /** The trial shown: the best (leading member) for an experiment entry. null when none finished. */
  trial: ReportTrial | null;
  /** Present when report.json was readable: curves for the overlay. */
  evaluation: Evaluation | null;
  classes: string[] | null;
}

export interface CompareSnapshot {
  entries: CompareEntry[];
  notice: string | null;
}

export type CompareHostMessage = { type: 'snapshot'; snapshot: CompareSnapshot };

export type CompareWebviewMessage = { type: 'ready'; protocolVersion: number } | { type: 'openReport'; experimentId: string };

export function isCompareWebviewMessage(m: unknown): m is CompareWebviewMessage {
  if (!isObject(m)) return false;
  if (m.type === 'ready') return typeof m.protocolVersion === 'number';
  if (m.type === 'openReport') return typeof m.experimentId === 'string' && m.experimentId.length > 0;
  return false;
}

export function isCompareHostMessage(m: unknown): m is CompareHostMessage {
  return isObject(m) && m.type === 'snapshot' && isObject(m.snapshot) && Array.isArray(m.snapshot.entries);
}

// ---- Saved webview state (restored by the panel serializers after a window reload) --------------------

/** What the Experiment Report webview saves with setState: which experiment it shows. */
export interface ReportWebviewState {
  experimentId: string;
}

/** What the Compare webview saves with setState: the compared experiment ids, in order. */
export interface CompareWebviewState {
  experimentIds: string[];
}

/** A plausible experiment id (the store checks it again): no path separators, no "..". */
function isStateId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= 200 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(x) && !x.includes('..');
}

export function parseReportState(x: unknown): ReportWebviewState | undefined {
  return isObject(x) && isStateId(x.experimentId) ? { experimentId: x.experimentId } : undefined;
}

/** At most 50 ids; unusable ids are dropped; fewer than two left means nothing to compare. */
export function parseCompareState(x: unknown): CompareWebviewState | undefined {
  if (!isObject(x) || !Array.isArray(x.experimentIds)) return undefined;
  const ids = [...new Set(x.experimentIds.filter(isStateId))].slice(0, 50);
  return ids.length >= 2 ? { experimentIds: ids } : undefined;
}
