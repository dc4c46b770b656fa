/* global window, document, requestAnimationFrame -- the page.evaluate callbacks run in the browser */
// Dev harness for the Sweep panel webview: bundles the app, serves it under the same CSP as the real panel
// with a fake acquireVsCodeApi, feeds it a snapshot built (by the host's own code) from a real experiment
// folder, replays the rest of its trials as live deltas, and screenshots it in Chromium with VS Code's
// Dark Modern / Light Modern / High Contrast variables. Fails on any console error, CSP violation, alert,
// or a check below (keyboard reach, sorting, rows rebuilt during live updates, state restore).
//
//   node --import tsx webview/dev/sweepScreenshot.mjs WORKSPACE EXPERIMENT_ID [outDir]
//
// WORKSPACE is a folder holding .mllab/experiments/EXPERIMENT_ID (e.g. from `node dist/cli.js sweep …`).
// Not part of `npm test`: it needs Chromium and a real experiment.
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { THEMES } from './themes.mjs';
import { ExperimentStore } from '../../src/core/store/experiments.ts';
import { buildSweepSnapshot } from '../../src/extension/views/sweepSnapshot.ts';

const [workspace, experimentId, out] = process.argv.slice(2);
if (!workspace || !experimentId) {
  console.error('usage: node --import tsx webview/dev/sweepScreenshot.mjs WORKSPACE EXPERIMENT_ID [outDir]');
  process.exit(2);
}
const outDir = resolve(out ?? 'test-results/sweep');
mkdirSync(outDir, { recursive: true });
const buildDir = join(outDir, 'build');
await esbuild.build({
  entryPoints: { sweep: 'webview/sweep/main.ts' },
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  outdir: buildDir,
  logLevel: 'warning',
});

const files = {
  '/sweep.js': [join(buildDir, 'sweep.js'), 'text/javascript'],
  '/sweep.css': ['media/sweep.css', 'text/css'],
  '/codicon.css': ['node_modules/@vscode/codicons/dist/codicon.css', 'text/css'],
  '/codicon.ttf': ['node_modules/@vscode/codicons/dist/codicon.ttf', 'font/ttf'],
};

// The finished experiment, as the store has it.
const store = new ExperimentStore(resolve(workspace));
const done = await buildSweepSnapshot(experimentId, store, undefined, Date.now());
if (!done.record) throw new Error(`no experiment ${experimentId} in ${workspace}: ${done.notice}`);
const all = done.trials;
const budget = done.record.config.budgetSeconds ?? 60;

// Mid-sweep: the first 60% of the trials finished, two running, as the hub would have published them.
function activityAt(count, now) {
  const finished = all.slice(0, count);
  const greater = done.record.greaterIsBetter;
  let best = null;
  for (const t of finished) if (t.status === 'done' && t.score !== null && (!best || (greater ? t.score > best.score : t.score < best.score))) best = t;
  const next = all.slice(count, count + 2);
  const elapsed = budget * (count / all.length) * 0.9;
  return {
    experimentId,
    workspace,
    state: 'running',
    progress: { experimentId, phase: 'searching', metric: done.record.metric, task: done.record.task, finishedTrials: count, runningTrials: next.length, elapsedSeconds: elapsed, budgetSeconds: budget, maxTrials: null, bestScore: best?.score ?? null, bestTrial: best?.index ?? null },
    running: next.map((t, i) => ({ index: t.index, model: t.config.model, startedAt: now - 1500 - i * 2300 })),
    finished,
    error: null,
  };
}
const liveCount = Math.floor(all.length * 0.6);
const runningRecord = { ...done.record, status: 'running', bestTrial: null, bestScore: null, times: { ...done.record.times, finished: null } };
const midStore = { read: async () => runningRecord, readTrials: async () => all.slice(0, liveCount) };
const mid = await buildSweepSnapshot(experimentId, midStore, activityAt(liveCount, Date.now()), Date.now());
// A long sweep: the real trials repeated to 3,000 (indexes renumbered), mid-run.
const bigTrials = Array.from({ length: 3000 }, (_, i) => ({ ...all[i % all.length], index: i }));
const big = { ...mid, trials: bigTrials.slice(0, 2990), live: { ...mid.live, running: [{ index: 2990, model: 'gbdt', startedAt: Date.now() - 1000 }] } };
// Just started: two trials running, none finished.
const starting = { ...mid, trials: [], record: { ...runningRecord, trials: 0 }, live: { ...mid.live, progress: { ...mid.live.progress, finishedTrials: 0, bestScore: null, bestTrial: null, elapsedSeconds: 1 }, running: all.slice(0, 2).map((t, i) => ({ index: t.index, model: t.config.model, startedAt: Date.now() - 800 * (i + 1) })) } };
const snapshots = { done, mid, big, starting, hostile: { ...done, record: { ...done.record, config: { ...done.record.config, target: '<img src=x onerror=alert(1)>' }, dataset: { ...done.record.dataset, path: '/tmp/</script><b>x</b>.csv' } } } };

