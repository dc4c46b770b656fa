/* global window, document -- the page.evaluate callbacks run in the browser */
// Dev harness for the Data Quality webview: bundles the app, serves it under the same CSP as the real
// panel with a fake acquireVsCodeApi and a fixture profile, then screenshots it in Chromium with VS Code's
// Dark Modern / Light Modern / High Contrast variables. Fails on any console error, CSP violation or alert.
//
//   node --import tsx webview/dev/screenshot.mjs [outDir]        (default test-results/webview)
//   SHOTS=clean node --import tsx webview/dev/screenshot.mjs      (only the shots whose name has "clean")
//
// Not part of `npm test`: it needs Chromium and takes a few seconds.
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { loansPreview, loansProfile } from '../../test/fixtures/profiles/loans.ts';
import { hostileProfile } from '../../test/fixtures/profiles/hostile.ts';
import { wideProfile } from '../../test/fixtures/profiles/wide.ts';
import { cleanPanelFixture } from '../../test/fixtures/clean/panelFixture.ts';
import { THEMES } from './themes.mjs';
import { suggestCleaning } from '../../src/core/clean/suggestions.ts';

const outDir = resolve(process.argv[2] ?? 'test-results/webview');
mkdirSync(outDir, { recursive: true });
const buildDir = join(outDir, 'build');

await esbuild.build({
  entryPoints: { dataQuality: 'webview/dataQuality/main.ts' },
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  outdir: buildDir,
  logLevel: 'warning',
});

const files = {
  '/dataQuality.js': [join(buildDir, 'dataQuality.js'), 'text/javascript'],
  '/dataQuality.css': ['media/dataQuality.css', 'text/css'],
  '/codicon.css': ['node_modules/@vscode/codicons/dist/codicon.css', 'text/css'],
  '/codicon.ttf': ['node_modules/@vscode/codicons/dist/codicon.ttf', 'font/ttf'],
};

const noClean = { suggestions: null, preview: null, busy: null, version: null, comparison: null };
const fx = await cleanPanelFixture(buildDir);
const customers = { fileUri: 'file:///home/ana/data/customers.csv', fileName: 'customers.csv', phase: 'ready', profile: fx.profile, progress: null, notice: null, error: null };
const cleaned = { fileUri: 'file:///home/ana/data/customers.clean.csv', fileName: 'customers.clean.csv', phase: 'ready', profile: fx.cleanProfile, progress: null, notice: null, error: null };
const withPreview = { suggestions: fx.suggestions, preview: { preview: fx.preview, recipe: fx.recipe }, busy: null, version: null, comparison: null };

const snapshots = {
  clean: { ...customers, clean: { ...noClean, suggestions: fx.suggestions } },
  cleanPreview: { ...customers, clean: withPreview },
  cleanError: { ...customers, clean: { ...withPreview, preview: { error: 'Column `income` has text the step cannot read as a number: "n/a (see note)".' } } },
  cleanBusy: { ...customers, clean: { ...withPreview, busy: 'Applying 6 steps… 35%' } },
  version: { ...cleaned, clean: { ...noClean, suggestions: suggestCleaning(fx.cleanProfile), version: fx.version } },
  compare: { ...cleaned, clean: { ...noClean, suggestions: [], version: fx.version, comparison: { parent: fx.profile, parentName: 'customers.csv', requested: 1 } } },
  loans: { fileUri: 'file:///home/ana/credit/loans.csv', fileName: 'loans.csv', phase: 'ready', profile: loansProfile, progress: null, notice: 'Loaded from cache (profiled 2 min ago)', error: null, clean: noClean },
  preview: { fileUri: 'file:///home/ana/credit/loans.csv', fileName: 'loans.csv', phase: 'preview', profile: loansPreview, progress: { bytesDone: 1_043_000, bytesTotal: 2_318_944, rowsDone: 5600, etaMs: 8200 }, notice: null, error: null, clean: noClean },
  loading: { fileUri: 'file:///home/ana/credit/loans.csv', fileName: 'loans.csv', phase: 'loading', profile: null, progress: { bytesDone: 400_000, bytesTotal: 2_318_944, rowsDone: 2100, etaMs: 12000 }, notice: null, error: null, clean: noClean },
  error: { fileUri: 'file:///home/ana/credit/loans.csv', fileName: 'loans.csv', phase: 'error', profile: null, progress: null, notice: null, error: 'Unbalanced quote: the field opened at line 1,042 never closes.', clean: noClean },
  hostile: { fileUri: 'file:///tmp/x.csv', fileName: '<img src=x onerror=alert(1)>.csv', phase: 'ready', profile: hostileProfile, progress: null, notice: '</script><b>notice</b>', error: null, clean: noClean },
  cleanHostile: { fileUri: 'file:///tmp/x.csv', fileName: 'x.csv', phase: 'ready', profile: hostileProfile, progress: null, notice: null, error: null, clean: { ...noClean, suggestions: suggestCleaning(hostileProfile), preview: { error: '<img src=x onerror=alert(2)> `<b>col</b>`' } } },
  wide: { fileUri: 'file:///data/wide.csv', fileName: 'wide.csv', phase: 'ready', profile: wideProfile(), progress: null, notice: null, error: null, clean: noClean },
  cleanWide: { fileUri: 'file:///data/wide.csv', fileName: 'wide.csv', phase: 'ready', profile: wideProfile(), progress: null, notice: null, error: null, clean: { ...noClean, suggestions: suggestCleaning(wideProfile()) } },
};

