/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 17: queued sweeps are visible. With mllab.sweep.concurrency at its default (1), start a 90 s sweep on
// penguins.csv, then a second one (6 trials) and a third (3 trials) while it runs. The Experiments tree shows
// the second and third as "queued #1" / "queued #2" rows (clock icon) on top, the status bar says
// "1 running, 2 queued"; Cancel Queued Sweep (the row's context menu) drops the third. A click on the second's
// row opens the Sweep panel on it: Queued, next in line. When the first ends, the same panel turns to the
// second's experiment, live, and the tree's queued row gives way to its experiment row. At the end the
// store holds exactly two experiments (the cancelled sweep wrote nothing).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, snap, waitFor } from '../workbench.mjs';
import { PENGUINS, addPenguins, openExperimentsView, startSweepFromPalette, toast } from '../sweep.mjs';

/** The Sweep panel frame whose state badge reads `state` (several panels may be open). */
async function panelFrameIn(page, state) {
  for (const frame of page.frames()) {
    try {
      const badge = await frame.evaluate(() => (document.getElementById('app')?.getAttribute('aria-busy') === 'false' ? (document.querySelector('.state-badge')?.textContent?.trim() ?? null) : null));
      if (badge === state) return frame;
    } catch {
      // Navigating or detached.
    }
  }
  return null;
}

function experiments(workspace) {
  const dir = join(workspace, '.mllab', 'experiments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'experiment.json')))
    .sort()
    .map((id) => ({ id, record: JSON.parse(readFileSync(join(dir, id, 'experiment.json'), 'utf8')) }));
}

export const flow = {
  name: 'queued sweeps: two wait behind a running one (tree rows, status bar, Sweep panel), one is cancelled, the other starts live',
  trust: false,
  budgetMs: 5 * 60_000,
  prepare(workspace) {
    addPenguins(workspace);
  },
  async run({ page, url, workspace, shots, note }) {
    await openWorkbench(page, url);
    // 90 s: long enough that the next two quick picks (30 s or more on a loaded machine) finish while it runs.
    await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, minutes: 1.5 });
    const status = page.locator('.statusbar-item').filter({ hasText: /Sweep/ }).first();
    await waitFor('the first sweep running (status bar)', async () => /trials?/.test((await status.innerText().catch(() => '')) ?? ''), { timeoutMs: 60_000, intervalMs: 250 });
    await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, trials: 6 });
    await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, trials: 3 });

    await openExperimentsView(page);
    const rows = page.locator('.pane-body .monaco-list-row');
    const queuedRow = (n) => rows.filter({ hasText: `queued #${n}` }).first();
    await queuedRow(1).waitFor({ state: 'visible', timeout: 20_000 });
    await queuedRow(2).waitFor({ state: 'visible', timeout: 20_000 });
    const first = await queuedRow(1).innerText();
    assert.match(first, /penguins\.csv → Species/);
    assert.match(first, /6 trials/);
    assert.match(await queuedRow(2).innerText(), /3 trials/);
    assert.equal(await queuedRow(1).locator('.codicon-clock').count(), 1, 'a clock icon on the queued row');
    const statusText = await status.innerText();
    assert.match(statusText, /1 running, 2 queued/, `status bar: ${statusText}`);
    note(`tree: "${first.replace(/\s+/g, ' ')}"; status bar: "${statusText.replace(/\s+/g, ' ')}"`);
    await snap(page, shots, '17-queued-01-tree');

    // Cancel the third from its context menu (retry: the menu can open before contributions are registered;
    // and the running sweep refreshes the tree every few hundred ms: when a refresh replaced the row between
    // the right-click and the click, VS Code runs the command without the row, which then asks "Which queued
    // sweep?" as from the palette; that question is dismissed and the menu tried again).
    await waitFor('"Cancel Queued Sweep" in the queued row\'s context menu', async () => {
      await queuedRow(2).click({ button: 'right' });
      const item = page.getByRole('menuitem', { name: /^Cancel Queued Sweep/ }).first();
      try {
        await item.waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
      await page.waitForTimeout(400);
      await item.click();
      const asked = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Cancel Queued Sweep' });
      const question = await asked.waitFor({ state: 'visible', timeout: 1500 }).then(() => true, () => false);
      if (question) {
        await page.keyboard.press('Escape');
        return false;
      }
      return true;
    }, { timeoutMs: 30_000, intervalMs: 1000 });
    await waitFor('the cancelled row to go', async () => (await queuedRow(2).count()) === 0, { timeoutMs: 15_000, intervalMs: 250 });
    await waitFor('the status bar to count one queued', async () => /1 running, 1 queued/.test(await status.innerText()), { timeoutMs: 10_000, intervalMs: 250 });

    // The queued row opens the Sweep panel on the waiting sweep.
    await queuedRow(1).click();
    const panel = await waitFor('the Sweep panel on the queued sweep', () => panelFrameIn(page, 'Queued'), { timeoutMs: 60_000, intervalMs: 250 });
    const queuedView = await panel.evaluate(() => ({
      title: document.querySelector('.title-text')?.textContent ?? '',
      meta: document.querySelector('.meta')?.textContent ?? '',
      notice: document.querySelector('.notice')?.textContent ?? '',
    }));
    assert.equal(queuedView.title, `${PENGUINS.file} → ${PENGUINS.target}`);
    assert.equal(queuedView.meta, 'queued #1 · budget 6 trials');
    assert.match(queuedView.notice, /next in line/);
    await snap(page, shots, '17-queued-02-panel-queued');
    const t0 = Date.now();

    // The first sweep ends; the second starts in the same panel (same frame), live, with its experiment.
    await waitFor('the queued panel to turn live', async () => {
      const badge = await panel.evaluate(() => document.querySelector('.state-badge')?.textContent?.trim() ?? '').catch(() => '');
      return badge === 'Running' || badge === 'Done';
    }, { timeoutMs: 150_000, intervalMs: 200 });
    note(`the queued panel turned live ${((Date.now() - t0) / 1000).toFixed(1)} s after it was opened`);
    await waitFor('the queued row to give way to the experiment', async () => (await rows.filter({ hasText: /queued #/ }).count()) === 0, { timeoutMs: 15_000, intervalMs: 250 });
    await snap(page, shots, '17-queued-03-panel-live');
    await waitFor('both sweeps finished', async () => {
      const xs = experiments(workspace);
      return xs.length === 2 && xs.every((x) => x.record.status === 'done');
    }, { timeoutMs: 90_000, intervalMs: 500 });
    const xs = experiments(workspace);
    const second = xs.find((x) => x.record.config.maxTrials === 6);
    assert.ok(second, `a 6-trial experiment among ${xs.map((x) => `${x.id} (${x.record.config.maxTrials})`).join(', ')}`);
    const meta = await panel.evaluate(() => document.querySelector('.meta')?.textContent ?? '');
    assert.match(meta, new RegExp(second.id), `the panel that showed the queued sweep now shows ${second.id}: "${meta}"`);
    await toast(page, /AutoML sweep on .*finished/).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(experiments(workspace).length, 2, 'the cancelled sweep wrote no experiment');
    await snap(page, shots, '17-queued-04-done');
  },
};
