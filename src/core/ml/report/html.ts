// The experiment report as one self-contained HTML file: inline CSS (light and dark via
// prefers-color-scheme), inline SVG charts, no script, no external request. Every string that came from
// data (file paths, column and class names, tags, notes, errors) goes through escapeHtml; numbers carry
// their exact value in data-value so a reader (or a test) can check them against report.json.
import type { ClassCurves, Evaluation } from '../evaluation.js';
import type { ReportSnapshot, ReportTrial } from '../../../protocol/experimentReport.js';
import { escapeHtml } from '../../profile/report/escape.js';
import { barTable, lineChartSvg } from './svg.js';
import type { Series } from './svg.js';
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
} from '../../../protocol/experimentReportFormat.js';

const e = escapeHtml;

/** A number cell: rounded text, exact value in data-value. */
function num(v: number | null | undefined, attrs = ''): string {
  const exact = v === null || v === undefined ? '' : String(v);
  return `<td class="num"${attrs} data-value="${e(exact)}">${formatScore(v)}</td>`;
}

function section(id: string, title: string, body: string): string {
  return body ? `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${e(title)}</h2>${body}</section>` : '';
}

function className(classes: string[] | null, index: number): string {
  return classes?.[index] ?? `class ${index}`;
}

function curveSeries(curves: ClassCurves[], classes: string[] | null, pick: 'roc' | 'pr' | 'calibration'): Series[] {
  return curves.map((c) => ({
    name: className(classes, c.positiveClass),
    kind: 'line' as const,
    points:
      pick === 'roc'
        ? c.roc.map((p) => ({ x: p.fpr, y: p.tpr }))
        : pick === 'pr'
          ? c.pr.map((p) => ({ x: p.recall, y: p.precision }))
          : c.calibration.map((b) => ({ x: b.meanPredicted, y: b.observed })),
  }));
}

const diagonal = (name: string): Series => ({ name, kind: 'line', dashed: true, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] });

/** `which` names the rows in chart titles: "out-of-fold" or "held out". */
function evaluationHtml(ev: Evaluation, classes: string[] | null, which: string): string {
  if (ev.task === 'regression') {
    const r = ev.residuals;
    const h = r.histogram;
    const bars: Series = { name: 'Rows', kind: 'step', points: h.counts.flatMap((c, i) => [{ x: h.edges[i] ?? 0, y: c }, { x: h.edges[i + 1] ?? 0, y: c }]) };
    const stats = `<table class="kv"><tbody><tr><th>Rows</th><td class="num" data-value="${r.rows}">${r.rows}</td></tr><tr><th>Mean residual</th>${num(r.mean)}</tr><tr><th>Residual std</th>${num(r.std)}</tr></tbody></table>`;
    const lo = Math.min(...r.sample.map((s) => Math.min(s.actual, s.predicted)));
    const hi = Math.max(...r.sample.map((s) => Math.max(s.actual, s.predicted)));
    const scatter = lineChartSvg(
      [
        { name: 'Rows (sample)', kind: 'points', points: r.sample.map((s) => ({ x: s.predicted, y: s.actual })) },
        { name: 'Perfect', kind: 'line', dashed: true, points: [{ x: lo, y: lo }, { x: hi, y: hi }] },
      ],
      { title: `Predicted vs actual (${which})`, xLabel: 'Predicted', yLabel: 'Actual' },
    );
    const resid = lineChartSvg([{ name: 'Residuals', kind: 'points', points: r.sample.map((s) => ({ x: s.predicted, y: s.residual })) }], { title: 'Residual vs predicted', xLabel: 'Predicted', yLabel: 'Actual − predicted' });
    const hist = lineChartSvg([bars], { title: 'Residual distribution', xLabel: 'Residual', yLabel: 'Rows' });
    return `${stats}<div class="charts">${scatter}${resid}${hist}</div>`;
  }
  const counts = ev.confusion.counts;
  const head = ev.confusion.classes.map((c) => `<th scope="col">${e(className(classes, c))}</th>`).join('');
  const body = counts
    .map((row, a) => {
      const total = row.reduce((s, v) => s + v, 0);
      return `<tr><th scope="row">${e(className(classes, ev.confusion.classes[a] ?? a))}</th>${row
        .map((v, p) => `<td class="num${a === p ? ' diag' : ''}" data-value="${v}" title="${total > 0 ? ((v / total) * 100).toFixed(1) : '0'}% of actual">${v}</td>`)
        .join('')}</tr>`;
    })
    .join('');
  const confusion = `<table class="confusion"><caption>Rows: actual class; columns: predicted class</caption><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table>`;
  const curves = ev.curves.filter((c) => c.roc.length > 0);
  if (curves.length === 0) return confusion;
  const suffix = ev.task === 'multiclass' ? ' (each class against the rest)' : '';
  const roc = lineChartSvg([...curveSeries(curves, classes, 'roc'), diagonal('Chance')], { title: `ROC curve${suffix}`, xLabel: 'False positive rate', yLabel: 'True positive rate', x: [0, 1], y: [0, 1] });
  const pr = lineChartSvg(curveSeries(curves, classes, 'pr'), { title: `Precision–recall curve${suffix}`, xLabel: 'Recall', yLabel: 'Precision', x: [0, 1], y: [0, 1] });
  const cal = lineChartSvg([...curveSeries(curves, classes, 'calibration'), diagonal('Perfectly calibrated')], { title: 'Calibration', xLabel: 'Mean predicted probability', yLabel: 'Observed share', x: [0, 1], y: [0, 1] });
  return `${confusion}<div class="charts">${roc}${pr}${cal}</div>`;
}

