// The Experiment Report panel app: renders the snapshot the host sends (record, report.json, journal,
// lineage) and posts export / compare / open-model requests. DOM only through el() (text nodes and
// attributes), charts by chart.js coloured from the theme; exact numbers sit in data-value attributes.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Chart } from 'chart.js';
import {
  bestMetrics,
  formatParam,
  formatScore,
  formatSeconds,
  greaterIsBetter,
  leadTrial,
  metricLabel,
  modelLabel,
  paramsText,
  rankTrials,
  recipeSteps,
  testSplitText,
  trialHistory,
  trialsFromJournal,
  validationText,
} from '../../src/protocol/experimentReportFormat.js';
import { REPORT_PROTOCOL_VERSION, isReportHostMessage } from '../../src/protocol/experimentReport.js';
import type { ExperimentReport, ReportSnapshot, ReportTrial, ReportWebviewMessage, ReportWebviewState } from '../../src/protocol/experimentReport.js';
import { clear, el, icon } from '../shared/element.js';
import type { Child } from '../shared/element.js';
import { onThemeChange, readTheme } from '../shared/theme.js';
import { chartFigure } from './charts.js';
import type { ChartSeries } from './charts.js';

interface VsCodeApi {
  postMessage(message: ReportWebviewMessage): void;
  /** Kept by VS Code across a window reload: the panel serializer reopens this experiment. */
  setState(state: ReportWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const root = document.getElementById('app')!;
let snapshot: ReportSnapshot | null = null;
let charts: Chart[] = [];
let status: HTMLElement | null = null;

function num(v: number | null | undefined, extra: Record<string, string> = {}): HTMLElement {
  return el('td', { class: 'num', attrs: { 'data-value': v === null || v === undefined ? '' : String(v), title: v === null || v === undefined ? null : String(v), ...extra } }, formatScore(v));
}

function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return el('section', { attrs: { id, 'aria-labelledby': `${id}-h` } }, el('h2', { attrs: { id: `${id}-h` } }, title), ...children);
}

function kvTable(rows: [string, Child][]): HTMLElement {
  return el('table', { class: 'kv' }, el('tbody', null, ...rows.map(([k, v]) => el('tr', null, el('th', { attrs: { scope: 'row' } }, k), el('td', null, v)))));
}

function toolbarButton(label: string, iconName: string, message: ReportWebviewMessage, secondary = true): HTMLElement {
  return el('vscode-button', { attrs: { icon: iconName, secondary, 'aria-label': label }, on: { click: () => api.postMessage(message) } }, label);
}

function header(s: ReportSnapshot): HTMLElement {
  const x = s.experiment;
  const file = x.dataset.path.split(/[\\/]/).pop() ?? x.dataset.path;
  status = el('span', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  return el(
    'header',
    { class: 'report-header' },
    el('div', null,
      el('h1', null, `Experiment ${x.id}`),
      el('p', { class: 'dim' }, `${file} → ${x.config.target} · ${x.task} · `, el('span', { class: `badge status-${x.status}` }, x.status)),
      el('p', { class: 'headline' }, `Best ${metricLabel(x.metric)} `, el('strong', { attrs: { id: 'best-score', 'data-value': x.bestScore === null ? '' : String(x.bestScore) } }, formatScore(x.bestScore)),
        x.bestTrial !== null ? el('span', { class: 'dim' }, ` trial ${x.bestTrial}${x.bestKind === 'ensemble' ? ' (ensemble)' : ''}`) : null),
    ),
    el('div', { class: 'toolbar' },
      toolbarButton('Export HTML', 'export', { type: 'export', format: 'html' }, false),
      toolbarButton('Export Markdown', 'markdown', { type: 'export', format: 'md' }),
      toolbarButton('Compare…', 'diff', { type: 'compareWith' }),
      s.report ? toolbarButton('Open model', 'file-code', { type: 'openModel' }) : null,
      toolbarButton('Refresh', 'refresh', { type: 'refresh' }),
      status,
    ),
  );
}

function nav(ids: [string, string][]): HTMLElement {
  return el('nav', { class: 'report-nav', attrs: { 'aria-label': 'Sections' } }, ...ids.map(([id, label]) => el('a', { attrs: { href: `#${id}` } }, label)));
}

function overview(s: ReportSnapshot): HTMLElement {
  const x = s.experiment;
  const rows: [string, Child][] = [
    ['Dataset', el('code', null, x.dataset.path)],
    ['Target', el('span', null, el('code', null, x.config.target), ` (${x.task})`)],
    ['Metric', `${metricLabel(x.metric)} (${greaterIsBetter(x.metric) ? 'higher' : 'lower'} is better)`],
    ['Validation', validationText(x)],
    ['Test split', testSplitText(x, s.report?.heldOut?.rows ?? null)],
    ['Search', `${x.config.search}, seed ${x.config.seed}, ${x.trials} trials in ${formatSeconds(x.times.searchSeconds)}`],
    ['Models', x.config.models.map(modelLabel).join(', ')],
    ['Created', new Date(x.times.created).toLocaleString()],
  ];
  if (x.backend) rows.push(['Backend', x.backend]);
  if (x.tags.length) rows.push(['Tags', el('span', { class: 'tags' }, ...x.tags.map((t) => el('span', { class: 'tag' }, t)))]);
  if (x.note) rows.push(['Note', x.note]);
  if (x.error) rows.push(['Error', el('span', { class: 'error' }, x.error)]);
  return section('overview', 'Overview', kvTable(rows));
}

function metricsSection(s: ReportSnapshot, report: ExperimentReport): HTMLElement {
  const { rows, source } = bestMetrics(report);
  const lead = leadTrial(report);
  const held = report.heldOut ?? null;
  return section(
    'metrics',
    held ? 'Metrics: cross-validated and held out' : 'Cross-validated metrics',
    el('p', { class: 'dim' },
      `Cross-validated: out-of-fold predictions (${validationText(s.experiment)}), every training row scored by a model that never saw it; from ${source}.`,
      held ? ` Held out: the shipped model, refitted on the training rows, on ${held.rows} rows the search never saw.` : ''),
    el('table', { class: 'metrics' },
      el('thead', null, el('tr', null, el('th', null, 'Metric'), el('th', { class: 'num' }, 'Cross-validated'), held ? el('th', { class: 'num' }, `Held out (${held.rows} rows)`) : null)),
      el('tbody', null, ...rows.map((r) => el('tr', { class: r.optimised ? 'best' : '' },
        el('td', null, r.label, r.optimised ? el('span', { class: 'dim' }, ' (optimised)') : null),
        num(r.value, { 'data-metric': r.metric }),
        held ? num(r.heldOut, { 'data-heldout-metric': r.metric }) : null))),
    ),
    lead && lead.foldScores.length
      ? el('p', null, 'Per fold: ', ...lead.foldScores.flatMap((v, i) => [i ? ', ' : '', el('span', { class: 'num', attrs: { 'data-value': String(v) } }, formatScore(v))]), ` (std ${formatScore(lead.foldStd)})`)
      : null,
  );
}

function modelSection(report: ExperimentReport): HTMLElement {
  const lead = leadTrial(report);
  return section(
    'model',
    'Best model',
    el('p', null, `${report.best.kind === 'ensemble' ? `A weighted ensemble of ${report.best.members.length} trials` : 'A single trial'}, refitted on all ${report.heldOut ? 'training ' : ''}rows.`),
    el('table', null,
      el('thead', null, el('tr', null, el('th', { class: 'num' }, 'Trial'), el('th', null, 'Model'), el('th', { class: 'num' }, 'Weight'), el('th', { class: 'num' }, 'CV score'))),
      el('tbody', null, ...report.best.members.map((m) => el('tr', null, el('td', { class: 'num' }, m.trial), el('td', null, modelLabel(m.model)), num(m.weight), num(m.score)))),
    ),
    lead
      ? el('div', null, el('h3', null, `Hyperparameters of trial ${lead.index} (${modelLabel(lead.model)})`),
          kvTable(Object.keys(lead.params).sort().map((k) => [k, el('span', { class: 'num' }, formatParam(lead.params[k]!))])))
      : null,
  );
}

function className(classes: string[] | null, i: number): string {
  return classes?.[i] ?? `class ${i}`;
}

/** Which predictions the Evaluation section shows; held out when the report has them, until the user switches. */
type EvaluationView = 'heldOut' | 'outOfFold';
let evaluationView: EvaluationView = 'heldOut';

function evaluationRows(ev: ExperimentReport['evaluation']): number {
  return ev.task === 'regression' ? ev.residuals.rows : ev.confusion.counts.flat().reduce((a, b) => a + b, 0);
}

/** Two pressed/unpressed buttons switching the Evaluation section between the two sets of predictions. */
function evaluationSwitch(report: ExperimentReport, view: EvaluationView): HTMLElement | null {
  const held = report.heldOut;
  if (!held) return null;
  const option = (key: EvaluationView, label: string): HTMLElement =>
    el('button', { class: `segment${view === key ? ' selected' : ''}`, attrs: { type: 'button', 'aria-pressed': String(view === key), 'data-view': key }, on: { click: () => { evaluationView = key; render(); } } }, label);
  return el('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Predictions shown' } },
    option('heldOut', `Held out (${held.rows} rows)`),
    option('outOfFold', `Out-of-fold (${evaluationRows(report.evaluation)} rows)`));
}

