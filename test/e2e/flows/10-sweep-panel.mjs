/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 10: the Sweep panel in a real workbench. A sweep runs with `mllab sweep` (spawned by the test, as a
// terminal would); "ML Lab: Open Sweep Panel" with no argument opens the running experiment; the panel
// shows it running, follows it to the end, and then agrees with experiment.json and trials.jsonl. After a
// window reload the panel comes back by itself (serializer) with the sort the user picked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/code-server.mjs';
import { LOANS } from '../loans.mjs';
import { openWorkbench, runFromPalette, snap, waitFor } from '../workbench.mjs';

/** The frame holding the Sweep panel's app, once it rendered. */
async function sweepFrame(page) {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate(() => document.querySelector('table.trials') !== null && document.getElementById('app')?.getAttribute('aria-busy') === 'false')) return frame;
    } catch {
      // Navigating or detached.
    }
  }
  return null;
}

export const flow = {
  name: 'Open Sweep Panel follows a terminal sweep to the end and survives a window reload',
  trust: true,
  async run({ page, url, workspace, shots, note }) {
    await openWorkbench(page, url);
    const cli = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'sweep', join(workspace, LOANS.file), '--target', 'defaulted', '--budget', '15', '--parallel', '1', '--folds', '3', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (d) => (stderr += d));
    const exited = once(cli, 'exit');
    try {
      const dir = join(workspace, '.mllab', 'experiments');
      const id = await waitFor('the experiment folder', () => (existsSync(dir) ? readdirSync(dir).find((n) => existsSync(join(dir, n, 'experiment.json'))) : undefined), { timeoutMs: 30_000, intervalMs: 100 });
      await runFromPalette(page, 'ML Lab: Open Sweep Panel');
      const frame = await waitFor('the Sweep panel to render', () => sweepFrame(page), { timeoutMs: 60_000, intervalMs: 500 });
      const badge = () => frame.evaluate(() => document.querySelector('.state-badge')?.textContent?.trim() ?? '');
      const title = await frame.evaluate(() => document.querySelector('.title-text')?.textContent ?? '');
      assert.equal(title, `${LOANS.file} → defaulted`);
      assert.match(await frame.evaluate(() => document.querySelector('.meta')?.textContent ?? ''), new RegExp(id));
      const first = await badge();
      note(`panel opened with the sweep ${first}`);
      await waitFor('a trial row', () => frame.evaluate(() => document.querySelectorAll('tbody tr').length > 0), { timeoutMs: 30_000, intervalMs: 250 });
      await snap(page, shots, '10-sweep-01-running');

      const [code] = await exited;
      assert.equal(code, 0, stderr);
      await waitFor('the panel to show Done', async () => (await badge()) === 'Done', { timeoutMs: 20_000, intervalMs: 250 });
      const record = JSON.parse(readFileSync(join(dir, id, 'experiment.json'), 'utf8'));
      const journal = readFileSync(join(dir, id, 'trials.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
      const shown = await frame.evaluate(() => ({
        trials: document.querySelector('.stat-value')?.textContent ?? '',
        rows: document.querySelectorAll('tbody tr').length,
        best: document.querySelectorAll('.stat-value')[3]?.textContent ?? '',
      }));
      assert.equal(shown.trials, String(journal.length));
      // The table shows the first 250 rows in sort order ("Show 250 more"); a fast machine fits more trials in 15 s.
      const shownRows = Math.min(journal.length, 250);
      assert.equal(shown.rows, shownRows);
      assert.equal(record.trials, journal.length);
      assert.ok(Math.abs(Number(shown.best) - record.bestScore) < 5e-5, `panel best ${shown.best}, experiment.json ${record.bestScore}`);

      // Sort by score (best first), then reload the window: the panel is restored with that sort.
      await frame.getByRole('button', { name: 'Sort by score' }).click();
      await snap(page, shots, '10-sweep-02-done-sorted');
      // The reload navigates the page itself: wait for the old frame to go (a goto here raced that navigation
      // and was aborted), then for the new workbench.
      await runFromPalette(page, 'Developer: Reload Window');
      await waitFor('the window to reload', () => frame.isDetached(), { timeoutMs: 30_000, intervalMs: 100 });
      await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 90_000 });
      const revived = await waitFor('the Sweep panel after the reload', () => sweepFrame(page), { timeoutMs: 60_000, intervalMs: 500 });
      const sort = await revived.evaluate(() => document.querySelector('th[aria-sort="descending"], th[aria-sort="ascending"]')?.textContent ?? '');
      assert.ok(sort.startsWith('Score'), `after reload the table is sorted by "${sort}"`);
      assert.equal(await revived.evaluate(() => document.querySelectorAll('tbody tr').length), shownRows);
      await snap(page, shots, '10-sweep-03-revived');
    } finally {
      if (cli.exitCode === null) cli.kill('SIGINT');
    }
  },
};