function page(nonce, theme, fixture, state) {
  // `<` escaped so a `</script>` inside the data cannot end the JSON block.
  const json = (v) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; font-src 'self'">
<link rel="stylesheet" href="/codicon.css" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="/dataQuality.css" nonce="${nonce}">
<script type="application/json" id="snapshot">${json(snapshots[fixture])}</script>
<script type="application/json" id="state">${json(state ?? null)}</script>
<script type="application/json" id="preview">${json(fixture.startsWith('clean') ? { preview: fx.preview, recipe: fx.recipe } : null)}</script>
<script type="application/json" id="parent">${json(fixture === 'version' ? fx.profile : null)}</script>
<script nonce="${nonce}">
  // VS Code sets its theme variables through the CSSOM, which the CSP allows; so do we.
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
      const snapshot = JSON.parse(document.getElementById('snapshot').textContent);
      if (m.type === 'ready') {
        setTimeout(() => window.postMessage({ type: 'snapshot', snapshot }, '*'), 0);
      }
      // The fake host answers a Preview with the fixture preview, as the worker would.
      if (m.type === 'cleanPreview') {
        const preview = JSON.parse(document.getElementById('preview').textContent);
        setTimeout(() => window.postMessage({ type: 'cleanBusy', busy: 'Previewing on a sample…' }, '*'), 0);
        setTimeout(() => window.postMessage({ type: 'cleanBusy', busy: null }, '*'), 30);
        setTimeout(() => window.postMessage({ type: 'clean', clean: { ...snapshot.clean, preview } }, '*'), 40);
      }
      if (m.type === 'versionAction' && m.action === 'compareWithParent') {
        const parent = JSON.parse(document.getElementById('parent').textContent);
        setTimeout(() => window.postMessage({ type: 'clean', clean: { ...snapshot.clean, comparison: { parent, parentName: 'customers.csv', requested: 1 } } }, '*'), 0);
      }
    },
    getState() { return state; },
    setState(s) { state = s; window.__state = s; },
  });