function evaluationSection(report: ExperimentReport): HTMLElement {
  const view: EvaluationView = report.heldOut ? evaluationView : 'outOfFold';
  const ev = view === 'heldOut' && report.heldOut ? report.heldOut.evaluation : report.evaluation;
  const classes = report.classes;
  const which = view === 'heldOut' ? 'held out' : 'out-of-fold';
  const intro = report.heldOut
    ? el('div', null, evaluationSwitch(report, view),
        el('p', { class: 'dim', attrs: { 'data-evaluation': view } }, view === 'heldOut'
          ? 'The shipped model, refitted on the training rows, on the test rows set aside before the search.'
          : 'Out-of-fold predictions of the cross-validation: each training row predicted by the fold model that did not train on it.'))
    : null;
  const theme = readTheme();
  if (ev.task === 'regression') {
    const r = ev.residuals;
    const lo = Math.min(...r.sample.map((p) => Math.min(p.actual, p.predicted)));
    const hi = Math.max(...r.sample.map((p) => Math.max(p.actual, p.predicted)));
    const h = r.histogram;
    return section('evaluation', 'Evaluation', intro,
      kvTable([['Rows', el('span', { attrs: { 'data-value': String(r.rows) } }, String(r.rows))], ['Mean residual', el('span', { attrs: { 'data-value': String(r.mean) } }, formatScore(r.mean))], ['Residual std', el('span', { attrs: { 'data-value': String(r.std) } }, formatScore(r.std))]]),
      el('div', { class: 'charts' },
        chartFigure([{ name: 'Rows (sample)', kind: 'points', points: r.sample.map((p) => ({ x: p.predicted, y: p.actual })) }, { name: 'Perfect', kind: 'line', dashed: true, points: [{ x: lo, y: lo }, { x: hi, y: hi }] }], { title: `Predicted vs actual (${which})`, xLabel: 'Predicted', yLabel: 'Actual' }, theme, charts),
        chartFigure([{ name: 'Residuals', kind: 'points', points: r.sample.map((p) => ({ x: p.predicted, y: p.residual })) }], { title: 'Residual vs predicted', xLabel: 'Predicted', yLabel: 'Actual − predicted' }, theme, charts),
        chartFigure([{ name: 'Rows', kind: 'step', points: [...h.counts.map((c, i) => ({ x: h.edges[i] ?? 0, y: c })), { x: h.edges[h.counts.length] ?? 0, y: h.counts[h.counts.length - 1] ?? 0 }] }], { title: 'Residual distribution', xLabel: 'Residual', yLabel: 'Rows' }, theme, charts),
      ),
    );
  }
  const counts = ev.confusion.counts;
  const max = Math.max(1, ...counts.flat());
  const confusion = el('table', { class: 'confusion', attrs: { 'aria-label': 'Confusion matrix' } },
    el('caption', null, 'Rows: actual class; columns: predicted class'),
    el('thead', null, el('tr', null, el('th', null), ...ev.confusion.classes.map((c) => el('th', { attrs: { scope: 'col' } }, className(classes, c))))),
    el('tbody', null, ...counts.map((row, a) => {
      const total = row.reduce((s, v) => s + v, 0);
      return el('tr', null, el('th', { attrs: { scope: 'row' } }, className(classes, ev.confusion.classes[a] ?? a)),
        ...row.map((v, p) => el('td', { class: `num cell${a === p ? ' diag' : ''}`, attrs: { 'data-value': String(v), style: null, title: `${total ? ((v / total) * 100).toFixed(1) : '0'}% of actual ${className(classes, a)}`, 'data-shade': String(Math.round((v / max) * 4)) } }, v)));
    })),
  );
  const curves = ev.curves.filter((c) => c.roc.length > 0);
  const suffix = ev.task === 'multiclass' ? ' (one class vs rest)' : '';
  const series = (pick: 'roc' | 'pr' | 'cal'): ChartSeries[] =>
    curves.map((c) => ({
      name: className(classes, c.positiveClass),
      kind: 'line',
      points: pick === 'roc' ? c.roc.map((p) => ({ x: p.fpr, y: p.tpr })) : pick === 'pr' ? c.pr.map((p) => ({ x: p.recall, y: p.precision })) : c.calibration.map((b) => ({ x: b.meanPredicted, y: b.observed })),
    }));
  const diag = (name: string): ChartSeries => ({ name, kind: 'line', dashed: true, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] });
  const unit: [number, number] = [0, 1];
  return section('evaluation', 'Evaluation', intro, confusion,
    curves.length
      ? el('div', { class: 'charts' },
          chartFigure([...series('roc'), diag('Chance')], { title: `ROC curve${suffix}`, xLabel: 'False positive rate', yLabel: 'True positive rate', x: unit, y: unit }, theme, charts),
          chartFigure(series('pr'), { title: `Precision–recall curve${suffix}`, xLabel: 'Recall', yLabel: 'Precision', x: unit, y: [0, 1.02] }, theme, charts),
          chartFigure([...series('cal'), diag('Perfectly calibrated')], { title: 'Calibration', xLabel: 'Mean predicted probability', yLabel: 'Observed share', x: unit, y: unit }, theme, charts),
        )
      : null,
  );
}

