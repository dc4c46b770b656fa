// Flow 15: close VS Code mid-sweep, start it again. Start AutoML Sweep from the palette (penguins.csv →
// Species, 30 trials); once a few trials are in the journal, shut code-server down with SIGTERM to its main
// process, as a service manager or a user's `kill` does (in code-server, closing the browser tab leaves the
// extension host running for hours, waiting for a reconnection; the server going down is what ends it).
// Then: no process of our worker is left (the worker notices its parent is gone and exits, whether or not
// VS Code called deactivate()). Start code-server again on the same workspace and profile: the Experiments
// tree shows the experiment interrupted, its context menu offers Resume Experiment; Resume runs it to Done,
// and trials.jsonl holds every index 0..29 exactly once, kept as it was before the shutdown.
import assert from 'node:assert/strict';
import { extensionLogLines, openWorkbench, relaunchCodeServer, snap, waitFor } from '../workbench.mjs';
import { PENGUINS, addPenguins, experimentRow, findWorkerPid, openExperimentsView, parentPid, parseExperimentRow, processAlive, readExperiment, startSweepFromPalette, toast } from '../sweep.mjs';

const TRIALS = 30;

/** Journal lines so far; a line torn by the shutdown is skipped (the resumed sweep cuts it off). */
function journal(workspace) {
  try {
    return readExperiment(workspace);
  } catch {
    return null;
  }
}

