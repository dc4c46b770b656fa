// What every view of an experiment report derives from report.json and the journal: the winner's trial,
// its metrics in display order, the trial history with its best-so-far line, parameter text, and the
// lineage steps in words. Pure (no DOM, no vscode): the webviews and the HTML/Markdown export share it,
// so the panel and an exported file show the same numbers.
import type { DatasetVersion } from './datasetVersion.js';
import type { ExperimentRecord, TrialRecord } from './experiment.js';
import type { ExperimentReport, ReportTrial } from './experimentReport.js';
import type { RecipeStep } from './recipe.js';
import { METRICS } from '../core/ml/metrics.js';
import type { MetricName, ParamValue, Params, Task } from '../core/ml/types.js';

// Model and metric labels have one source (the Sweep panel and the tree use it too).
import { metricLabel } from './labels.js';
export { MODEL_LABELS, metricLabel, modelLabel } from './labels.js';

export function greaterIsBetter(name: string): boolean {
  return (METRICS as Record<string, { greaterIsBetter: boolean } | undefined>)[name]?.greaterIsBetter ?? true;
}

/**
 * A metric value for reading: four significant decimals (0.9922, 12.35, 1234.6). The exact value travels
 * beside it (data-value attributes, tooltips), so nothing is lost to rounding.
 */
export function formatScore(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(3);
  if (a >= 1000) return v.toFixed(1);
  if (a >= 100) return v.toFixed(2);
  return v.toFixed(4);
}

export function formatParam(v: ParamValue): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }
  return String(v);
}

/** `a=1, b=relu` in key order: stable text for tables and diffs. */
export function paramsText(params: Params): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${formatParam(params[k]!)}`)
    .join(', ');
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 90) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** The trial whose model leads the winner: the best trial, or the heaviest ensemble member. */
export function leadTrial(report: ExperimentReport): ReportTrial | null {
  const lead = [...report.best.members].sort((a, b) => b.weight - a.weight)[0];
  if (!lead) return null;
  return report.trials.find((t) => t.index === lead.trial) ?? null;
}

/** Metrics shown for a task, the optimised one first, then in the registry's order. */
export function metricOrder(task: Task, optimised: MetricName): MetricName[] {
  const all = (Object.keys(METRICS) as MetricName[]).filter((m) => METRICS[m].tasks.includes(task));
  return [optimised, ...all.filter((m) => m !== optimised)];
}

export interface MetricRow {
  metric: MetricName;
  label: string;
  /** Out-of-fold value on the lead trial (the ensemble's score for the optimised metric of an ensemble); null when unknown. */
  value: number | null;
  /** The shipped model on the held-out test rows (report.heldOut); null when none were held out or undefined there. */
  heldOut: number | null;
  greaterIsBetter: boolean;
  optimised: boolean;
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/**
 * The winner's metrics: cross-validated, and on the held-out test rows when the sweep set some aside. For
 * an ensemble only its optimised cross-validated score is known (the journal holds per-trial metrics), so
 * the other cross-validated values are the lead member's and say so through `source`; the held-out values
 * are always the shipped model's own. A row is listed when either value is known.
 */
export function bestMetrics(report: ExperimentReport): { rows: MetricRow[]; source: string } {
  const lead = leadTrial(report);
  const rows: MetricRow[] = [];
  for (const m of metricOrder(report.task, report.metric)) {
    const optimised = m === report.metric;
    const value = finite(optimised && report.best.score !== null ? report.best.score : lead?.metrics[m]);
    const heldOut = finite(report.heldOut?.metrics[m]);
    if (value === null && heldOut === null) continue;
    rows.push({ metric: m, label: metricLabel(m), value, heldOut, greaterIsBetter: greaterIsBetter(m), optimised });
  }
  const source = report.best.kind === 'ensemble' && lead ? `ensemble of ${report.best.members.length} trials; other metrics are trial ${lead.index}'s` : lead ? `trial ${lead.index}` : 'no trial';
  return { rows, source };
}

export interface HistoryPoint {
  /** Trial index. */
  trial: number;
  /** Metric value; null for failed and pruned trials. */
  score: number | null;
  /** Best score of trials with index ≤ this one (what a sweep had found by then), null until one finished. */
  best: number | null;
}

/** Trials in index order with the running best, for the trial history chart. */
export function trialHistory(trials: readonly { index: number; score: number | null; status: string }[], greater: boolean): HistoryPoint[] {
  let best: number | null = null;
  return [...trials]
    .sort((a, b) => a.index - b.index)
    .map((t) => {
      const score = t.status === 'done' && t.score !== null && Number.isFinite(t.score) ? t.score : null;
      if (score !== null && (best === null || (greater ? score > best : score < best))) best = score;
      return { trial: t.index, score, best };
    });
}

/** Journal lines in the report's per-trial shape, so a running experiment shows the same table. */
export function trialsFromJournal(journal: readonly TrialRecord[]): ReportTrial[] {
  return journal.map((t) => ({
    index: t.index,
    model: t.config.model,
    params: t.config.params,
    status: t.status,
    score: t.score,
    foldScores: t.foldScores,
    foldStd: t.foldStd,
    metrics: t.metrics,
    seconds: t.seconds,
    error: t.error,
  }));
}

/** Trials best first (done ones by score in the metric's direction, then pruned, then failed). */
export function rankTrials(trials: readonly ReportTrial[], greater: boolean): ReportTrial[] {
  const rank = (t: ReportTrial): number => (t.status === 'done' && t.score !== null ? 0 : t.status === 'pruned' ? 1 : 2);
  return [...trials].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 0) return greater ? b.score! - a.score! : a.score! - b.score!;
    return a.index - b.index;
  });
}

function stepColumns(step: RecipeStep): string {
  const s = step as unknown as { column?: unknown; columns?: unknown };
  if (typeof s.column === 'string') return s.column;
  if (Array.isArray(s.columns)) return s.columns.filter((c): c is string => typeof c === 'string').join(', ');
  return '';
}

/** One line per Recipe step: the operation and the columns it touches (names are data: escape on output). */
export function recipeSteps(version: DatasetVersion | null): { op: string; columns: string }[] {
  return (version?.recipe?.steps ?? []).map((step) => ({ op: step.op, columns: stepColumns(step) }));
}

/** "20% of rows (35) held out before the search, stratified" or "none" (older records: none). */
export function testSplitText(record: ExperimentRecord, heldOutRows: number | null): string {
  const f = record.config.testFraction ?? 0;
  if (!(f > 0)) return 'none: every row was used for the search';
  const rows = heldOutRows === null ? '' : ` (${heldOutRows} rows)`;
  return `${Math.round(f * 1000) / 10}% of rows${rows} set aside before the search${record.task === 'regression' ? '' : ', stratified'}; listed in split.json`;
}

/** "5-fold cross-validation (stratified)" or "holdout 20%". */
export function validationText(record: ExperimentRecord): string {
  const v = record.config.validation;
  return v.kind === 'kfold' ? `${v.folds}-fold cross-validation${v.stratified ? ' (stratified)' : ''}` : `holdout ${Math.round(v.fraction * 100)}%`;
}

/** Area under a piecewise-linear curve by the trapezoid rule (x ascending or not). */
export function trapezoidArea(points: readonly { x: number; y: number }[]): number {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  let area = 0;
  for (let i = 1; i < sorted.length; i++) area += ((sorted[i]!.x - sorted[i - 1]!.x) * (sorted[i]!.y + sorted[i - 1]!.y)) / 2;
  return area;
}
