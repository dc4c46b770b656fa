// What the Sweep panel shows, computed from a snapshot without the DOM: table rows and their order, the
// best-so-far line, time left, headline numbers. Unit-tested in plain Node (test/unit/webview/sweep*.test.ts).
import type { ExperimentRecord, TrialRecord } from '../../src/protocol/experiment.js';
import type { LiveSweep, QueuedInfo, SweepSnapshot, TrialSortKey } from '../../src/protocol/sweepPanel.js';
import { metricLabel, modelLabel } from '../../src/protocol/labels.js';

// Labels have one source, shared with the host and the report: src/protocol/labels.ts.
export { metricLabel, modelLabel };

export type RowStatus = 'running' | 'done' | 'failed' | 'pruned';

export interface TrialRow {
  index: number;
  model: string;
  /** "learningRate=0.1, maxDepth=6"; empty while running (the host does not know the params yet). */
  params: string;
  score: number | null;
  /** Standard deviation of the fold scores. */
  spread: number | null;
  /** Seconds taken, or seconds so far for a running trial. */
  seconds: number;
  status: RowStatus;
  /** Why it failed, or how far a pruned trial got. */
  detail: string;
  best: boolean;
  /** The fleet worker that ran it (distributed sweeps); null for trials run on this machine and running ones. */
  worker: string | null;
}

/** Metrics of a best model worth a glance, per task, in this order. */
const KEY_METRICS: Readonly<Record<string, readonly string[]>> = {
  binary: ['roc_auc', 'accuracy', 'f1_macro', 'pr_auc', 'log_loss'],
  multiclass: ['accuracy', 'balanced_accuracy', 'f1_macro', 'log_loss'],
  regression: ['rmse', 'mae', 'r2', 'mape'],
};

/** 4 significant decimals for scores, fewer for big values (an RMSE of 12345.6). */
export function formatScore(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  if (abs >= 1000) return x.toFixed(0);
  if (abs >= 100) return x.toFixed(1);
  if (abs >= 10) return x.toFixed(2);
  return x.toFixed(4);
}

function formatParam(v: number | string | boolean): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export function formatParams(params: Readonly<Record<string, number | string | boolean>>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${formatParam(params[k] as number | string | boolean)}`)
    .join(', ');
}

/** "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '—';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(sec).padStart(2, '0')} s`;
}

/** The best trial: the record's when it names one, else the best done trial by the metric's direction. */
export function bestTrialIndex(snapshot: SweepSnapshot): number | null {
  const liveBest = snapshot.live?.progress?.bestTrial;
  if (liveBest !== undefined && liveBest !== null && snapshot.live?.state !== 'done') return liveBest;
  if (snapshot.record?.bestTrial !== null && snapshot.record?.bestTrial !== undefined) return snapshot.record.bestTrial;
  const greater = snapshot.record?.greaterIsBetter ?? true;
  let best: TrialRecord | null = null;
  for (const t of snapshot.trials) {
    if (t.status !== 'done' || t.score === null) continue;
    if (!best || (greater ? t.score > (best.score as number) : t.score < (best.score as number))) best = t;
  }
  return best ? best.index : null;
}

/** Trials are immutable once finished: their parameter text is formatted once (renders run several times a second). */
const paramsText = new WeakMap<TrialRecord, string>();
function paramsOf(t: TrialRecord): string {
  let text = paramsText.get(t);
  if (text === undefined) {
    text = formatParams(t.config.params);
    paramsText.set(t, text);
  }
  return text;
}

export function trialRows(snapshot: SweepSnapshot, now: number): TrialRow[] {
  const best = bestTrialIndex(snapshot);
  const rows: TrialRow[] = snapshot.trials.map((t) => ({
    index: t.index,
    model: t.config.model,
    params: paramsOf(t),
    score: t.status === 'done' ? t.score : null,
    spread: t.status === 'done' ? t.foldStd : null,
    seconds: t.seconds,
    status: t.status,
    detail: t.status === 'failed' ? (t.error ?? 'failed') : t.status === 'pruned' ? `stopped after ${t.reports.length} of the validation steps` : '',
    best: t.index === best,
    worker: typeof t.worker === 'string' && t.worker !== '' ? t.worker : null,
  }));
  const finished = new Set(rows.map((r) => r.index));
  for (const r of snapshot.live?.running ?? []) {
    if (finished.has(r.index)) continue;
    rows.push({ index: r.index, model: r.model, params: '', score: null, spread: null, seconds: Math.max(0, (now - r.startedAt) / 1000), status: 'running', detail: '', best: false, worker: null });
  }
  return rows;
}

