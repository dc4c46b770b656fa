// The Compare view: experiments (their best trial) side by side: parameter diff, metrics, overlaid
// ROC / PR curves (binary: the positive class; multiclass: the first class vs rest), and a parallel-
// coordinates chart of parameters vs score (chart.js lines over normalised axes).
import type { Chart } from 'chart.js';
import { formatScore, greaterIsBetter, metricLabel, metricOrder, modelLabel, validationText } from '../../src/protocol/experimentReportFormat.js';
import { REPORT_PROTOCOL_VERSION, isCompareHostMessage } from '../../src/protocol/experimentReport.js';
import type { CompareEntry, CompareSnapshot, CompareWebviewMessage, CompareWebviewState } from '../../src/protocol/experimentReport.js';
import { clear, el } from '../shared/element.js';
import { onThemeChange, readTheme } from '../shared/theme.js';
import { chartFigure } from '../experimentReport/charts.js';
import type { ChartSeries } from '../experimentReport/charts.js';
import { parallelAxes, paramDiff } from './compareModel.js';

interface VsCodeApi {
  postMessage(message: CompareWebviewMessage): void;
  /** Kept by VS Code across a window reload: the panel serializer reopens these experiments. */
  setState(state: CompareWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const root = document.getElementById('app')!;
let snapshot: CompareSnapshot | null = null;
let charts: Chart[] = [];
let differingOnly = false;

function headRow(entries: CompareEntry[], first: string): HTMLElement {
  return el('tr', null, el('th', null, first), ...entries.map((e) =>
    el('th', { class: 'entry', attrs: { scope: 'col' } }, el('button', { class: 'link', attrs: { type: 'button', title: 'Open report' }, on: { click: () => api.postMessage({ type: 'openReport', experimentId: e.experiment.id }) } }, e.label))));
}

function curveOf(e: CompareEntry, pick: 'roc' | 'pr'): ChartSeries | null {
  const ev = e.evaluation;
  if (!ev || ev.task === 'regression') return null;
  const c = ev.curves.find((k) => k.roc.length > 0);
  if (!c) return null;
  return { name: e.label, kind: 'line', points: pick === 'roc' ? c.roc.map((p) => ({ x: p.fpr, y: p.tpr })) : c.pr.map((p) => ({ x: p.recall, y: p.precision })) };
}

function render(): void {
  for (const c of charts) c.destroy();
  charts = [];
  clear(root);
  const s = snapshot;
  if (!s) {
    root.appendChild(el('p', { class: 'dim' }, 'Loading…'));
    return;
  }
  const entries = s.entries;
  const theme = readTheme();
  const metric = entries[0]?.experiment.metric ?? 'accuracy';
  const task = entries[0]?.experiment.task ?? 'binary';
  const sameMetric = entries.every((e) => e.experiment.metric === metric);

  const overview = el('table', { class: 'compare' },
    el('thead', null, headRow(entries, '')),
    el('tbody', null,
      ...([
        ['Dataset', (e: CompareEntry) => e.experiment.dataset.path.split(/[\\/]/).pop() ?? ''],
        ['Target', (e: CompareEntry) => e.experiment.config.target],
        ['Status', (e: CompareEntry) => e.experiment.status],
        ['Validation', (e: CompareEntry) => validationText(e.experiment)],
        ['Trials', (e: CompareEntry) => String(e.experiment.trials)],
        ['Best trial', (e: CompareEntry) => (e.trial ? `${e.trial.index} (${modelLabel(e.trial.model)})` : '—')],
      ] as [string, (e: CompareEntry) => string][]).map(([label, f]) => el('tr', null, el('th', { attrs: { scope: 'row' } }, label), ...entries.map((e) => el('td', null, f(e)))))),
  );

  const metricNames = metricOrder(task, metric).filter((m) => entries.some((e) => e.trial?.metrics[m] !== undefined));
  const metricsTable = el('table', { class: 'compare metrics' },
    el('thead', null, headRow(entries, 'Metric (out-of-fold)')),
    el('tbody', null, ...metricNames.map((m) => {
      const values = entries.map((e) => (m === e.experiment.metric && e.experiment.bestScore !== null ? e.experiment.bestScore : e.trial?.metrics[m]) ?? null);
      const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
      const best = finite.length ? (greaterIsBetter(m) ? Math.max(...finite) : Math.min(...finite)) : null;
      return el('tr', null, el('th', { attrs: { scope: 'row' } }, metricLabel(m)),
        ...values.map((v) => el('td', { class: `num${v !== null && v === best && entries.length > 1 ? ' best-cell' : ''}`, attrs: { 'data-value': v === null ? '' : String(v), 'data-metric': m, title: v === null ? null : String(v) } }, formatScore(v), v !== null && v === best && entries.length > 1 ? el('span', { class: 'sr' }, ' (best)') : null)));
    })),
  );

  const diffRows = paramDiff(entries.map((e) => ({ model: e.trial?.model ?? '—', params: e.trial?.params ?? {} })));
  const shown = differingOnly ? diffRows.filter((r) => r.differs) : diffRows;
  const toggle = el('label', { class: 'toggle' }, el('input', { attrs: { type: 'checkbox', checked: differingOnly }, on: { change: (ev) => { differingOnly = (ev.target as HTMLInputElement).checked; render(); } } }), ' Only parameters that differ');
  const diffTable = el('table', { class: 'compare diff' },
    el('thead', null, headRow(entries, 'Parameter')),
    el('tbody', null, ...shown.map((r) => el('tr', null, el('th', { attrs: { scope: 'row' } }, r.param), ...r.values.map((v) => el('td', { class: r.differs ? 'changed' : '' }, v ?? '—'))))),
  );

  const roc = entries.map((e) => curveOf(e, 'roc')).filter((c): c is ChartSeries => c !== null);
  const pr = entries.map((e) => curveOf(e, 'pr')).filter((c): c is ChartSeries => c !== null);
  const curveNote = task === 'multiclass' ? ' (first class vs rest)' : '';
  const curves = roc.length
    ? el('div', { class: 'charts' },
        chartFigure([...roc, { name: 'Chance', kind: 'line', dashed: true, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }], { title: `ROC curves${curveNote}`, xLabel: 'False positive rate', yLabel: 'True positive rate', x: [0, 1], y: [0, 1] }, theme, charts),
        chartFigure(pr, { title: `Precision–recall curves${curveNote}`, xLabel: 'Recall', yLabel: 'Precision', x: [0, 1], y: [0, 1.02] }, theme, charts),
      )
    : null;

  const { axes, lines } = parallelAxes(entries.map((e) => ({ params: e.trial?.params ?? {}, score: e.trial ? (e.experiment.bestScore ?? e.trial.score) : null })), metricLabel(metric));
  const parallel = axes.length > 1
    ? el('div', null,
        chartFigure(
          lines.map((line, i) => ({ name: entries[i]!.label, kind: 'line' as const, points: line.flatMap((v, k) => (v === null ? [] : [{ x: k, y: v }])) })),
          { title: 'Parameters vs score (each axis scaled to its own range)', xLabel: axes.map((a, k) => `${k}: ${a.name}`).join(' · '), yLabel: 'Normalised value', y: [-0.05, 1.05], x: [0, axes.length - 1], integerX: true },
          theme, charts, 'chart wide',
        ),
        el('table', { class: 'axes' }, el('thead', null, el('tr', null, el('th', null, 'Axis'), el('th', null, 'Parameter'), el('th', null, 'Range (0 → 1)'))),
          el('tbody', null, ...axes.map((a, k) => el('tr', null, el('td', { class: 'num' }, k), el('td', null, a.name), el('td', null, a.kind === 'numeric' ? `${a.ticks[0]} → ${a.ticks[1]}` : a.ticks.join(' · ')))))),
      )
    : null;

  root.append(
    el('header', { class: 'report-header' }, el('div', null, el('h1', null, `Compare ${entries.length} experiments`), s.notice ? el('p', { class: 'notice', attrs: { role: 'note' } }, s.notice) : null,
      sameMetric ? null : el('p', { class: 'notice', attrs: { role: 'note' } }, 'These experiments optimise different metrics: compare scores with care.'))),
    el('main', null,
      el('section', { attrs: { id: 'overview', 'aria-label': 'Overview' } }, el('h2', null, 'Overview'), overview),
      el('section', { attrs: { id: 'metrics', 'aria-label': 'Metrics' } }, el('h2', null, 'Metrics'), metricsTable),
      el('section', { attrs: { id: 'params', 'aria-label': 'Parameters' } }, el('h2', null, 'Parameters'), toggle, diffTable),
      curves ? el('section', { attrs: { id: 'curves', 'aria-label': 'Curves' } }, el('h2', null, 'Curves'), curves) : null,
      parallel ? el('section', { attrs: { id: 'parallel', 'aria-label': 'Parallel coordinates' } }, el('h2', null, 'Parallel coordinates'), parallel) : null,
    ),
  );
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isCompareHostMessage(event.data)) return;
  snapshot = event.data.snapshot;
  api.setState({ experimentIds: snapshot.entries.map((e) => e.key) });
  render();
});
onThemeChange(() => render());
render();
api.postMessage({ type: 'ready', protocolVersion: REPORT_PROTOCOL_VERSION });
