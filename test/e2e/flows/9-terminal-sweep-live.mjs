// Flow 9: a sweep started outside VS Code (`mllab sweep` in a terminal, here spawned by the test) shows up in
// the Experiments tree live: the empty tree's welcome content first, then the experiment with a spinning
// icon while it runs, then done with its best score, as experiment.json says. Only the file watcher on
// `.mllab/experiments/**` can tell the tree: no VS Code command is involved.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/code-server.mjs';
import { LOANS } from '../loans.mjs';
import { openWorkbench, snap, waitFor } from '../workbench.mjs';

export const flow = {
  name: 'a sweep run with `mllab sweep` in a terminal appears in the Experiments tree and updates live',
  trust: true,
  async run({ page, url, workspace, shots, note }) {
    await openWorkbench(page, url);
    const icon = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="ML Lab"]') }).first();
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    await page.getByText('No experiments in this workspace yet.').first().waitFor({ state: 'visible', timeout: 60_000 });
    await snap(page, shots, '9-live-01-empty');

    const cli = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'sweep', join(workspace, LOANS.file), '--target', 'defaulted', '--budget', '12', '--parallel', '1', '--folds', '3', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d) => (stdout += d));
    cli.stderr.on('data', (d) => (stderr += d));
    const exited = once(cli, 'exit');
    try {
      const rows = page.locator('.pane-body .monaco-list-row');
      const experimentRow = () => rows.filter({ hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/ }).first();
      const t0 = Date.now();
      await waitFor('the terminal sweep in the Experiments tree', async () => {
        if (cli.exitCode !== null && cli.exitCode !== 0) throw new Error(`mllab sweep exited ${cli.exitCode}: ${stderr.slice(-500)}`);
        return (await experimentRow().count()) > 0;
      }, { timeoutMs: 30_000, intervalMs: 100 });
      note(`the terminal sweep's experiment appeared ${Date.now() - t0} ms after the CLI started`);
      // While it runs the row spins and counts trials.
      await waitFor('the running experiment to spin', async () => (await experimentRow().locator('.codicon-sync.codicon-modifier-spin, .codicon-sync~spin').count()) > 0 || /running/.test(await experimentRow().innerText()), { timeoutMs: 15_000, intervalMs: 250 });
      await snap(page, shots, '9-live-02-running');
      const [code] = await exited;
      assert.equal(code, 0, stderr);
      await waitFor('the experiment to show done', async () => (await experimentRow().locator('.codicon-pass').count()) > 0, { timeoutMs: 15_000, intervalMs: 250 });
      const id = readdirSync(join(workspace, '.mllab', 'experiments')).find((n) => n.includes('-loans-'));
      const record = JSON.parse(readFileSync(join(workspace, '.mllab', 'experiments', id, 'experiment.json'), 'utf8'));
      const text = await experimentRow().innerText();
      assert.ok(text.includes(`${record.trials} trials`), `row "${text}" should count ${record.trials} trials`);
      const shownScore = Number(/ROC AUC ([0-9.]+)/.exec(text)?.[1]);
      assert.ok(Math.abs(shownScore - record.bestScore) < 5e-4, `row shows ${shownScore}, experiment.json has ${record.bestScore}`);
      await snap(page, shots, '9-live-03-done');
      assert.match(stdout, /experimentId/);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGINT');
    }
  },
};
