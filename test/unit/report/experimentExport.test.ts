// The experiment report exports: the numbers of a hand-written report.json appear (rounded text and exact
// data-value), and strings from the data (class names, paths, tags, errors) cannot inject markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExperimentHtml } from '../../../src/core/ml/report/html.js';
import { renderExperimentMarkdown } from '../../../src/core/ml/report/markdown.js';
import { parseExperimentReport } from '../../../src/protocol/experimentReport.js';
import { HOSTILE, fixtureRecord, fixtureReport, fixtureSnapshot } from '../../fixtures/experiments/reportFixture.js';

const when = new Date('2026-11-28T08:00:00Z');

test('HTML holds the best score, metrics, confusion counts and importance from report.json', () => {
  const html = renderExperimentHtml(fixtureSnapshot(), when);
  assert.match(html, /id="best-score">0\.9375</);
  // Metrics of the lead trial (1): roc_auc is the optimised one, then accuracy and log loss.
  assert.match(html, /data-metric="roc_auc" data-value="0\.9375">0\.9375</);
  assert.match(html, /data-metric="accuracy" data-value="0\.875">0\.8750</);
  assert.match(html, /data-metric="log_loss" data-value="0\.40625">0\.4063</);
  // Confusion matrix [[3,1],[0,4]] with the diagonal marked.
  assert.match(html, /<td class="num diag" data-value="3"[^>]*>3<\/td><td class="num" data-value="1"[^>]*>1<\/td>/);
  assert.match(html, /<td class="num" data-value="0"[^>]*>0<\/td><td class="num diag" data-value="4"[^>]*>4<\/td>/);
  assert.match(html, /data-value="0\.3125">0\.3125</);
  assert.match(html, /data-value="-0\.015625">-0\.0156</);
  assert.match(html, /ROC curve/);
  assert.match(html, /Precision–recall curve/);
  // Trials best first: 1 (0.9375), 0 (0.8125), then the failed 2.
  const trialsTable = /<table class="trials">.*?<\/table>/s.exec(html)?.[0] ?? '';
  const order = [...trialsTable.matchAll(/<tr(?: class="best")?><td class="num">(\d+)<\/td><td>(?:Gradient|k-nearest)/g)].map((m) => Number(m[1]));
  assert.deepEqual(order, [1, 0, 2]);
});

test('HTML escapes every data string and carries no script', () => {
  const html = renderExperimentHtml(fixtureSnapshot(), when);
  assert.ok(!html.includes(HOSTILE), 'raw hostile string leaked');
  assert.ok(!html.includes('<b>tag</b>'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!/<script/i.test(html));
  assert.ok(!/\son[a-z]+=/i.test(html.replace(/&lt;img src=x onerror=alert\(1\)&gt;/g, '')), 'an event handler attribute');
});

test('Markdown holds the numbers and keeps hostile strings inside their cells', () => {
  const md = renderExperimentMarkdown(fixtureSnapshot(), when);
  assert.match(md, /Best ROC AUC: \*\*0\.9375\*\* \(trial 1\)/);
  assert.match(md, /\| ROC AUC \(optimised\) \| 0\.9375 \|/);
  assert.match(md, /\| Accuracy \| 0\.8750 \|/);
  assert.match(md, /\| no \| 3 \| 1 \|/);
  assert.match(md, /\| &lt;img src=x onerror=alert\(1\)&gt; \| 0 \| 4 \|/);
  assert.match(md, /\| de\\\|fault\\\* \(binary\)/);
  assert.match(md, /\| Note \| first try \\\| \\\*bold\\\* \|/);
  assert.ok(!md.includes(HOSTILE));
  // Every table row of the trials table has exactly 7 cells despite `|` in data.
  const trialRows = md.split('\n').filter((l) => /^\| \d+ \| /.test(l) && l.includes('s |'));
  for (const row of trialRows) assert.equal(row.split(/(?<!\\)\|/).length - 2, 7, row);
});

test('a running experiment without report.json exports its journal and best so far', () => {
  const snap = { ...fixtureSnapshot(), report: null, experiment: fixtureRecord({ status: 'running', bestScore: 0.8125, bestTrial: 0 }) };
  const html = renderExperimentHtml(snap, when);
  assert.match(html, /id="best-score">0\.8125</);
  assert.match(html, /written when the sweep finishes/);
  const md = renderExperimentMarkdown(snap, when);
  assert.match(md, /3 trials, best first/);
});

test('parseExperimentReport accepts report.json and refuses other shapes', () => {
  const good = JSON.parse(JSON.stringify(fixtureReport())) as unknown;
  assert.ok(parseExperimentReport(good));
  assert.equal(parseExperimentReport({ ...fixtureReport(), schemaVersion: 2 }), null);
  assert.equal(parseExperimentReport({ ...fixtureReport(), evaluation: { task: 'regression' } }), null);
  assert.equal(parseExperimentReport({ ...fixtureReport(), trials: [{ index: 'x' }] }), null);
  assert.equal(parseExperimentReport(null), null);
});