function importanceSection(report: ExperimentReport, metric: string): HTMLElement | null {
  const imp = report.importance;
  // Why importance is missing or partial (skipped at the end of the budget, failed), as report.json says.
  const note = report.importanceNote ? el('p', { class: 'notice', attrs: { id: 'importance-note', role: 'note' } }, icon('info'), ` ${imp ? 'Partial' : 'Not measured'}: ${report.importanceNote}.`) : null;
  if (!imp) return note ? section('importance', 'Permutation importance', note) : null;
  const max = Math.max(1e-12, ...imp.features.map((f) => Math.abs(f.mean) + f.std));
  return section('importance', 'Permutation importance',
    el('p', { class: 'dim' }, `Drop of the ${metricLabel(metric)} objective when a feature is shuffled in the validation rows of a fold (trial ${imp.trial}, ${imp.folds} folds). ≤ 0 means the model does not use it.`),
    note,
    el('table', { class: 'bars' },
      el('thead', null, el('tr', null, el('th', null, 'Feature'), el('th', null, el('span', { class: 'sr' }, 'Bar')), el('th', { class: 'num' }, 'Mean drop'), el('th', { class: 'num' }, 'Std'))),
      el('tbody', null, ...imp.features.map((f) => el('tr', null, el('td', null, f.feature),
        el('td', { class: 'barcell', attrs: { 'aria-hidden': 'true' } }, el('div', { class: 'hbar', attrs: { 'data-width': String(Math.round((Math.max(0, f.mean) / max) * 100)) } })),
        num(f.mean), num(f.std)))),
    ),
  );
}