/** The Worker column shows only when some trial ran on a fleet worker (a distributed sweep). */
export function hasWorkers(rows: readonly TrialRow[]): boolean {
  return rows.some((r) => r.worker !== null);
}

/** A row's tooltip: why it failed or was pruned, and which worker ran it. */
export function rowTooltip(row: TrialRow): string {
  return [row.detail, row.worker === null ? '' : `Ran on worker ${row.worker}`].filter((line) => line !== '').join('\n');
}

/** The table's "hide pruned and failed" filter: done and running trials stay. */
export function visibleRows(rows: readonly TrialRow[], hideUnscored: boolean): TrialRow[] {
  return hideUnscored ? rows.filter((r) => r.status === 'done' || r.status === 'running') : [...rows];
}

/** The headline best: the saved ensemble's score when it beat every trial, else the best trial's. */
export function bestHeadline(snapshot: SweepSnapshot): { score: number | null; source: string } {
  const r = snapshot.record;
  const live = snapshot.live;
  const running = live !== null && live.state !== 'done' && live.state !== 'failed' && live.state !== 'interrupted';
  if (!running && r?.bestKind === 'ensemble' && r.bestScore !== null) return { score: r.bestScore, source: 'ensemble of trials' };
  const index = bestTrialIndex(snapshot);
  const trial = snapshot.trials.find((t) => t.index === index);
  const score = (running ? live?.progress?.bestScore : null) ?? trial?.score ?? null;
  return { score, source: index === null ? '' : `trial #${index}` };
}

const STATUS_ORDER: Readonly<Record<RowStatus, number>> = { running: 0, done: 1, pruned: 2, failed: 3 };

/**
 * Rows in table order. Score sorts by quality whatever the metric's direction: descending = best first.
 * Rows without a score always come last; ties keep trial order.
 */
export function sortRows(rows: readonly TrialRow[], key: TrialSortKey, descending: boolean, greaterIsBetter: boolean): TrialRow[] {
  const sign = descending ? -1 : 1;
  const compare = (a: TrialRow, b: TrialRow): number => {
    switch (key) {
      case 'index':
        return sign * (a.index - b.index);
      case 'model':
        return sign * modelLabel(a.model).localeCompare(modelLabel(b.model));
      case 'seconds':
        return sign * (a.seconds - b.seconds);
      case 'status':
        return sign * (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
      case 'score': {
        if (a.score === null || b.score === null) return (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0);
        const quality = greaterIsBetter ? a.score - b.score : b.score - a.score;
        return sign * quality;
      }
    }
  };
  return [...rows].sort((a, b) => compare(a, b) || a.index - b.index);
}

/** Clicking the sorted column flips it; another column starts in its natural direction. */
export function nextSort(current: { key: TrialSortKey; descending: boolean }, clicked: TrialSortKey): { key: TrialSortKey; descending: boolean } {
  if (current.key === clicked) return { key: clicked, descending: !current.descending };
  return { key: clicked, descending: clicked === 'score' || clicked === 'index' || clicked === 'seconds' };
}

/** Best score after each done trial, in trial order: the stepped line under the scatter. */
export function bestSoFar(trials: readonly TrialRecord[], greaterIsBetter: boolean): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  let best: number | null = null;
  for (const t of [...trials].sort((a, b) => a.index - b.index)) {
    if (t.status !== 'done' || t.score === null || !Number.isFinite(t.score)) continue;
    if (best === null || (greaterIsBetter ? t.score > best : t.score < best)) best = t.score;
    out.push({ x: t.index, y: best });
  }
  return out;
}

export interface ChartPoints {
  /** Done trials at their cross-validated score. */
  done: { x: number; y: number }[];
  /** Pruned trials at the score of the fold (or rung) where the pruner stopped them; those that reported nothing are left out. */
  pruned: { x: number; y: number; step: number }[];
  /** Failed trials have no score: their indexes, drawn on the x axis. */
  failed: number[];
}

/**
 * What the score chart plots. A pruned trial's last report is an objective (higher is better, a loss
 * negated: src/core/ml/metrics.ts toObjective); it is turned back into the metric's own value here.
 */