function page(nonce, theme, fixture, state) {
  const json = (v) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; font-src 'self'">
<link rel="stylesheet" href="/codicon.css" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="/sweep.css" nonce="${nonce}">
<script type="application/json" id="snapshot">${json(snapshots[fixture])}</script>
<script type="application/json" id="state">${json(state ?? null)}</script>
<script nonce="${nonce}">
  window.__setTheme = (vars, bodyClass) => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    if (document.body) document.body.className = bodyClass;
  };
  window.__setTheme(${json(theme.vars)}, '');
  window.__posted = [];
  window.__alerts = 0;
  window.alert = () => { window.__alerts++; };
  document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  let state = JSON.parse(document.getElementById('state').textContent);
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      window.__posted.push(m);
      if (m.type === 'ready') {
        const snapshot = JSON.parse(document.getElementById('snapshot').textContent);
        // Re-stamp live times to the page clock, as a host would have just published them.
        if (snapshot.live) {
          const shift = Date.now() - snapshot.live.receivedAt;
          snapshot.live.receivedAt += shift;
          for (const r of snapshot.live.running) r.startedAt += shift;
        }
        setTimeout(() => window.postMessage({ type: 'snapshot', snapshot }, '*'), 0);
      }
    },
    getState() { return state; },
    setState(s) { state = s; window.__state = s; },
  });