type TrialSort = 'score' | 'index' | 'seconds';
let trialSort: TrialSort = 'score';

function trialsSection(s: ReportSnapshot, trials: ReportTrial[], bestIndex: number | null): HTMLElement {
  const greater = greaterIsBetter(s.experiment.metric);
  const history = trialHistory(trials, greater);
  const theme = readTheme();
  const body = el('tbody', null);
  const fill = (): void => {
    clear(body);
    const sorted = trialSort === 'score' ? rankTrials(trials, greater) : [...trials].sort((a, b) => (trialSort === 'index' ? a.index - b.index : b.seconds - a.seconds));
    for (const t of sorted) {
      body.appendChild(el('tr', { class: t.index === bestIndex ? 'best' : '' },
        el('td', { class: 'num' }, t.index), el('td', null, modelLabel(t.model)), el('td', { class: 'params' }, paramsText(t.params)),
        num(t.score), num(t.foldStd), el('td', { class: 'num' }, formatSeconds(t.seconds)),
        el('td', null, t.status, t.error ? el('span', { class: 'dim' }, ` ${t.error}`) : null)));
    }
  };
  const sortHeader = (label: string, key: TrialSort, numeric: boolean): HTMLElement =>
    el('th', { class: numeric ? 'num' : '', attrs: { 'aria-sort': trialSort === key ? (key === 'index' ? 'ascending' : 'descending') : 'none' } },
      el('button', { class: 'sort', attrs: { type: 'button' }, on: { click: () => { trialSort = key; render(); } } }, label));
  fill();
  return section('trials', `Trials (${trials.length})`,
    history.some((h) => h.score !== null)
      ? chartFigure(
          [
            { name: 'Trial score', kind: 'points', points: history.flatMap((h) => (h.score === null ? [] : [{ x: h.trial, y: h.score }])) },
            { name: 'Best so far', kind: 'step', points: history.flatMap((h) => (h.best === null ? [] : [{ x: h.trial, y: h.best }])) },
          ],
          { title: 'Trial history', xLabel: 'Trial', yLabel: metricLabel(s.experiment.metric), integerX: true },
          theme, charts, 'chart wide',
        )
      : null,
    el('table', { class: 'trials' },
      el('thead', null, el('tr', null, sortHeader('Trial', 'index', true), el('th', null, 'Model'), el('th', null, 'Parameters'), sortHeader('Score', 'score', true), el('th', { class: 'num' }, '± fold std'), sortHeader('Time', 'seconds', true), el('th', null, 'Status'))),
      body,
    ),
  );
}