</script>
</head><body class="${theme.bodyClass}" data-vscode-theme-kind="${theme.bodyClass}">
<div id="app" aria-busy="true"></div>
<script type="module" nonce="${nonce}" src="/dataQuality.js"></script>
</body></html>`;
}

let current = { theme: THEMES.dark, fixture: 'loans', state: null };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(randomBytes(12).toString('base64'), current.theme, current.fixture, current.state));
    return;
  }
  const f = files[url.pathname];
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (!f) {
    res.writeHead(404).end();
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
const ctx = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
const tab = await ctx.newPage();
tab.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') problems.push(`${current.fixture}/${current.theme.name}: console ${m.type()}: ${m.text()}`);
});
tab.on('pageerror', (e) => problems.push(`${current.fixture}/${current.theme.name}: page error: ${e.message}`));

const only = process.env.SHOTS ?? '';
async function shoot(name, fixture, theme, prepare, state = null) {
  if (only && !name.includes(only)) return;
  current = { theme, fixture, state };
  await tab.goto(base);
  await tab.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') !== null && window.__posted.some((m) => m.type === 'ready'));
  await tab.waitForTimeout(150);
  if (prepare) await prepare(tab);
  await tab.waitForTimeout(150);
  const alerts = await tab.evaluate(() => window.__alerts);
  if (alerts) problems.push(`${name}: alert() ran ${alerts} times`);
  const file = join(outDir, `${name}.png`);
  await tab.screenshot({ path: file });
  console.log(`wrote ${file}`);
}

// The Clean tab: suggestions, an edit, Preview answered by the fake host; errors; busy; lineage; comparison.
const cleanTab = (p) => p.getByRole('tab', { name: /^Clean/ }).click();
await shoot('clean-dark', 'clean', THEMES.dark, async (p) => {
  await cleanTab(p);
  const rows = await p.locator('.clean-row').count();
  if (rows !== fx.suggestions.length) problems.push(`clean: ${rows} rows for ${fx.suggestions.length} suggestions`);
  // Keyboard: from the tab, Tab reaches the actions and the rows' controls; Space unchecks a row.
  await p.getByRole('tab', { name: /^Clean/ }).focus();
  const seen = [];
  for (let i = 0; i < 11; i++) {
    await p.keyboard.press('Tab');
    seen.push(await p.evaluate(() => `${document.activeElement?.tagName.toLowerCase()} ${document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim().slice(0, 30) ?? ''}`));
  }
  for (const want of ['Reset to suggested', 'Preview', 'Apply', 'Export Python', 'Export TypeScript', 'Filter suggestions', 'Check shown', 'input', 'What to do about the whole file']) {
    if (!seen.some((x) => x.includes(want))) problems.push(`clean keyboard: ${want} not reached (${seen.join(' | ')})`);
  }
  const before = await p.locator('.clean-summary').textContent();
  await p.locator('.clean-row input[type=checkbox]').first().focus();
  await p.keyboard.press('Space');
  const after = await p.locator('.clean-summary').textContent();
  if (before === after || !/^13 of/.test(after ?? '')) problems.push(`clean keyboard: Space changed "${before}" to "${after}"`);
  await p.keyboard.press('Space');
  await p.locator('.clean-list-pane').screenshot({ path: join(outDir, 'clean-list-dark.png') });
});
await shoot('clean-preview-light', 'clean', THEMES.light, async (p) => {
  await cleanTab(p);
  await p.getByRole('button', { name: 'Preview' }).click();
  await p.waitForSelector('.preview-body');
  const posted = await p.evaluate(() => window.__posted.filter((m) => m.type === 'cleanPreview'));
  if (posted.length !== 1 || posted[0].choices.length === 0) problems.push(`clean: Preview posted ${JSON.stringify(posted).slice(0, 200)}`);
  // Changing the checked steps marks the preview out of date; changing them back clears the mark.
  const stale = () => p.locator('.preview-stale').isVisible();
  if (await stale()) problems.push('clean: a fresh preview is marked out of date');
  await p.locator('.clean-row input[type=checkbox]').first().click();
  if (!(await stale())) problems.push('clean: the preview is not marked out of date after an edit');
  await p.screenshot({ path: join(outDir, 'clean-stale-light.png') });
  await p.locator('.clean-row input[type=checkbox]').first().click();
  if (await stale()) problems.push('clean: the out-of-date mark stays after undoing the edit');
});
await shoot('clean-preview-hc', 'cleanPreview', THEMES.hc, cleanTab);
await shoot('clean-preview-dark', 'cleanPreview', THEMES.dark, async (p) => {
  await cleanTab(p);
  await p.locator('.clean-preview').screenshot({ path: join(outDir, 'clean-preview-pane-dark.png') });
});
await shoot('clean-edit-dark', 'cleanPreview', THEMES.dark, async (p) => {
  await cleanTab(p);
  // Pick "group rare" style options with a parameter, type a bad value: the row says why and buttons disable.
  // income is numeric: a constant fill must be a number.
  const row = p.locator('.clean-row', { hasText: /income\s*: 1\d% missing/ });
  const select = row.locator('select');
  const labels = await select.locator('option').allTextContents();
  await select.selectOption(String(labels.findIndex((l) => /constant/.test(l))));
  await row.locator('input.clean-param').fill('abc');
  const error = await row.locator('.field-error').textContent();
  if (!/enter a number/.test(error ?? '')) problems.push(`clean: constant "abc" for a numeric column says ${error}`);
  const disabled = await p.getByRole('button', { name: 'Apply' }).evaluate((b) => b.disabled);
  if (!disabled) problems.push('clean: Apply enabled with an invalid parameter');
});
await shoot('clean-error-dark', 'cleanError', THEMES.dark, cleanTab);
// 5,000 columns, thousands of suggestions: the tab opens and a checkbox answers quickly.
await shoot('clean-wide-dark', 'cleanWide', THEMES.dark, async (p) => {
  const t0 = Date.now();
  await cleanTab(p);
  await p.waitForSelector('.clean-row');
  const opened = Date.now() - t0;
  const t1 = Date.now();
  await p.locator('.clean-row input[type=checkbox]').first().click();
  const click = Date.now() - t1;
  const t2 = Date.now();
  await p.getByRole('button', { name: 'Uncheck shown' }).click();
  const bulk = Date.now() - t2;
  const summary = await p.locator('.clean-summary').textContent();
  if (!/^0 of/.test(summary ?? '')) problems.push(`clean wide: after Uncheck shown the summary says ${summary}`);
  await p.getByRole('button', { name: 'Reset to suggested' }).click();
  await p.locator('vscode-textfield.filter').click();
  await p.keyboard.type('feature_4998');
  await p.waitForTimeout(50);
  const filtered = await p.locator('.clean-row').count();
  if (filtered < 1 || filtered > 5) problems.push(`clean wide: filter feature_4998 shows ${filtered} rows`);
  console.log(`clean wide: tab opened in ${opened} ms, a checkbox took ${click} ms, uncheck all ${bulk} ms, ${await p.locator('.clean-row').count()} rows for the filter`);
});
await shoot('clean-hostile-dark', 'cleanHostile', THEMES.dark, async (p) => {
  await cleanTab(p);
  const injected = await p.evaluate(() => document.querySelectorAll('#app img, #app script, #app b').length);
  if (injected) problems.push(`clean hostile: ${injected} injected elements in the DOM`);
});
await shoot('clean-busy-light', 'cleanBusy', THEMES.light, cleanTab);
await shoot('clean-version-dark', 'version', THEMES.dark, async (p) => {
  await p.locator('.lineage details').first().locator('summary').click();
});
await shoot('clean-compare-dark', 'version', THEMES.dark, async (p) => {
  await p.getByRole('button', { name: 'Compare with parent' }).click();
  await p.waitForSelector('.comparison-view');
  // A later clean update carrying the same comparison must not pull the user back to it.
  await p.getByRole('tab', { name: /^Columns/ }).click();
  await p.evaluate(() => {
    const last = [...document.querySelectorAll('script#parent')][0];
    const parent = JSON.parse(last.textContent);
    const snapshot = JSON.parse(document.getElementById('snapshot').textContent);
    window.postMessage({ type: 'clean', clean: { ...snapshot.clean, comparison: { parent, parentName: 'customers.csv', requested: 1 } } }, '*');
  });
  await p.waitForTimeout(100);
  const selected = await p.locator('[role=tab][aria-selected=true]').textContent();
  if (!/^Columns/.test(selected ?? '')) problems.push(`compare: a repeated comparison switched the tab to ${selected}`);
  await p.getByRole('tab', { name: /^Compare/ }).click();
});
// A reloaded panel comes back on the Compare tab it was showing.
const onCompare = { fileUri: 'file:///home/ana/data/customers.clean.csv', tab: 'compare' };
await shoot('clean-compare-light', 'compare', THEMES.light, null, onCompare);
await shoot('clean-compare-hc', 'compare', THEMES.hc, async (p) => p.getByLabel('Only columns that changed').check(), onCompare);
await tab.setViewportSize({ width: 720, height: 820 });
// Narrow: the preview sits below the list, so a Preview scrolls it into view.
await shoot('clean-narrow-light', 'clean', THEMES.light, async (p) => {
  await cleanTab(p);
  await p.getByRole('button', { name: 'Preview' }).click();
  await p.waitForSelector('.preview-body');
  await p.waitForTimeout(600);
});
await tab.setViewportSize({ width: 1280, height: 820 });

await shoot('loans-dark', 'loans', THEMES.dark, async (p) => {
  await p.getByRole('option', { name: /^annual_income/ }).click();
});
await shoot('loans-light', 'loans', THEMES.light, async (p) => {
  await p.getByRole('option', { name: /^home_ownership/ }).click();
});
await shoot('loans-hc', 'loans', THEMES.hc, async (p) => {
  await p.getByRole('option', { name: /^issue_date/ }).click();
});
// A theme switch while open: charts and sparklines must pick up the new colours without a reload.
await shoot('switched-to-light', 'loans', THEMES.dark, async (p) => {
  await p.getByRole('option', { name: /^amount/ }).click();
  await p.evaluate(([vars, cls]) => window.__setTheme(vars, cls), [THEMES.light.vars, THEMES.light.bodyClass]);
});
await shoot('warnings-dark', 'loans', THEMES.dark, async (p) => p.getByRole('tab', { name: /Warnings/ }).click());
await shoot('correlations-light', 'loans', THEMES.light, async (p) => p.getByRole('tab', { name: /Correlations/ }).click());
await shoot('missing-dark', 'loans', THEMES.dark, async (p) => p.getByRole('tab', { name: /Missing/ }).click());
await shoot('preview-dark', 'preview', THEMES.dark, async (p) => {
  await p.evaluate(() => window.postMessage({ type: 'progress', progress: { bytesDone: 1_900_000, bytesTotal: 2_318_944, rowsDone: 9800, etaMs: 2100 } }, '*'));
});
await shoot('loading-light', 'loading', THEMES.light);
await shoot('error-dark', 'error', THEMES.dark);
await shoot('hostile-dark', 'hostile', THEMES.dark, async (p) => {
  const injected = await p.evaluate(() => document.querySelectorAll('#app img, #app script, #app svg[onload], #app b').length);
  if (injected) problems.push(`hostile: ${injected} injected elements in the DOM`);
});
await shoot('hostile-warnings', 'hostile', THEMES.light, async (p) => p.getByRole('tab', { name: /Warnings/ }).click());

// 5,000 columns: rows in the DOM stay bounded; keyboard moves through the list; End reaches the last column.
await shoot('wide-dark', 'wide', THEMES.dark, async (p) => {
  const rendered = await p.evaluate(() => document.querySelectorAll('.list-row').length);
  if (rendered > 80) problems.push(`wide: ${rendered} rows in the DOM (virtualisation broken?)`);
  await p.locator('.list-scroller').focus();
  await p.keyboard.press('End');
  await p.keyboard.press('Enter');
  const title = await p.locator('.detail-header h2').textContent();
  if (title !== 'feature_4999') problems.push(`wide: End+Enter opened ${title}`);
  const t0 = Date.now();
  for (let i = 0; i < 20; i++) await p.keyboard.press('PageUp');
  console.log(`wide: 20 PageUp presses in ${Date.now() - t0} ms`);
  await p.keyboard.press('Enter');
});

// Keyboard: Tab walks every control in order; the focus ring is visible on the list.
await shoot('keyboard-dark', 'loans', THEMES.dark, async (p) => {
  const seen = [];
  for (let i = 0; i < 16; i++) {
    await p.keyboard.press('Tab');
    seen.push(await p.evaluate(() => {
      const a = document.activeElement;
      if (!a) return 'none';
      const label = a.getAttribute('aria-label') ?? a.textContent?.trim().slice(0, 24) ?? '';
      return `${a.tagName.toLowerCase()}${a.getAttribute('role') ? `[${a.getAttribute('role')}]` : ''} ${label}`;
    }));
  }
  console.log(`tab order:\n  ${seen.join('\n  ')}`);
  for (const want of ['Re-profile', 'Export HTML', 'Export Markdown', '[tab]', 'Filter columns by name', 'Filter by type', 'Sort by name', '[listbox]']) {
    if (!seen.some((s) => s.includes(want))) problems.push(`keyboard: ${want} not reachable with Tab`);
  }
  // Into the list and down two rows, Enter opens the column.
  await p.locator('.list-scroller').focus();
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('Enter');
  const title = await p.locator('.detail-header h2').textContent();
  if (title !== 'amount') problems.push(`keyboard: ArrowDown x2 + Enter (from loan_id) opened ${title}`);
  // A warning opens its column with Enter.
  await p.getByRole('tab', { name: /Warnings/ }).focus();
  await p.keyboard.press('Enter');
  await p.getByRole('button', { name: /Open column notes/ }).focus();
  await p.keyboard.press('Enter');
  const opened = await p.locator('.detail-header h2').textContent();
  if (opened !== 'notes') problems.push(`keyboard: warning Enter opened ${opened}`);
});

// The type filter's dropdown (vscode-single-select) open, then Numeric chosen.
await shoot('type-filter-dark', 'loans', THEMES.dark, async (p) => {
  await p.locator('vscode-single-select.type-filter').click();
  await p.waitForTimeout(100);
  await p.screenshot({ path: join(outDir, 'type-filter-open.png') });
  await p.getByRole('option', { name: 'Numeric', exact: true }).click();
  const rows = await p.locator('.list-row').count();
  if (rows !== 6) problems.push(`type filter: ${rows} numeric rows, expected 6`);
});
// A narrow panel (editor split in two on a laptop).
await tab.setViewportSize({ width: 720, height: 820 });
await shoot('narrow-light', 'loans', THEMES.light, async (p) => p.getByRole('option', { name: /^grade/ }).click());
await tab.setViewportSize({ width: 1280, height: 820 });
await shoot('wide-correlations', 'wide', THEMES.light, async (p) => p.getByRole('tab', { name: /Correlations/ }).click());

// State restore: filter + sort + selection survive a reload (the fake API keeps what setState saved).
if (!only) {
  current = { theme: THEMES.dark, fixture: 'loans', state: null };
  await tab.goto(base);
  await tab.waitForSelector('.list-row');
  await tab.locator('vscode-textfield.filter').click();
  await tab.keyboard.type('inc');
  await tab.getByRole('button', { name: /Sort by missing share/ }).click();
  await tab.getByRole('option', { name: /^annual_income/ }).click();
  const saved = await tab.evaluate(() => window.__state);
  await shoot('restored-dark', 'loans', THEMES.dark, async (p) => {
    const filter = await p.evaluate(() => document.querySelector('vscode-textfield.filter')?.value);
    const selected = await p.locator('.detail-header h2').textContent();
    if (filter !== 'inc' || selected !== 'annual_income') problems.push(`restore: filter=${filter} selected=${selected}`);
  }, saved);
  writeFileSync(join(outDir, 'saved-state.json'), JSON.stringify(saved, null, 2));
}

// The exported HTML report, in the reader's light and dark schemes.
if (!only) {
  const { renderProfileHtml } = await import('../../src/core/profile/report/index.ts');
  for (const [name, profile] of [['report-loans', loansProfile], ['report-hostile', hostileProfile]]) {
    const file = join(outDir, `${name}.html`);
    writeFileSync(file, renderProfileHtml(profile));
    for (const scheme of ['light', 'dark']) {
      const r = await ctx.newPage();
      await r.emulateMedia({ colorScheme: scheme });
      r.on('console', (m) => m.type() === 'error' && problems.push(`${name}: ${m.text()}`));
      r.on('dialog', (d) => {
        problems.push(`${name}: dialog ${d.message()}`);
        void d.dismiss();
      });
      await r.goto(`file://${file}`);
      for (const [part, anchor] of [['top', null], ['detail', '#col-7'], ['matrix', '#correlations']]) {
        if (anchor) await r.locator(anchor).scrollIntoViewIfNeeded().catch(() => undefined);
        if (anchor) await r.evaluate((a) => document.querySelector(a)?.scrollIntoView(), anchor);
        await r.screenshot({ path: join(outDir, `${name}-${scheme}-${part}.png`) });
      }
      console.log(`wrote ${name}-${scheme}-*.png`);
      await r.close();
    }
  }
}

await browser.close();
server.close();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('no console errors, CSP violations or alerts');