export const flow = {
  name: 'close VS Code (code-server SIGTERM) mid-sweep: no orphan worker; next start shows it interrupted, Resume finishes it',
  trust: false,
  // Two cold starts of code-server and a resumed sweep.
  budgetMs: 6 * 60_000,
  // The terminating host has already let go of the window: a refresh of ML Lab's trees (Experiments,
  // Models…) that the interrupted sweep triggers on the way out is cancelled, and VS Code logs that.
  expectedLogErrors: [/Unable to refresh tree view mllab\.\w+: Canceled/],
  prepare(workspace) {
    addPenguins(workspace);
  },
  async run({ page, url, workspace, shots, note, server }) {
    await openWorkbench(page, url);
    await openExperimentsView(page);
    await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, trials: TRIALS });

    // Mid-sweep: a few trials journaled, more to come.
    await waitFor('a few trials in trials.jsonl', () => (journal(workspace)?.trials.length ?? 0) >= 3, { timeoutMs: 90_000, intervalMs: 100 });
    const pids = findWorkerPid(workspace);
    assert.equal(pids.length, 1, `one worker process of this code-server (found ${pids.join(', ') || 'none'})`);
    const [workerPid] = pids;
    const hostPid = parentPid(workerPid);

    // Close VS Code: SIGTERM to code-server's main process only (not its process group).
    const closedAt = Date.now();
    process.kill(server.pid, 'SIGTERM');
    const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running after 20 s'), 20_000))]);
    const atClose = journal(workspace);
    note(`SIGTERM code-server ${server.pid} with ${atClose.trials.length} of ${TRIALS} trials journaled; it exited (${exit}) in ${Date.now() - closedAt} ms`);
    assert.notEqual(exit, 'still running after 20 s', 'code-server shuts down on SIGTERM');

    // Nothing of ours is left running: the extension host goes, and the worker with it (no orphan).
    const gone = (what, probe) => waitFor(what, probe, { timeoutMs: 20_000, intervalMs: 100 }).then(() => Date.now() - closedAt, () => null);
    const [hostGone, workerGone] = await Promise.all([
      gone('the extension host to exit', () => hostPid === null || !processAlive(hostPid)),
      gone('the worker to exit', () => findWorkerPid(workspace).length === 0 && !processAlive(workerPid)),
    ]);
    assert.ok(workerGone !== null, `no process of our worker remains after the shutdown (left: ${findWorkerPid(workspace).join(', ')})`);
    assert.ok(hostGone !== null, `the extension host ${hostPid} exits after the shutdown`);
    // How it went: the host notices its parent is gone and terminates, which runs deactivate() (it stops the
    // worker); without that, the worker would see its IPC channel close and exit by itself.
    const terminating = extensionLogLines(server.userDataDir, /Extension host terminating/, 'remoteexthost.log').map((l) => l.replace(/^.*terminating: /, ''));
    note(`worker ${workerPid} exited ${workerGone} ms and extension host ${hostPid} ${hostGone} ms after the SIGTERM (host: "${terminating[0] ?? 'no terminating line logged'}")`);

    const stopped = journal(workspace);
    assert.ok(stopped.trials.length < TRIALS, 'closed before the sweep finished');
    assert.notEqual(stopped.record.status, 'done');
    note(`experiment.json says "${stopped.record.status}" with ${stopped.trials.length} trials journaled`);

    // The next start of VS Code on the same workspace and profile.
    const again = await relaunchCodeServer(server, workspace);
    const t0 = Date.now();
    await openWorkbench(page, again.url);
    await openExperimentsView(page);
    const row = experimentRow(page);
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    note(`code-server started again (port ${again.port === server.port ? 'the same' : 'a new'}); tree row ${Date.now() - t0} ms after opening the page`);
    await waitFor('the tree row to show the experiment interrupted', async () => (await row.locator('.codicon-debug-disconnect').count()) > 0 && parseExperimentRow(await row.innerText())?.status === 'interrupted', { timeoutMs: 30_000, intervalMs: 250 });
    const shownInterrupted = parseExperimentRow(await row.innerText());
    assert.equal(shownInterrupted.trials, stopped.trials.length, `tree counts ${shownInterrupted.trials} trials, the journal ${stopped.trials.length}`);
    await snap(page, shots, '15-closed-01-interrupted-after-restart');

    // Resume from the tree's context menu (the menu shows once the extension registered its contributions).
    await waitFor('"Resume Experiment" in the experiment context menu', async () => {
      await row.click({ button: 'right' });
      const entry = page.getByRole('menuitem', { name: /^Resume Experiment/ }).first();
      try {
        await entry.waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
      await page.waitForTimeout(600);
      await entry.click();
      return true;
    }, { timeoutMs: 30_000, intervalMs: 1000 });
    const t1 = Date.now();
    await waitFor('a worker for the resumed sweep', () => findWorkerPid(workspace).length > 0, { timeoutMs: 30_000, intervalMs: 200 });
    await toast(page, /AutoML sweep on .*finished/).waitFor({ state: 'visible', timeout: 180_000 });
    note(`resumed sweep finished ${((Date.now() - t1) / 1000).toFixed(1)} s after Resume`);
    await waitFor('the tree row to show done', async () => (await row.locator('.codicon-pass').count()) > 0, { timeoutMs: 15_000, intervalMs: 250 });
    await snap(page, shots, '15-closed-02-resumed-done');

    // No trial lost, none duplicated; the ones from before the shutdown kept as they were.
    const x = readExperiment(workspace);
    const indexes = x.trials.map((t) => t.index);
    assert.deepEqual(indexes.filter((v, i) => indexes.indexOf(v) !== i), [], 'no trial index twice in trials.jsonl');
    assert.deepEqual([...indexes].sort((a, b) => a - b), Array.from({ length: TRIALS }, (_, i) => i), 'every trial index 0..n-1 in trials.jsonl');
    assert.equal(x.record.status, 'done');
    assert.equal(x.record.trials, TRIALS);
    for (const t of stopped.trials) assert.deepEqual(x.trials.find((u) => u.index === t.index), t, `trial ${t.index} kept from before the shutdown`);
    const shown = parseExperimentRow(await row.innerText());
    assert.equal(shown.trials, TRIALS);
    assert.ok(Math.abs(shown.score - x.record.bestScore) <= 5e-4, `tree shows ${shown.score}, experiment.json ${x.record.bestScore}`);
    note(`journal: ${TRIALS} distinct indexes, ${stopped.trials.length} kept from before the shutdown`);
  },
};