function trialsTable(trials: ReportTrial[], greater: boolean, bestIndex: number | null): string {
  const rows = rankTrials(trials, greater)
    .map(
      (t) =>
        `<tr${t.index === bestIndex ? ' class="best"' : ''}><td class="num">${t.index}</td><td>${e(modelLabel(t.model))}</td><td class="params">${e(paramsText(t.params))}</td>` +
        `${num(t.score)}${num(t.foldStd)}<td class="num">${e(formatSeconds(t.seconds))}</td><td>${e(t.status)}${t.error ? ` <span class="dim">${e(t.error)}</span>` : ''}</td></tr>`,
    )
    .join('');
  return `<table class="trials"><thead><tr><th class="num">Trial</th><th>Model</th><th>Parameters</th><th class="num">Score</th><th class="num">± fold std</th><th class="num">Time</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--dim:#59636e;--bg:#fff;--line:#d1d9e0;--bar:#0969da;--s0:#0969da;--s1:#d1242f;--s2:#1a7f37;--s3:#9a6700;--s4:#8250df;--s5:#bf3989;--s6:#1b7c83;--s7:#6e7781}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--dim:#9198a1;--bg:#0d1117;--line:#3d444d;--bar:#4493f8;--s0:#4493f8;--s1:#f85149;--s2:#3fb950;--s3:#d29922;--s4:#ab7df8;--s5:#db61a2;--s6:#39c5cf;--s7:#9198a1}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.dim{color:var(--dim)}.sr{position:absolute;left:-9999px}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}.kv th{font-weight:600}
.confusion td.diag{font-weight:700}.confusion caption{caption-side:bottom;color:var(--dim);font-size:.9em;text-align:left}
tr.best td{font-weight:600}.params{font-family:ui-monospace,monospace;font-size:.9em;max-width:520px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{margin:0}.chart figcaption{font-size:.9em;color:var(--dim)}
svg .frame{fill:none;stroke:var(--line)}svg .grid{stroke:var(--line);stroke-opacity:.5}svg text{fill:var(--dim);font-size:10px}
svg .line{fill:none;stroke-width:1.8}svg .dashed{stroke-dasharray:4 3;stroke-width:1}
${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `svg .line.s${i}{stroke:var(--s${i})}svg .pts.s${i}{fill:var(--s${i});fill-opacity:.6}.key.s${i}{background:var(--s${i})}`).join('')}
svg .line.dashed{stroke:var(--dim)}.legend{display:flex;gap:10px;flex-wrap:wrap;font-size:.9em}.key{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.bars .barcell{width:220px}.hbar{width:100%;height:10px}.hbar .bar{fill:var(--bar)}
.note{border-left:3px solid var(--s3);padding:2px 8px}
.tags span{border:1px solid var(--line);border-radius:8px;padding:0 6px;margin-right:4px}
`;

/** The whole report. `generated` is injectable so tests are deterministic. */
export function renderExperimentHtml(snapshot: ReportSnapshot, generated: Date = new Date()): string {
  const { experiment: x, report, lineage } = snapshot;
  const trials = report?.trials ?? trialsFromJournal(snapshot.trials);
  const greater = greaterIsBetter(x.metric);
  const lead = report ? leadTrial(report) : null;
  const file = x.dataset.path.split(/[\\/]/).pop() ?? x.dataset.path;

  const facts: [string, string][] = [
    ['Status', e(x.status)],
    ['Dataset', `<code>${e(x.dataset.path)}</code>`],
    ['Target', `<code>${e(x.config.target)}</code> (${e(x.task)})`],
    ['Metric', `${e(metricLabel(x.metric))} (${greater ? 'higher' : 'lower'} is better)`],
    ['Validation', e(validationText(x))],
    ['Test split', e(testSplitText(x, report?.heldOut?.rows ?? null))],
    ['Search', `${e(x.config.search)}, seed ${x.config.seed}, ${x.trials} trials in ${e(formatSeconds(x.times.searchSeconds))}`],
    ['Created', e(x.times.created)],
  ];
  if (x.backend) facts.push(['Backend', e(x.backend)]);
  if (x.tags.length) facts.push(['Tags', `<span class="tags">${x.tags.map((t) => `<span>${e(t)}</span>`).join('')}</span>`]);
  if (x.note) facts.push(['Note', e(x.note)]);
  if (x.error) facts.push(['Error', e(x.error)]);
  const overview = `<table class="kv"><tbody>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;

  let metrics = '';
  if (report) {
    const { rows, source } = bestMetrics(report);
    const held = report.heldOut ?? null;
    metrics =
      `<p class="dim">Cross-validated: out-of-fold predictions (${e(validationText(x))}), every training row scored by a model that never saw it; from ${e(source)}.` +
      (held ? ` Held out: the shipped model, refitted on the training rows, on ${held.rows} rows the search never saw.` : '') +
      `</p><table class="metrics"><thead><tr><th>Metric</th><th class="num">Cross-validated</th>${held ? `<th class="num">Held out (${held.rows} rows)</th>` : ''}</tr></thead><tbody>${rows
        .map(
          (r) =>
            `<tr${r.optimised ? ' class="best"' : ''}><td>${e(r.label)}${r.optimised ? ' <span class="dim">(optimised)</span>' : ''}</td>${num(r.value, ` data-metric="${e(r.metric)}"`)}` +
            `${held ? num(r.heldOut, ` data-heldout-metric="${e(r.metric)}"`) : ''}</tr>`,
        )
        .join('')}</tbody></table>` +
      (lead && lead.foldScores.length ? `<p>Per fold: ${lead.foldScores.map((s) => `<span class="num" data-value="${s}">${formatScore(s)}</span>`).join(', ')} (std <span data-value="${lead.foldStd ?? ''}">${formatScore(lead.foldStd)}</span>)</p>` : '');
  } else if (x.bestScore !== null) {
    metrics = `<table class="metrics"><tbody><tr><td>${e(metricLabel(x.metric))}</td>${num(x.bestScore, ` data-metric="${e(x.metric)}"`)}</tr></tbody></table><p class="dim">The full report is written when the sweep finishes.</p>`;
  }

  let model = '';
  if (report) {
    const members = report.best.members
      .map((m) => `<tr><td class="num">${m.trial}</td><td>${e(modelLabel(m.model))}</td>${num(m.weight)}${num(m.score)}</tr>`)
      .join('');
    const params = lead ? `<h3>Hyperparameters of trial ${lead.index} (${e(modelLabel(lead.model))})</h3><table class="kv params-table"><tbody>${Object.keys(lead.params).sort().map((k) => `<tr><th>${e(k)}</th><td class="num">${e(formatParam(lead.params[k]!))}</td></tr>`).join('')}</tbody></table>` : '';
    model = `<p>${report.best.kind === 'ensemble' ? `A weighted ensemble of ${report.best.members.length} trials` : 'A single trial'}, refitted on all ${report.heldOut ? 'training ' : ''}rows.</p><table><thead><tr><th class="num">Trial</th><th>Model</th><th class="num">Weight</th><th class="num">CV score</th></tr></thead><tbody>${members}</tbody></table>${params}`;
  }

  const importanceNote = report?.importanceNote ? `<p class="note" id="importance-note">${report.importance ? 'Partial' : 'Not measured'}: ${e(report.importanceNote)}.</p>` : '';
  const importance = report?.importance
    ? `<p class="dim">Drop of the ${e(metricLabel(x.metric))} objective when a feature is shuffled in the validation rows of a fold (trial ${report.importance.trial}, ${report.importance.folds} folds). ≤ 0 means the model does not use it.</p>` +
      importanceNote +
      barTable(report.importance.features.map((f) => ({ label: f.feature, value: f.mean, spread: f.std })), 'Mean drop')
    : importanceNote;

  const history = trialHistory(trials, greater);
  const historyChart = history.some((h) => h.score !== null)
    ? lineChartSvg(
        [
          { name: 'Trial score', kind: 'points', points: history.flatMap((h) => (h.score === null ? [] : [{ x: h.trial, y: h.score }])) },
          { name: 'Best so far', kind: 'step', points: history.flatMap((h) => (h.best === null ? [] : [{ x: h.trial, y: h.best }])) },
        ],
        { title: 'Trial history', xLabel: 'Trial', yLabel: metricLabel(x.metric), width: 720, height: 260 },
      )
    : '';

  const version = lineage.version;
  const steps = recipeSteps(version);
  const lineageRows: [string, string][] = [
    ['File', `<code>${e(x.dataset.path)}</code>`],
    ['SHA-256', `<code>${e(x.dataset.sha256)}</code>`],
    ['Rows × features', `${x.dataset.rows} × ${x.dataset.features}`],
  ];
  if (version) {
    lineageRows.push(['Version', `${e(version.name)} <span class="dim">(${e(version.path)})</span>`]);
    if (version.parent) lineageRows.push(['Cleaned from', `<code>${e(version.parent.path)}</code> <span class="dim">${e(version.parent.hash.slice(0, 12))}</span>`]);
  }
  const lineageHtml =
    `<table class="kv"><tbody>${lineageRows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>` +
    (steps.length ? `<h3>Recipe</h3><ol class="recipe">${steps.map((s) => `<li><code>${e(s.op)}</code>${s.columns ? ` ${e(s.columns)}` : ''}</li>`).join('')}</ol>` : '');

  const title = `Experiment ${x.id}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${e(title)}</h1><p class="dim">${e(file)} → ${e(x.config.target)} · best ${e(metricLabel(x.metric))} <strong data-value="${x.bestScore ?? ''}" id="best-score">${formatScore(x.bestScore)}</strong>${x.bestTrial !== null ? ` (trial ${x.bestTrial}${x.bestKind === 'ensemble' ? ', ensemble' : ''})` : ''} · generated ${e(generated.toISOString())} by ML Lab</p></header>
${section('overview', 'Overview', overview)}
${section('metrics', report?.heldOut ? 'Metrics: cross-validated and held out' : 'Cross-validated metrics', metrics)}
${section('model', 'Best model', model)}
${report?.heldOut ? section('evaluation-heldout', `Evaluation on the held-out rows (${report.heldOut.rows})`, evaluationHtml(report.heldOut.evaluation, report.classes, 'held out')) : ''}
${report ? section('evaluation', report.heldOut ? 'Evaluation out-of-fold (cross-validation)' : 'Evaluation', evaluationHtml(report.evaluation, report.classes, 'out-of-fold')) : ''}
${section('importance', 'Permutation importance', importance)}
${section('history', 'Trials', historyChart + trialsTable(trials, greater, lead?.index ?? x.bestTrial))}
${section('lineage', 'Lineage', lineageHtml)}
</body></html>
`;
}
