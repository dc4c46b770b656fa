/* global window, document, requestAnimationFrame -- the page.evaluate callbacks run in the workbench page */
// bench/store, workbench mode: how long the Experiments tree takes to open in a real VS Code (code-server in
// Chromium) on a big store, with the extension ALREADY active, so activation is not counted.
//
//   node bench/store/workbench.mjs [--opens 5] [--experiments 100] [--trials 200] [--out bench/store/results/x.json] [--no-package]
//
// Each open: a fresh window (Developer: Reload Window, Explorer in front), the extension activated by another
// command (ML Lab: Refresh Experiments, which reads nothing while the tree is hidden), a pause, then a click on
// the ML Lab icon in the activity bar. Timed inside the page: from the click's mousedown to the first animation
// frame that shows an experiment row (dataset → version → experiment, three levels the provider answers).
// The host's own figure comes from the "ML Lab" output channel: the provider logs how long its first root
// read took ("Experiments tree: N experiments read and grouped in X ms").
// measureTreeOpens() is also what e2e flow 8 calls (fewer opens; it only notes the numbers).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Chromium's own clock: the activity-bar click (mousedown) to the first frame painting an experiment row. */
function armProbe(page) {
  return page.evaluate(() => {
    const probe = { t0: null, tRow: null, t1: null };
    window.__mllabTreeOpen = probe;
    const icon = [...document.querySelectorAll('.activitybar .action-item')].find((el) => el.querySelector('[aria-label^="ML Lab"]'));
    const onDown = (e) => {
      if (probe.t0 === null && icon && icon.contains(e.target)) probe.t0 = performance.now();
    };
    window.addEventListener('mousedown', onDown, true);
    // An unnamed experiment's row is labelled by its local start time.
    const stamp = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;
    const frame = () => {
      if (probe.t0 !== null) {
        const rows = document.querySelectorAll('.pane-body .monaco-list-row');
        if (probe.tRow === null && [...rows].some((r) => r.offsetParent !== null)) probe.tRow = performance.now();
        for (const r of rows) {
          if (r.offsetParent !== null && stamp.test(r.textContent ?? '')) {
            probe.t1 = performance.now();
            window.removeEventListener('mousedown', onDown, true);
            return;
          }
        }
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/** The peer: the same click on the Explorer icon, to its first file row (its tree is already loaded). */
function armExplorerProbe(page) {
  return page.evaluate(() => {
    const probe = { t0: null, t1: null };
    window.__mllabExplorerOpen = probe;
    const icon = [...document.querySelectorAll('.activitybar .action-item')].find((el) => el.querySelector('[aria-label^="Explorer"]'));
    const onDown = (e) => {
      if (probe.t0 === null && icon && icon.contains(e.target)) probe.t0 = performance.now();
    };
    window.addEventListener('mousedown', onDown, true);
    const frame = () => {
      const row = probe.t0 === null ? null : document.querySelector('.explorer-folders-view .monaco-list-row');
      if (row && row.offsetParent !== null) {
        probe.t1 = performance.now();
        window.removeEventListener('mousedown', onDown, true);
        return;
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function summary(xs) {
  return xs.length === 0 ? null : { median: +median(xs).toFixed(1), min: +Math.min(...xs).toFixed(1), max: +Math.max(...xs).toFixed(1), all: xs.map((x) => +x.toFixed(1)) };
}

/**
 * Opens the Experiments tree `opens` times, each in a fresh window with the extension already active.
 * `page` shows the workbench (explorer in front); `userDataDir` is code-server's profile (for the log).
 * Returns summaries (median, min, max, all) of: clickToRowMs (click → first experiment row), clickToFirstRowMs
 * (→ the first row, the dataset), hostShownToRootMs (the view shown → VS Code asking for its root), hostReadMs (the provider's root read), hostLevelsMs (root returned → VS Code
 * asking for the experiments, two more round trips), explorerSwitchMs (the peer: a click back to the Explorer).
 */
export async function measureTreeOpens(page, { opens = 5, userDataDir, timeoutMs = 60_000 }) {
  const { runFromPalette, waitFor, extensionLogLines } = await import(pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'e2e', 'workbench.mjs')).href);
  const readLines = () => extensionLogLines(userDataDir, /Experiments tree: \d+ experiments read and grouped in/);
  const activations = () => extensionLogLines(userDataDir, /Activated in/).length;
  const explorerIcon = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Explorer"]') }).first();
  const mlLabIcon = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="ML Lab"]') }).first();
  const clickToRow = [];
  const clickToFirstRow = [];
  const explorer = [];
  const hostRead = [];
  const trace = () => extensionLogLines(userDataDir, /Experiments tree: first open:/);
  const levels = [];
  const shownToRoot = [];
  for (let i = 0; i < opens; i++) {
    // A fresh window with the Explorer in front: the ML Lab container is restored hidden. (A click on the
    // Explorer icon while it is in front would close the side bar instead.)
    if (!(await explorerIcon.evaluate((el) => el.classList.contains('checked')))) await explorerIcon.click();
    await page.evaluate(() => (window.__mllabOld = true));
    await runFromPalette(page, 'Developer: Reload Window');
    await waitFor('the window to reload', () => page.evaluate(() => window.__mllabOld !== true).catch(() => false), { timeoutMs, intervalMs: 100 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 90_000 });
    // Activate the extension through a command; the tree stays hidden, so nothing is read yet.
    const before = activations();
    const linesBefore = readLines().length;
    await runFromPalette(page, 'ML Lab: Refresh Experiments');
    await waitFor('the extension to activate', () => activations() > before, { timeoutMs, intervalMs: 200 });
    // Let the workbench settle (menus, status bar) so the click measures the tree, not leftover start-up work.
    await sleep(1500);
    await armProbe(page);
    await mlLabIcon.click();
    const probe = await waitFor('an experiment row after the click', async () => {
      const p = await page.evaluate(() => window.__mllabTreeOpen);
      return p && p.t0 !== null && p.t1 !== null ? p : null;
    }, { timeoutMs, intervalMs: 100 });
    clickToRow.push(probe.t1 - probe.t0);
    clickToFirstRow.push(probe.tRow - probe.t0);
    const line = await waitFor('the tree\'s read time in the ML Lab log', () => readLines()[linesBefore] ?? null, { timeoutMs: 15_000, intervalMs: 200 }).catch(() => null);
    const ms = line ? Number(/grouped in ([\d.]+) ms/.exec(line)?.[1]) : NaN;
    if (Number.isFinite(ms)) hostRead.push(ms);
    const level = trace().at(-1);
    const m = level ? /asked at \+([\d.]+) ms and the version level \(the experiments\) at \+([\d.]+) ms/.exec(level) : null;
    if (m) levels.push(Number(m[2]));
    const shown = level ? /root asked ([\d.]+) ms after the view was shown/.exec(level) : null;
    if (shown) shownToRoot.push(Number(shown[1]));
    // Back to the Explorer, timed the same way: what a view container switch costs in this workbench.
    await armExplorerProbe(page);
    await explorerIcon.click();
    const e = await waitFor('the Explorer after the click', async () => {
      const p = await page.evaluate(() => window.__mllabExplorerOpen);
      return p && p.t0 !== null && p.t1 !== null ? p : null;
    }, { timeoutMs, intervalMs: 100 });
    explorer.push(e.t1 - e.t0);
  }
  return {
    opens,
    clickToRowMs: summary(clickToRow),
    clickToFirstRowMs: summary(clickToFirstRow),
    hostShownToRootMs: summary(shownToRoot),
    hostReadMs: summary(hostRead),
    hostLevelsMs: summary(levels),
    explorerSwitchMs: summary(explorer),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const opens = Number(opt('opens', 5));
  const experiments = Number(opt('experiments', 100));
  const trials = Number(opt('trials', 200));
  const out = opt('out', null);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const { startCodeServer, ensureCodeServer } = await import(pathToFileURL(join(root, 'scripts', 'code-server.mjs')).href);
  const { openWorkbench } = await import(pathToFileURL(join(root, 'test', 'e2e', 'workbench.mjs')).href);
  const { chromium } = await import('playwright-core');

  const vsix = join(root, 'dist-vsix', 'mllab.vsix');
  if (!args.includes('--no-package') || !existsSync(vsix)) {
    const r = spawnSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  ensureCodeServer('latest');
  const work = mkdtempSync(join(tmpdir(), 'mllab-bench-tree-'));
  const workspace = join(work, 'workspace');
  mkdirSync(workspace);
  const g = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'store', 'generate.ts'), workspace, '--experiments', String(experiments), '--trials', String(trials)], { cwd: root, encoding: 'utf8' });
  if (g.status !== 0) throw new Error(g.stderr);
  const server = await startCodeServer({ workspace, vsix, runDir: join(work, 'server') });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await openWorkbench(page, server.url);
    const measured = await measureTreeOpens(page, { opens, userDataDir: server.userDataDir });
    const result = {
      date: new Date().toISOString(),
      engine: server.engine,
      cpus: cpus().length,
      loadavg1: +loadavg()[0].toFixed(2),
      experiments,
      trialsPerExperiment: trials,
      ...measured,
      budgetMs: 500,
      pass: measured.clickToRowMs !== null && measured.clickToRowMs.median < 500,
    };
    console.log(JSON.stringify(result, null, 2));
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
