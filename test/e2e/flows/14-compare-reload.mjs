/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 14: the Compare view survives a window reload. The workspace holds 3 generated experiments × 20
// trials (bench/store's generator). "ML Lab: Compare Experiments" from the palette → tick two in the quick
// pick → the Compare view shows both as columns; Developer: Reload Window → it comes back by itself (its
// panel serializer, from the ids the webview saved) with the same columns and numbers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/code-server.mjs';
import { openWorkbench, runFromPalette, snap, waitFor } from '../workbench.mjs';

async function compareFrame(page) {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate(() => document.querySelectorAll('th.entry').length >= 2 && document.getElementById('app')?.getAttribute('aria-busy') === 'false')) return frame;
    } catch {
      // Navigating or detached.
    }
  }
  return null;
}

const shownColumns = (frame) => frame.evaluate(() => ({
  title: document.querySelector('h1')?.textContent ?? '',
  entries: [...new Set([...document.querySelectorAll('th.entry')].map((th) => th.textContent ?? ''))],
  values: [...document.querySelectorAll('td[data-metric]')].map((td) => `${td.getAttribute('data-metric')}=${td.getAttribute('data-value')}`),
}));

export const flow = {
  name: 'Compare Experiments (two of three) comes back after a window reload',
  trust: false,
  prepare(workspace) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'store', 'generate.ts'), workspace, '--experiments', '3', '--trials', '20'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  },
  async run({ page, url, workspace, shots, note }) {
    const ids = readdirSync(join(workspace, '.mllab', 'experiments')).sort();
    const chosen = [ids[0], ids[2]];
    await openWorkbench(page, url);
    await runFromPalette(page, 'ML Lab: Compare Experiments');
    for (const id of chosen) {
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: id }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
      await waitFor(`${id} ticked`, async () => (await row.getAttribute('aria-checked')) === 'true' || (await row.locator('input[type=checkbox]:checked, .monaco-custom-toggle.checked, [aria-checked="true"]').count()) > 0, { timeoutMs: 5000, intervalMs: 100 });
    }
    await page.keyboard.press('Enter');
    const frame = await waitFor('the Compare view to render', () => compareFrame(page), { timeoutMs: 60_000, intervalMs: 250 });
    const before = await shownColumns(frame);
    assert.equal(before.entries.length, 2, JSON.stringify(before.entries));
    for (const id of chosen) assert.ok(before.entries.some((e) => e.includes(id)), `a column for ${id} (${before.entries.join(' | ')})`);
    assert.ok(before.values.length >= 2, 'metric cells with data-value');
    await snap(page, shots, '14-compare-01-open');

    await runFromPalette(page, 'Developer: Reload Window');
    await waitFor('the window to reload', () => frame.isDetached(), { timeoutMs: 30_000, intervalMs: 100 });
    const t0 = Date.now();
    await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 90_000 });
    const revived = await waitFor('the Compare view after the reload', () => compareFrame(page), { timeoutMs: 60_000, intervalMs: 250 });
    assert.deepEqual(await shownColumns(revived), before, 'the revived Compare view shows the same columns and numbers');
    note(`Compare view of ${chosen.join(' and ')} revived ${Date.now() - t0} ms after the reload, ${before.values.length} numbers equal`);
    await snap(page, shots, '14-compare-02-revived');
  },
};
