// The report exports with a held-out test split: the metrics table has a cross-validated and a held-out
// column (held-out values from report.heldOut, "—" where a metric is missing there), both evaluations are
// shown and labelled, and importanceNote (why importance is partial or missing) is shown, escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExperimentHtml } from '../../../src/core/ml/report/html.js';
import { renderExperimentMarkdown } from '../../../src/core/ml/report/markdown.js';
import { bestMetrics, testSplitText } from '../../../src/protocol/experimentReportFormat.js';
import type { ReportSnapshot } from '../../../src/protocol/experimentReport.js';
import { HOSTILE, fixtureRecord, fixtureSnapshot } from '../../fixtures/experiments/reportFixture.js';

const when = new Date('2026-11-28T08:00:00Z');

function heldOutSnapshot(): ReportSnapshot {
  const s = fixtureSnapshot();
  const record = fixtureRecord({ heldOutScore: 5 / 6 });
  record.config = { ...record.config, testFraction: 0.2 };
  return {
    ...s,
    experiment: record,
    report: {
      ...s.report!,
      importanceNote: `measured on 2 of 3 folds ${HOSTILE}`,
      // 5 rows: actual no = 2 (both right), actual yes = 3 (one called no).
      heldOut: { rows: 5, metrics: { roc_auc: 5 / 6, accuracy: 0.8 }, evaluation: { task: 'binary', confusion: { classes: [0, 1], counts: [[2, 0], [1, 2]] }, curves: [] } },
    },
  };
}

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  assert.notEqual(start, -1, `section ${id} missing`);
  return html.slice(start, html.indexOf('</section>', start));
}

test('bestMetrics pairs each cross-validated value with the held-out one', () => {
  const { rows } = bestMetrics(heldOutSnapshot().report!);
  assert.deepEqual(
    rows.map((r) => [r.metric, r.value, r.heldOut]),
    [
      ['roc_auc', 0.9375, 5 / 6],
      ['accuracy', 0.875, 0.8],
      ['log_loss', 0.40625, null],
    ],
  );
  assert.equal(testSplitText(heldOutSnapshot().experiment, 5), '20% of rows (5 rows) set aside before the search, stratified; listed in split.json');
  assert.match(testSplitText(fixtureRecord(), null), /^none/);
});

test('HTML: two metric columns, the held-out evaluation beside the out-of-fold one, the importance note', () => {
  const html = renderExperimentHtml(heldOutSnapshot(), when);
  const metrics = section(html, 'metrics');
  assert.match(metrics, /<th class="num">Cross-validated<\/th><th class="num">Held out \(5 rows\)<\/th>/);
  assert.match(metrics, /data-metric="roc_auc" data-value="0\.9375">0\.9375<\/td><td class="num" data-heldout-metric="roc_auc" data-value="0\.8333333333333334">0\.8333</);
  assert.match(metrics, /data-heldout-metric="accuracy" data-value="0\.8">0\.8000</);
  assert.match(metrics, /data-heldout-metric="log_loss" data-value="">—</);
  const held = section(html, 'evaluation-heldout');
  assert.match(held, /Evaluation on the held-out rows \(5\)/);
  assert.match(held, /<td class="num diag" data-value="2"[^>]*>2<\/td><td class="num" data-value="0"[^>]*>0<\/td>/);
  assert.match(held, /<td class="num" data-value="1"[^>]*>1<\/td><td class="num diag" data-value="2"[^>]*>2<\/td>/);
  const oof = section(html, 'evaluation');
  assert.match(oof, /Evaluation out-of-fold/);
  assert.match(oof, /<td class="num diag" data-value="3"/);
  const importance = section(html, 'importance');
  assert.match(importance, /Partial: measured on 2 of 3 folds &lt;img src=x onerror=alert\(1\)&gt;\./);
  assert.ok(!html.includes(HOSTILE));
  assert.match(section(html, 'overview'), /Test split<\/th><td>20% of rows \(5 rows\)/);
  assert.match(section(html, 'model'), /refitted on all training rows/);
});

test('HTML without a held-out split keeps one column and one evaluation', () => {
  const html = renderExperimentHtml(fixtureSnapshot(), when);
  assert.ok(!html.includes('data-heldout-metric'));
  assert.ok(!html.includes('id="evaluation-heldout"'));
  assert.match(section(html, 'metrics'), /<th class="num">Cross-validated<\/th><\/tr>/);
});

test('an importance note without importance still gets its section', () => {
  const s = heldOutSnapshot();
  s.report = { ...s.report!, importance: null, importanceNote: 'skipped: 0.4 s of the budget were left and one fold takes about 2.0 s' };
  const html = renderExperimentHtml(s, when);
  assert.match(section(html, 'importance'), /Not measured: skipped: 0\.4 s of the budget/);
  const md = renderExperimentMarkdown(s, when);
  assert.match(md, /## Permutation importance\n\nNot measured: skipped: 0\.4 s of the budget/);
});

test('Markdown: cross-validated and held-out columns, both confusion matrices', () => {
  const md = renderExperimentMarkdown(heldOutSnapshot(), when);
  assert.match(md, /\| Metric \| Cross-validated \| Held out \(5 rows\) \|/);
  assert.match(md, /\| ROC AUC \(optimised\) \| 0\.9375 \| 0\.8333 \|/);
  assert.match(md, /\| Accuracy \| 0\.8750 \| 0\.8000 \|/);
  assert.match(md, /\| Log loss \| 0\.4063 \| — \|/);
  const held = md.indexOf('## Evaluation on the held-out rows (5)');
  const oof = md.indexOf('## Evaluation out-of-fold');
  assert.ok(held > 0 && oof > held);
  assert.match(md.slice(held, oof), /\| no \| 2 \| 0 \|/);
  assert.match(md.slice(oof), /\| no \| 3 \| 1 \|/);
  assert.match(md, /Partial: measured on 2 of 3 folds/);
});
