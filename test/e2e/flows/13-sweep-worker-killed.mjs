/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 13: kill -9 the worker mid-sweep. Start AutoML Sweep from the palette (penguins.csv → Species, 24
// trials, default search); once a few trials are in the journal, SIGKILL the forked dist/worker.js of this
// code-server's extension host. Then: the Experiments tree shows the experiment interrupted (its icon and
// description), the Sweep panel says Interrupted, a notification says it was interrupted and offers Resume; Resume continues it from its
// journal in a fresh worker to Done, and trials.jsonl holds every index 0..23 exactly once (no trial lost,
// none duplicated), as experiment.json counts.
import assert from 'node:assert/strict';
import { openWorkbench, snap, waitFor } from '../workbench.mjs';
import { PENGUINS, addPenguins, experimentRow, findWorkerPid, openExperimentsView, parseExperimentRow, readExperiment, startSweepFromPalette, sweepFrame, toast } from '../sweep.mjs';

const TRIALS = 24;

/** Journal lines so far; a line torn by the kill is skipped (the resumed sweep repairs it). */
function journalIndexes(workspace) {
  const x = (() => {
    try {
      return readExperiment(workspace);
    } catch {
      return null;
    }
  })();
  return x ? x.trials.map((t) => t.index) : [];
}

export const flow = {
  name: 'kill -9 the worker mid-sweep: interrupted in the tree, Resume from the journal, every trial once',
  trust: false,
  // The host logs the worker's death: that is the point here, not a failure.
  expectedLogErrors: [/Worker stopped unexpectedly \(signal SIGKILL\)/],
  prepare(workspace) {
    addPenguins(workspace);
  },
  async run({ page, url, workspace, shots, note }) {
    await openWorkbench(page, url);
    await openExperimentsView(page);
    await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, trials: TRIALS });
    const row = experimentRow(page);
    await row.waitFor({ state: 'visible', timeout: 30_000 });

    // Mid-sweep: a few trials journaled, more to come.
    const before = await waitFor('a few trials in trials.jsonl', () => {
      const n = journalIndexes(workspace).length;
      return n >= 4 ? n : null;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    const pids = findWorkerPid(workspace);
    assert.equal(pids.length, 1, `one worker process of this code-server (found ${pids.join(', ') || 'none'})`);
    const [pid] = pids;
    process.kill(pid, 'SIGKILL');
    const killedAt = journalIndexes(workspace).length;
    note(`SIGKILL worker ${pid} with ${killedAt} of ${TRIALS} trials journaled (${before} when found)`);
    assert.ok(killedAt < TRIALS, 'killed before the sweep finished');

    // The user sees it interrupted: the notification with Resume, and the tree row.
    const warning = toast(page, /AutoML sweep on .*interrupted/);
    await warning.waitFor({ state: 'visible', timeout: 30_000 });
    note(`notification: "${(await warning.locator('.notification-list-item-message').first().innerText()).trim()}"`);
    await waitFor('the tree row to show the experiment interrupted', async () => (await row.locator('.codicon-debug-disconnect').count()) > 0 && parseExperimentRow(await row.innerText())?.status === 'interrupted', { timeoutMs: 20_000, intervalMs: 250 });
    const interrupted = parseExperimentRow(await row.innerText());
    assert.ok(interrupted.trials <= killedAt + 1 && interrupted.trials >= killedAt - 1, `tree counts ${interrupted.trials} trials, journal had ${killedAt}`);
    assert.ok(findWorkerPid(workspace).every((p) => p !== pid), 'the killed worker is gone');
    // Start Sweep opened the Sweep panel: it says Interrupted too.
    const panel = await waitFor('the Sweep panel to render', () => sweepFrame(page), { timeoutMs: 20_000, intervalMs: 250 });
    await waitFor('the Sweep panel to show Interrupted', () => panel.evaluate(() => document.querySelector('.state-badge')?.textContent?.trim() === 'Interrupted'), { timeoutMs: 15_000, intervalMs: 250 });
    await snap(page, shots, '13-killed-01-interrupted');
    const stopped = readExperiment(workspace);
    assert.notEqual(stopped.record.status, 'done');

    // Resume (the notification's button) continues from the journal in a fresh worker.
    await warning.getByRole('button', { name: 'Resume' }).click();
    const t0 = Date.now();
    await waitFor('a fresh worker', () => findWorkerPid(workspace).some((p) => p !== pid), { timeoutMs: 30_000, intervalMs: 200 });
    await waitFor('the tree row to spin again', async () => (await row.locator('.codicon-sync.codicon-modifier-spin, .codicon-sync~spin').count()) > 0 || /running/.test(await row.innerText()), { timeoutMs: 20_000, intervalMs: 200 }).then(() => note('resumed: running again'), () => note('resumed: no running state caught'));
    await toast(page, /AutoML sweep on .*finished/).waitFor({ state: 'visible', timeout: 150_000 });
    note(`resumed sweep finished ${((Date.now() - t0) / 1000).toFixed(1)} s after Resume`);
    await waitFor('the tree row to show done', async () => (await row.locator('.codicon-pass').count()) > 0, { timeoutMs: 15_000, intervalMs: 250 });
    await snap(page, shots, '13-killed-02-resumed-done');

    // No trial lost, none duplicated: the journal holds 0..TRIALS-1 once each, and the record agrees.
    const x = readExperiment(workspace);
    const indexes = x.trials.map((t) => t.index);
    const dupes = indexes.filter((v, i) => indexes.indexOf(v) !== i);
    assert.deepEqual(dupes, [], 'no trial index twice in trials.jsonl');
    assert.deepEqual([...indexes].sort((a, b) => a - b), Array.from({ length: TRIALS }, (_, i) => i), 'every trial index 0..n-1 in trials.jsonl');
    assert.equal(x.record.status, 'done');
    assert.equal(x.record.trials, TRIALS);
    // The trials journaled before the kill are kept as they were (resumed, not re-run).
    const journaledBefore = stopped.trials;
    for (const t of journaledBefore) assert.deepEqual(x.trials.find((u) => u.index === t.index), t, `trial ${t.index} kept from before the kill`);
    const shown = parseExperimentRow(await row.innerText());
    assert.equal(shown.trials, TRIALS);
    assert.ok(Math.abs(shown.score - x.record.bestScore) <= 5e-4, `tree shows ${shown.score}, experiment.json ${x.record.bestScore}`);
    note(`journal: ${TRIALS} distinct indexes, ${journaledBefore.length} kept from before the kill`);
  },
};
