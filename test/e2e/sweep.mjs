/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// What flows 12 and 13 do with AutoML sweeps in the workbench: fill the Start AutoML Sweep quick pick, find
// the Sweep panel's and the Experiment Report's frames, read the Experiments tree, find the worker process,
// and read an experiment's files under .mllab/experiments.
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { repoRoot } from '../../scripts/code-server.mjs';
import { runFromPalette, waitFor } from './workbench.mjs';

/** A small real dataset: 344 penguins (Palmer), three species; copied into a flow's workspace by prepare(). */
export const PENGUINS = { file: 'penguins.csv', target: 'Species', rows: 344 };
export function addPenguins(workspace) {
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'ml', 'preprocess', 'penguins.csv'), join(workspace, PENGUINS.file));
}

/** Waits until the quick pick shows step n ("Start AutoML Sweep (n/6)"). */
export async function atStep(page, n) {
  await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: `(${n}/` }).first().waitFor({ state: 'visible', timeout: 60_000 });
}

/** Clicks the quick-pick row whose text matches. */
export async function pick(page, text) {
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await row.click();
}

/**
 * Command palette → ML Lab: Start AutoML Sweep → dataset, target, default metric, the budget
 * ({ minutes } via "Custom time…" or { trials } via "Trial count…"), default search → Start Sweep.
 */
export async function startSweepFromPalette(page, { dataset, target, minutes, trials }) {
  await runFromPalette(page, 'ML Lab: Start AutoML Sweep');
  await atStep(page, 1);
  await pick(page, dataset);
  await atStep(page, 2);
  await pick(page, target);
  await atStep(page, 3);
  await page.keyboard.press('Enter');
  await atStep(page, 4);
  await pick(page, trials !== undefined ? 'Trial count…' : 'Custom time…');
  await page.waitForTimeout(300);
  await page.locator('.quick-input-widget input').first().fill(String(trials ?? minutes));
  await page.keyboard.press('Enter');
  await atStep(page, 5);
  await page.keyboard.press('Enter');
  await atStep(page, 6);
  await pick(page, 'Start Sweep');
}

/** The frame holding the Sweep panel's app, once it rendered. */
export async function sweepFrame(page) {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate(() => document.querySelector('table.trials') !== null && document.getElementById('app')?.getAttribute('aria-busy') === 'false')) return frame;
    } catch {
      // Navigating or detached.
    }
  }
  return null;
}

/** The frame holding a rendered Experiment Report (it marks the best score with #best-score). */
export async function reportFrame(page) {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate(() => document.getElementById('best-score') !== null && document.getElementById('app')?.getAttribute('aria-busy') === 'false')) return frame;
    } catch {
      // Navigating or detached.
    }
  }
  return null;
}

/** The numbers the report shows: the headline best score and the metrics table (data-value, exact). */
export function reportNumbers(frame) {
  return frame.evaluate(() => ({
    title: document.querySelector('h1')?.textContent ?? '',
    best: document.getElementById('best-score')?.getAttribute('data-value') ?? '',
    status: document.querySelector('.badge')?.textContent ?? '',
    metrics: [...document.querySelectorAll('table.metrics td[data-metric]')].map((td) => ({ metric: td.getAttribute('data-metric'), value: td.getAttribute('data-value') })),
  }));
}

/** Clicks the ML Lab icon in the activity bar (the Experiments tree). */
export async function openExperimentsView(page) {
  const icon = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="ML Lab"]') }).first();
  await icon.waitFor({ state: 'visible', timeout: 60_000 });
  await icon.click();
}

/** The tree row of an unnamed experiment: labelled by its local start time. */
export function experimentRow(page) {
  return page.locator('.pane-body .monaco-list-row').filter({ hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/ }).first();
}

/** "Accuracy 0.9710 · 31 trials[ · interrupted]" → { score, trials, status }. */
export function parseExperimentRow(text) {
  const m = /(-?\d+(?:\.\d+)?) · (\d+) trials?(?: · (\w+))?/.exec(text);
  return m ? { score: Number(m[1]), trials: Number(m[2]), status: m[3] ?? 'done' } : null;
}

/** A notification toast whose text matches. */
export function toast(page, text) {
  return page.locator('.notification-toast').filter({ hasText: text }).first();
}

/**
 * A notification whose text matches: its toast, or its entry in the notification center when no toast has
 * shown after `toastMs`. Once, in code-server, a notification shown right after a progress notification
 * closed never toasted, although the extension's log shows it was raised; the center still lists it.
 */
export async function notification(page, text, { timeoutMs = 120_000, toastMs = 20_000 } = {}) {
  const started = Date.now();
  const asToast = toast(page, text);
  const inCenter = page.locator('.notifications-center .notification-list-item').filter({ hasText: text }).first();
  const found = await asToast.waitFor({ state: 'visible', timeout: Math.min(toastMs, timeoutMs) }).then(() => true, () => false);
  if (found) return asToast;
  let opened = 0;
  await waitFor(`a notification matching ${text} (toast or notification center)`, async () => {
    if (await asToast.isVisible()) return true;
    if (Date.now() - opened > 15_000) {
      await runFromPalette(page, 'Notifications: Show Notifications');
      opened = Date.now();
    }
    return inCenter.isVisible();
  }, { timeoutMs: Math.max(1000, timeoutMs - (Date.now() - started)), intervalMs: 1000 });
  return (await asToast.isVisible()) ? asToast : inCenter;
}

/** The one experiment of the workspace: its id, experiment.json, trials.jsonl lines and report.json (if any). */
export function readExperiment(workspace) {
  const dir = join(workspace, '.mllab', 'experiments');
  if (!existsSync(dir)) return null;
  const id = readdirSync(dir).find((n) => existsSync(join(dir, n, 'experiment.json')));
  if (!id) return null;
  const read = (f) => (existsSync(join(dir, id, f)) ? readFileSync(join(dir, id, f), 'utf8') : null);
  const trials = (read('trials.jsonl') ?? '').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  const report = read('report.json');
  return { id, dir: join(dir, id), record: JSON.parse(read('experiment.json')), trials, report: report ? JSON.parse(report) : null };
}

/**
 * The pid of this flow's worker: a process whose command line runs dist/worker.js of the extension installed
 * in this flow's own code-server (runDir <flow>/server/extensions), so another run on the machine is never hit.
 */
export function findWorkerPid(workspace) {
  const extensions = join(dirname(workspace), 'server', 'extensions') + sep;
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv;
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // Gone.
    }
    if (argv.some((a) => a.startsWith(extensions) && a.endsWith(`${sep}dist${sep}worker.js`))) found.push(Number(name));
  }
  return found;
}

/** The parent pid of a live process (field 4 of /proc/PID/stat), or null once it is gone. */
export function parentPid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: cut after its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Whether a process is still there (a zombie, dead but not yet reaped by its parent, counts as gone). */
export function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