</script>
</head><body class="${theme.bodyClass}" data-vscode-theme-kind="${theme.bodyClass}">
<div id="app" aria-busy="true"></div>
<script type="module" nonce="${nonce}" src="/sweep.js"></script>
</body></html>`;
}

let current = { theme: THEMES.dark, fixture: 'mid', state: null };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(randomBytes(12).toString('base64'), current.theme, current.fixture, current.state));
    return;
  }
  const f = files[url.pathname];
  if (!f) {
    res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    return;
  }
  res.writeHead(200, { 'content-type': f[1] });
  res.end(readFileSync(f[0]));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
const tab = await ctx.newPage();
tab.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') problems.push(`${current.fixture}/${current.theme.name}: console ${m.type()}: ${m.text()}`);
});
tab.on('pageerror', (e) => problems.push(`${current.fixture}/${current.theme.name}: page error: ${e.message}`));

async function load(fixture, theme, state = null) {
  current = { theme, fixture, state };
  await tab.goto(base);
  await tab.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false');
  await tab.waitForTimeout(200);
}
async function shot(name) {
  const alerts = await tab.evaluate(() => window.__alerts);
  if (alerts) problems.push(`${name}: alert() ran ${alerts} times`);
  const file = join(outDir, `${name}.png`);
  await tab.screenshot({ path: file, fullPage: true });
  console.log(`wrote ${file}`);
}

// Live: the rest of the trials arrive as deltas, 4 a second (what the host's coalescing sends at most).
await load('mid', THEMES.dark);
const rowsBefore = await tab.evaluate(() => {
  window.__rows = new Map([...document.querySelectorAll('tbody tr')].map((tr) => [tr.dataset.index, tr]));
  window.__canvas = document.querySelector('canvas');
  return window.__rows.size;
});
if (rowsBefore !== liveCount + 2) problems.push(`mid: ${rowsBefore} rows, expected ${liveCount} finished + 2 running`);
const ticks = [];
for (let count = liveCount + 1; count <= Math.min(all.length, liveCount + 12); count++) {
  const a = activityAt(count, Date.now());
  const live = { state: a.state, progress: a.progress, running: a.running, error: null, receivedAt: Date.now() };
  await tab.evaluate(([l, f]) => window.postMessage({ type: 'activity', live: l, finished: f, record: null }, '*'), [live, all.slice(count - 1, count)]);
  await tab.waitForTimeout(250);
  ticks.push(await tab.evaluate(() => document.querySelector('.stat-value')?.textContent));
}
const kept = await tab.evaluate(() => {
  let same = 0;
  for (const [i, tr] of window.__rows) if (document.querySelector(`tbody tr[data-index="${i}"]`) === tr) same++;
  return { same, total: window.__rows.size, canvas: document.querySelector('canvas') === window.__canvas };
});
// Every row that was on screen is the same node (moved, never rebuilt); running rows that finished too.
if (kept.same !== kept.total) problems.push(`live: ${kept.total - kept.same} of ${kept.total} rows were rebuilt during updates`);
if (!kept.canvas) problems.push('live: the chart canvas was replaced');
if (new Set(ticks).size < ticks.length) problems.push(`live: the trial count did not move with every delta: ${ticks.join(',')}`);
await shot('sweep-live-dark');

// Keyboard: Tab reaches the controls and the sort buttons; Enter on "Sort by score" sorts best first.
const seen = [];
await tab.locator('body').focus();
for (let i = 0; i < 12; i++) {
  await tab.keyboard.press('Tab');
  seen.push(await tab.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName ?? ''));
}
for (const want of ['Pause sweep', 'Stop sweep', 'Sort by trial number', 'Sort by score', 'Sort by duration']) {
  if (!seen.includes(want)) problems.push(`keyboard: ${want} not reached with Tab (${seen.join(' | ')})`);
}
await tab.getByRole('button', { name: 'Sort by score' }).focus();
await tab.keyboard.press('Enter');
const scores = await tab.evaluate(() => [...document.querySelectorAll('tbody tr')].slice(0, 6).map((tr) => tr.querySelector('.col-score')?.textContent ?? ''));
const first = scores.map((s) => Number.parseFloat(s)).filter(Number.isFinite);
const greater = done.record.greaterIsBetter;
if (first.some((v, i) => i > 0 && (greater ? v > first[i - 1] : v < first[i - 1]))) problems.push(`sort: score order ${scores.join(', ')}`);
// Tab from the last sort button reaches the rows (one Tab stop); ArrowDown moves focus, Enter selects.
await tab.getByRole('button', { name: 'Sort by status' }).focus();
await tab.keyboard.press('Tab');
const inRow = await tab.evaluate(() => document.activeElement?.tagName === 'TR');
if (!inRow) problems.push('keyboard: Tab after the headers does not reach the rows');
await tab.keyboard.press('ArrowDown');
await tab.keyboard.press('Enter');
const selected = await tab.evaluate(() => document.querySelector('tbody tr[aria-selected="true"]')?.dataset.index ?? null);
if (selected === null) problems.push('keyboard: ArrowDown + Enter selected no row');
// The pruned/failed filter, from the keyboard: Space on the checkbox leaves only done and running rows.
await tab.locator('#hide-unscored').focus();
await tab.keyboard.press('Space');
const statuses = await tab.evaluate(() => [...document.querySelectorAll('tbody tr')].map((tr) => tr.className));
if (statuses.length === 0 || statuses.some((c) => /pruned|failed/.test(c))) problems.push(`filter: rows left ${statuses.length}, ${statuses.filter((c) => /pruned|failed/.test(c)).length} pruned/failed`);
// A row the reloaded page's snapshot has (the deltas above are not in it): selected by click.
await tab.locator('tbody tr[data-index="3"]').click();
await tab.getByRole('button', { name: 'Pause sweep' }).click();
const controls = await tab.evaluate(() => window.__posted.filter((m) => m.type === 'control').map((m) => m.action));
if (controls.join() !== 'pause') problems.push(`pause posted ${JSON.stringify(controls)}`);
const saved = await tab.evaluate(() => window.__state);
await shot('sweep-sorted-dark');

// Reload with the saved state: sort and selection come back.
await load('mid', THEMES.dark, saved);
const restored = await tab.evaluate(() => ({
  sort: document.querySelector('th[aria-sort="descending"], th[aria-sort="ascending"]')?.textContent ?? null,
  selected: document.querySelector('tbody tr[aria-selected="true"]')?.dataset.index ?? null,
  hide: document.querySelector('#hide-unscored')?.checked ?? null,
}));
if (!restored.sort?.startsWith('Score') || restored.selected !== '3' || restored.hide !== true) problems.push(`restore: ${JSON.stringify(restored)} (selected before: 3)`);

await load('starting', THEMES.light);
const startingView = await tab.evaluate(() => ({ empty: !document.querySelector('.chart-empty')?.hidden, rows: document.querySelectorAll('tbody tr.status-running').length }));
if (!startingView.empty || startingView.rows !== 2) problems.push(`starting: ${JSON.stringify(startingView)}`);
await shot('sweep-starting-light');
await load('done', THEMES.light);
await shot('sweep-done-light');
await load('done', THEMES.hc);
await shot('sweep-done-hc');
await load('mid', THEMES.dark);
await tab.evaluate(([vars, cls]) => window.__setTheme(vars, cls), [THEMES.light.vars, THEMES.light.bodyClass]);
await tab.waitForTimeout(200);
await shot('sweep-switched-to-light');
await load('hostile', THEMES.dark);
const injected = await tab.evaluate(() => document.querySelectorAll('#app img, #app script, #app b').length);
if (injected) problems.push(`hostile: ${injected} injected elements`);
// 3,000 trials: the table shows the first 250 in sort order (Show more adds 250); how long one live delta
// (a finished trial) takes to apply and lay out, over 10 deltas.
await load('big', THEMES.dark);
const cdp = process.env.PROFILE ? await tab.context().newCDPSession(tab) : null;
if (cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
}
const perDelta = await tab.evaluate(async (trials) => {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t = trials[2990 + i];
    const now = Date.now();
    const live = { state: 'running', progress: null, running: [{ index: 2991 + i, model: 'gbdt', startedAt: now }], error: null, receivedAt: now };
    const t0 = performance.now();
    window.postMessage({ type: 'activity', live, finished: [t], record: null }, '*');
    await new Promise((r) => setTimeout(r, 0));
    const script = performance.now() - t0;
    document.body.getBoundingClientRect();
    const layout = performance.now() - t0 - script;
    await new Promise((r) => requestAnimationFrame(() => r()));
    times.push([performance.now() - t0, script, layout]);
  }
  times.sort((a, b) => a[0] - b[0]);
  return { median: times[5][0], script: times[5][1], layout: times[5][2], rows: document.querySelectorAll('tbody tr').length };
}, bigTrials);
if (cdp) {
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v.toFixed(0)} ms ${k}`).join('\n'));
}
console.log(`3000 trials: ${perDelta.rows} rows shown; a live delta applied and painted in ${perDelta.median.toFixed(0)} ms (median of 10: script ${perDelta.script.toFixed(0)} ms, layout ${perDelta.layout.toFixed(0)} ms)`);
if (perDelta.rows !== 250) problems.push(`big: ${perDelta.rows} rows in the DOM, expected the first 250`);
await tab.getByRole('button', { name: /^Show 250 more of 3001 trials/ }).click();
const afterMore = await tab.evaluate(() => document.querySelectorAll('tbody tr').length);
if (afterMore !== 500) problems.push(`big: Show more left ${afterMore} rows`);
await shot('sweep-big-dark');
await tab.setViewportSize({ width: 720, height: 900 });
await load('mid', THEMES.light);
await shot('sweep-narrow-light');

await browser.close();
server.close();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('no console errors, CSP violations or alerts; live updates kept every row node');
