/* global window, document -- the page.evaluate callbacks run in the browser */
// Dev harness for the Experiment Report and Compare webviews: bundles both apps, serves them under the
// panel's CSP with a fake acquireVsCodeApi, and screenshots real experiments (read from the workspaces
// given) plus the hand-written hostile fixture in Dark Modern / Light Modern / High Contrast. Fails on any
// console error, CSP violation or alert, and checks that the shown best score and metric values are the
// numbers in report.json.
//
//   node --import tsx webview/dev/reportScreenshot.mjs OUT_DIR WORKSPACE...   (each WORKSPACE holds .mllab)
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { THEMES } from './themes.mjs';
import { loadCompareEntry, loadReportSnapshot } from '../../src/core/ml/report/load.ts';
import { fixtureSnapshot } from '../../test/fixtures/experiments/reportFixture.ts';

const outDir = resolve(process.argv[2] ?? 'test-results/report');
const workspaces = process.argv.slice(3);
mkdirSync(outDir, { recursive: true });
const buildDir = join(outDir, 'build');
await esbuild.build({
  entryPoints: { experimentReport: 'webview/experimentReport/main.ts', compare: 'webview/compare/main.ts' },
  bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outdir: buildDir, logLevel: 'warning',
});
const files = {
  '/experimentReport.js': [join(buildDir, 'experimentReport.js'), 'text/javascript'],
  '/compare.js': [join(buildDir, 'compare.js'), 'text/javascript'],
  '/experimentReport.css': ['media/experimentReport.css', 'text/css'],
  '/codicon.css': ['node_modules/@vscode/codicons/dist/codicon.css', 'text/css'],
  '/codicon.ttf': ['node_modules/@vscode/codicons/dist/codicon.ttf', 'font/ttf'],
};

const reports = [];
const compareIds = [];
for (const ws of workspaces) {
  const dir = join(ws, '.mllab', 'experiments');
  for (const id of readdirSync(dir)) {
    const snap = await loadReportSnapshot(ws, id);
    if (!snap) continue;
    reports.push({ name: `${snap.experiment.task}-${id}`, snapshot: snap, raw: JSON.parse(readFileSync(join(dir, id, 'report.json'), 'utf8')) });
    compareIds.push([ws, id]);
  }
}
const compareEntries = [];
for (const [ws, id] of compareIds) {
  const e = await loadCompareEntry(ws, id);
  if (e) compareEntries.push(e);
}

let current = { script: 'experimentReport.js', message: null, theme: THEMES.dark };
function page(nonce) {
  const json = (v) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; font-src 'self'">
<link rel="stylesheet" href="/codicon.css" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="/experimentReport.css" nonce="${nonce}">
<script type="application/json" id="message">${json(current.message)}</script>
<script nonce="${nonce}">
  for (const [k, v] of Object.entries(${json(current.theme.vars)})) document.documentElement.style.setProperty(k, v);
  window.__posted = []; window.__alerts = 0; window.alert = () => { window.__alerts++; };
  document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      window.__posted.push(m);
      if (m.type === 'ready') setTimeout(() => window.postMessage(JSON.parse(document.getElementById('message').textContent), '*'), 0);
    },
    getState() { return null; }, setState() {},
  });
</script></head><body class="${current.theme.bodyClass}" data-vscode-theme-kind="${current.theme.bodyClass}">
<div id="app" aria-busy="true"></div>
<script type="module" nonce="${nonce}" src="/${current.script}"></script></body></html>`;
}
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page(randomBytes(12).toString('base64')));
  if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
  const f = files[url.pathname];
  if (!f) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': f[1] }).end(readFileSync(f[0]));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const problems = [];
const tab = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
tab.on('console', (m) => { if (m.type() === 'error') problems.push(`${current.script}: console: ${m.text()}`); });
tab.on('pageerror', (e) => problems.push(`${current.script}: page error: ${e.message}`));

async function shoot(name, script, message, theme, check) {
  current = { script, message, theme };
  await tab.goto(base);
  await tab.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false');
  await tab.waitForTimeout(400);
  if (check) await check(tab);
  if (await tab.evaluate(() => window.__alerts)) problems.push(`${name}: alert() ran`);
  await tab.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  console.log(`wrote ${join(outDir, `${name}.png`)}`);
}

for (const r of reports) {
  const lead = [...r.raw.best.members].sort((a, b) => b.weight - a.weight)[0];
  const leadTrial = r.raw.trials.find((t) => t.index === lead.trial);
  await shoot(`report-${r.name}-dark`, 'experimentReport.js', { type: 'snapshot', snapshot: r.snapshot }, THEMES.dark, async (p) => {
    const best = await p.getAttribute('#best-score', 'data-value');
    if (Number(best) !== r.snapshot.experiment.bestScore) problems.push(`${r.name}: best score ${best} != ${r.snapshot.experiment.bestScore}`);
    const shown = await p.$$eval('td[data-metric]', (tds) => tds.map((td) => [td.getAttribute('data-metric'), Number(td.getAttribute('data-value'))]));
    for (const [m, v] of shown) {
      const want = m === r.raw.metric ? r.raw.best.score : leadTrial.metrics[m];
      if (v !== want) problems.push(`${r.name}: ${m} shows ${v}, report.json has ${want}`);
    }
    if (shown.length < 3) problems.push(`${r.name}: only ${shown.length} metrics shown`);
    // Keyboard: Tab reaches the toolbar buttons and the section links.
    const seen = [];
    for (let i = 0; i < 8; i++) {
      await p.keyboard.press('Tab');
      seen.push(await p.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? ''));
    }
    for (const want of ['Export HTML', 'Export Markdown', 'Overview']) if (!seen.includes(want)) problems.push(`${r.name}: keyboard did not reach ${want} (${seen.join(' | ')})`);
  });
  await shoot(`report-${r.name}-light`, 'experimentReport.js', { type: 'snapshot', snapshot: r.snapshot }, THEMES.light);
}
const hostile = fixtureSnapshot();
await shoot('report-hostile-hc', 'experimentReport.js', { type: 'snapshot', snapshot: hostile }, THEMES.hc, async (p) => {
  if (await p.$('img')) problems.push('hostile: an <img> element was created');
});
const byTask = new Map();
for (const e of compareEntries) byTask.set(e.experiment.task, [...(byTask.get(e.experiment.task) ?? []), e]);
const withCurves = compareEntries.filter((e) => e.evaluation && e.evaluation.task !== 'regression');
if (compareEntries.length >= 2) await shoot('compare-dark', 'compare.js', { type: 'snapshot', snapshot: { entries: withCurves.length >= 2 ? withCurves : compareEntries, notice: null } }, THEMES.dark);
await shoot('compare-hostile-light', 'compare.js', { type: 'snapshot', snapshot: { entries: [
  { key: 'a', label: 'a <b>x</b>', experiment: hostile.experiment, trial: hostile.report.trials[1], evaluation: hostile.report.evaluation, classes: hostile.report.classes },
  { key: 'b', label: 'b', experiment: { ...hostile.experiment, id: '20261128-071502-loans-b00', bestScore: 0.8125 }, trial: hostile.report.trials[0], evaluation: hostile.report.evaluation, classes: hostile.report.classes },
], notice: null } }, THEMES.light);

await browser.close();
server.close();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('no problems');