export function chartPoints(trials: readonly TrialRecord[], greaterIsBetter: boolean): ChartPoints {
  const out: ChartPoints = { done: [], pruned: [], failed: [] };
  for (const t of [...trials].sort((a, b) => a.index - b.index)) {
    if (t.status === 'done') {
      if (t.score !== null && Number.isFinite(t.score)) out.done.push({ x: t.index, y: t.score });
    } else if (t.status === 'pruned') {
      const last = t.reports.at(-1);
      if (last && Number.isFinite(last.objective)) out.pruned.push({ x: t.index, y: greaterIsBetter ? last.objective : -last.objective, step: last.step });
    } else if (t.status === 'failed') out.failed.push(t.index);
  }
  return out;
}

/** Seconds of search budget left, extrapolated from the last progress; null without a time budget. */
export function timeLeft(live: LiveSweep | null, now: number): number | null {
  const p = live?.progress;
  if (!live || !p || p.budgetSeconds === null) return null;
  const ticking = live.state === 'running' && p.phase === 'searching';
  const elapsed = p.elapsedSeconds + (ticking ? Math.max(0, (now - live.receivedAt) / 1000) : 0);
  return Math.max(0, p.budgetSeconds - elapsed);
}

export type PanelState = LiveSweep['state'] | 'unknown';

/** The live state when this window runs the sweep, else what the store says. */
export function panelState(snapshot: SweepSnapshot): PanelState {
  if (snapshot.live) return snapshot.live.state;
  return snapshot.record?.status ?? 'unknown';
}

export const STATE_LABELS: Readonly<Record<PanelState, string>> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  stopping: 'Stopping…',
  done: 'Done',
  failed: 'Failed',
  interrupted: 'Interrupted',
  unknown: 'Not found',
};

/**
 * Which controls make sense now. A sweep that runs elsewhere (CLI) cannot be controlled from here; an
 * interrupted or failed one can be resumed from its journal (the host runs Resume Experiment for it).
 */
export function controls(snapshot: SweepSnapshot): { pause: boolean; resume: boolean; stop: boolean } {
  const state = snapshot.live?.state;
  return {
    pause: state === 'running',
    resume: state === 'paused' || state === 'interrupted' || state === 'failed' || (!snapshot.live && (snapshot.record?.status === 'interrupted' || snapshot.record?.status === 'failed')),
    stop: state === 'running' || state === 'paused' || state === 'queued',
  };
}

export interface MetricEntry {
  name: string;
  label: string;
  value: string;
  optimised: boolean;
}

/** The best trial's metrics: the optimised one first, then the task's usual ones that it has. */
export function keyMetrics(record: ExperimentRecord | null, best: TrialRecord | undefined): MetricEntry[] {
  if (!record || !best) return [];
  const preferred = KEY_METRICS[record.task] ?? [];
  const names = Object.keys(best.metrics).filter((n) => Number.isFinite(best.metrics[n as keyof typeof best.metrics]));
  // A glance, not the report: the optimised metric and the task's usual ones (the report has every metric).
  const ordered = [record.metric, ...preferred.filter((n) => n !== record.metric)];
  return ordered
    .filter((n) => names.includes(n))
    .map((n) => ({ name: n, label: metricLabel(n), value: formatScore(best.metrics[n as keyof typeof best.metrics] ?? null), optimised: n === record.metric }));
}

/** "12 done · 2 running · 3 pruned · 1 failed". */
export function countsText(rows: readonly TrialRow[]): string {
  const n = { done: 0, running: 0, pruned: 0, failed: 0 };
  for (const r of rows) n[r.status]++;
  const parts = [`${n.done} done`];
  if (n.running) parts.push(`${n.running} running`);
  if (n.pruned) parts.push(`${n.pruned} pruned`);
  if (n.failed) parts.push(`${n.failed} failed`);
  return parts.join(' · ');
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** What the panel says about a sweep still waiting in this window's queue. */
export function queuedText(q: QueuedInfo, state: LiveSweep['state'] | undefined): { title: string; meta: string; notice: string } {
  const place = q.position === 1 ? 'next in line' : `${ordinal(q.position)} in line`;
  const notice =
    state === 'stopping'
      ? 'Cancelling this queued sweep…'
      : `Queued: ${place}${q.waiting > 1 ? ` (${q.waiting} waiting)` : ''}. It starts when a running sweep ends (the setting mllab.sweep.concurrency runs more at once); this panel then shows it live.${state === 'paused' ? ' It will start paused.' : ''}`;
  return { title: `${q.dataset} → ${q.target}`, meta: [`queued #${q.position}`, q.budget ? `budget ${q.budget}` : ''].filter(Boolean).join(' · '), notice };
}