function lineageSection(s: ReportSnapshot): HTMLElement {
  const x = s.experiment;
  const v = s.lineage.version;
  const rows: [string, Child][] = [
    ['File', el('code', null, x.dataset.path)],
    ['SHA-256', el('code', null, x.dataset.sha256)],
    ['Rows × features', `${x.dataset.rows} × ${x.dataset.features}`],
  ];
  if (v) {
    rows.push(['Version', el('span', null, v.name, el('span', { class: 'dim' }, ` (${v.path})`))]);
    if (v.parent) rows.push(['Cleaned from', el('code', null, v.parent.path)]);
  } else rows.push(['Version', el('span', { class: 'dim' }, 'not a file ML Lab cleaned')]);
  const steps = recipeSteps(v);
  return section('lineage', 'Lineage', kvTable(rows),
    steps.length ? el('div', null, el('h3', null, 'Recipe'), el('ol', { class: 'recipe' }, ...steps.map((st) => el('li', null, el('code', null, st.op), st.columns ? ` ${st.columns}` : '')))) : null);
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
  const report = s.report;
  const trials = report?.trials ?? trialsFromJournal(s.trials);
  const lead = report ? leadTrial(report) : null;
  const parts: (HTMLElement | null)[] = [
    s.notice ? el('p', { class: 'notice', attrs: { role: 'note' } }, icon('info'), ' ', s.notice) : null,
    overview(s),
    report ? metricsSection(s, report) : s.experiment.bestScore !== null ? section('metrics', 'Best so far', kvTable([[metricLabel(s.experiment.metric), el('span', { attrs: { 'data-value': String(s.experiment.bestScore), 'data-metric': s.experiment.metric } }, formatScore(s.experiment.bestScore))]]), el('p', { class: 'dim' }, 'The full report is written when the sweep finishes.')) : null,
    report ? modelSection(report) : null,
    report ? evaluationSection(report) : null,
    report ? importanceSection(report, s.experiment.metric) : null,
    trialsSection(s, trials, lead?.index ?? s.experiment.bestTrial),
    lineageSection(s),
  ];
  const present = parts.filter((p): p is HTMLElement => p !== null);
  const links = present.flatMap((p): [string, string][] => (p.tagName === 'SECTION' ? [[p.id, p.querySelector('h2')?.textContent ?? p.id]] : []));
  root.append(header(s), nav(links), el('main', null, ...present));
  // Widths from data attributes: the CSP has no 'unsafe-inline' for style attributes set in markup, but CSSOM writes are allowed.
  for (const bar of root.querySelectorAll<HTMLElement>('.hbar[data-width]')) bar.style.width = `${bar.dataset.width}%`;
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isReportHostMessage(m)) return;
  if (m.type === 'snapshot') {
    snapshot = m.snapshot;
    api.setState({ experimentId: m.snapshot.experiment.id });
    render();
  } else if (status) {
    status.textContent = m.message;
    status.className = `status${m.type === 'error' || (m.type === 'exported' && !m.ok) ? ' error' : ''}`;
  }
});
onThemeChange(() => render());
render();
api.postMessage({ type: 'ready', protocolVersion: REPORT_PROTOCOL_VERSION });
