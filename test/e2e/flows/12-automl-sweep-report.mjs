/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 12: the whole AutoML path in VS Code. Command palette → ML Lab: Start AutoML Sweep →
// penguins.csv (344 rows), target Species, default metric, a 30 s budget ("Custom time…" 0.5 minutes),
// default search → the Sweep panel (from the status bar item) shows trials arriving → the completion
// notification says "finished" with "Open Report" → the Experiments tree shows the experiment done with
// its best score and trial count as description → Open Report (the notification's button) shows the same
// numbers as .mllab/: #best-score = experiment.json bestScore, each metrics row = report.json (the
// optimised metric is report.best.score, the others the lead trial's metrics), the Held out column =
// report.json heldOut (a fifth of the rows, split.json), the Evaluation switches held out ↔ out-of-fold
// (confusion counts = test rows / training rows). After a window reload the report comes back by itself
// (its panel serializer) with the same numbers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, runFromPalette, snap, waitFor } from '../workbench.mjs';
import { PENGUINS, addPenguins, experimentRow, openExperimentsView, parseExperimentRow, readExperiment, reportFrame, reportNumbers, startSweepFromPalette, sweepFrame, toast } from '../sweep.mjs';

const close = (a, b, tol) => Math.abs(Number(a) - Number(b)) <= tol;

export const flow = {
  name: 'Start AutoML Sweep (30 s on penguins) → live panel → notification → tree → Open Report agrees with .mllab',
  trust: false,
  prepare(workspace) {
    addPenguins(workspace);
  },
  async run({ page, url, workspace, shots, note }) {
    await openWorkbench(page, url);
    await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, minutes: 0.5 });
    const started = Date.now();

    // The status bar item opens the Sweep panel (the palette command is the fallback).
    const item = page.locator('.statusbar-item').filter({ hasText: /Sweep/ }).first();
    const viaStatusBar = await item.waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false);
    if (viaStatusBar) await item.click();
    else await runFromPalette(page, 'ML Lab: Open Sweep Panel');
    const frame = await waitFor('the Sweep panel to render', () => sweepFrame(page), { timeoutMs: 60_000, intervalMs: 250 });
    note(`Sweep panel ${viaStatusBar ? 'from the status bar item' : 'from the palette'}, rendered ${Date.now() - started} ms after Start Sweep`);
    const title = await frame.evaluate(() => document.querySelector('.title-text')?.textContent ?? '');
    assert.equal(title, `${PENGUINS.file} → ${PENGUINS.target}`);

    // Trials arrive while it runs: the row count grows at least twice before the sweep ends.
    const counts = [];
    const rowCount = () => frame.evaluate(() => document.querySelectorAll('tbody tr:not(.status-running)').length);
    const badge = () => frame.evaluate(() => document.querySelector('.state-badge')?.textContent?.trim() ?? '');
    await waitFor('trials arriving in the Sweep panel', async () => {
      const n = await rowCount();
      if (counts.at(-1) !== n) counts.push(n);
      return counts.filter((c) => c > 0).length >= 3 || (await badge()) === 'Done';
    }, { timeoutMs: 45_000, intervalMs: 200 });
    note(`trial rows seen growing: ${counts.join(' → ')}`);
    assert.ok(counts.filter((c) => c > 0).length >= 2, `trials arrived one after another (${counts.join(', ')})`);
    await snap(page, shots, '12-sweep-01-panel-live');

    // The completion notification, with Open Report.
    const done = toast(page, /AutoML sweep on .*finished/);
    await done.waitFor({ state: 'visible', timeout: 90_000 });
    const toastText = await done.innerText();
    note(`"finished" notification ${((Date.now() - started) / 1000).toFixed(1)} s after Start Sweep`);
    const openReport = done.getByRole('button', { name: 'Open Report' });
    assert.equal(await openReport.count(), 1, `the notification offers Open Report ("${toastText}")`);
    // The panel's own state follows within its poll interval.
    await waitFor('the Sweep panel to show Done', async () => (await badge()) === 'Done', { timeoutMs: 15_000, intervalMs: 200 });

    // The files: a done experiment, trials in the journal, report.json written.
    const x = await waitFor('experiment.json done with report.json', () => {
      const e = readExperiment(workspace);
      return e && e.record.status === 'done' && e.report ? e : null;
    }, { timeoutMs: 15_000 });
    assert.equal(x.record.trials, x.trials.length);
    assert.ok(x.trials.length >= 2, `${x.trials.length} trials`);
    assert.ok(typeof x.record.bestScore === 'number');
    assert.match(toastText, new RegExp(x.id));
    note(`${x.id}: ${x.trials.length} trials in ${x.record.times.searchSeconds ?? '?'} s, best ${x.record.metric} ${x.record.bestScore}`);

    // The Experiments tree: the experiment done (pass icon), best score and trial count as description.
    await openExperimentsView(page);
    const row = experimentRow(page);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await waitFor('the tree row to show the experiment done', async () => (await row.locator('.codicon-pass').count()) > 0, { timeoutMs: 15_000, intervalMs: 250 });
    const shownRow = parseExperimentRow(await row.innerText());
    assert.ok(shownRow, `tree row: ${await row.innerText()}`);
    assert.equal(shownRow.trials, x.record.trials);
    assert.ok(close(shownRow.score, x.record.bestScore, 5e-4), `tree shows ${shownRow.score}, experiment.json has ${x.record.bestScore}`);
    await snap(page, shots, '12-sweep-02-tree');

    // Open Report from the notification (if it was hidden meanwhile, from the tree's context menu).
    let via = 'notification';
    if (await openReport.isVisible()) await openReport.click();
    else {
      via = 'tree context menu';
      await waitFor('"Open Report" in the experiment context menu', async () => {
        await row.click({ button: 'right' });
        const entry = page.getByRole('menuitem', { name: /^Open Report/ }).first();
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
    }
    const report = await waitFor('the Experiment Report to render', () => reportFrame(page), { timeoutMs: 60_000, intervalMs: 250 });
    const shown = await reportNumbers(report);
    note(`report opened from the ${via}`);
    assert.equal(shown.title, `Experiment ${x.id}`);
    assert.equal(Number(shown.best), x.record.bestScore, `#best-score ${shown.best}, experiment.json ${x.record.bestScore}`);
    // The metrics table is report.json's: the optimised metric is the best model's score, the rest the lead trial's.
    const r = x.report;
    const lead = [...r.best.members].sort((a, b) => b.weight - a.weight)[0];
    const leadTrial = r.trials.find((t) => t.index === lead.trial);
    assert.ok(shown.metrics.length >= 2, `metrics rows: ${JSON.stringify(shown.metrics)}`);
    for (const { metric, value } of shown.metrics) {
      const expected = metric === r.metric && r.best.score !== null ? r.best.score : leadTrial.metrics[metric];
      assert.equal(Number(value), expected, `report shows ${metric} ${value}, report.json ${expected}`);
    }
    assert.equal(shown.metrics[0].metric, x.record.metric);
    assert.equal(Number(shown.metrics[0].value), x.record.bestScore);
    note(`report agrees with .mllab on ${shown.metrics.length + 1} numbers (${shown.metrics.map((m) => m.metric).join(', ')})`);

    // Held out: 344 rows ≥ 100, so the default test share (a fifth) was set aside before the search and
    // listed in split.json; the report's second column is report.json's heldOut, the Evaluation shows the
    // held-out predictions first and switches to the out-of-fold ones.
    assert.ok(r.heldOut, 'report.json has heldOut (the default test share on 344 rows)');
    const split = JSON.parse(readFileSync(join(workspace, '.mllab', 'experiments', x.id, 'split.json'), 'utf8'));
    assert.equal(split.testRows.length, r.heldOut.rows);
    assert.equal(split.trainRows + r.heldOut.rows, x.record.dataset.rows);
    assert.equal(x.record.heldOutScore, r.heldOut.metrics[r.metric]);
    const heldOutView = () =>
      report.evaluate(() => ({
        header: [...document.querySelectorAll('table.metrics thead th')].map((th) => th.textContent),
        values: [...document.querySelectorAll('table.metrics td[data-heldout-metric]')].map((td) => ({ metric: td.getAttribute('data-heldout-metric'), value: td.getAttribute('data-value') })),
        view: document.querySelector('#evaluation [data-evaluation]')?.getAttribute('data-evaluation') ?? '',
        confusionRows: [...document.querySelectorAll('#evaluation table.confusion td[data-value]')].reduce((sum, td) => sum + Number(td.getAttribute('data-value')), 0),
      }));
    const held = await heldOutView();
    assert.deepEqual(held.header, ['Metric', 'Cross-validated', `Held out (${r.heldOut.rows} rows)`]);
    assert.equal(held.values.length, shown.metrics.length);
    for (const { metric, value } of held.values) {
      const expected = r.heldOut.metrics[metric];
      if (expected === undefined) assert.equal(value, '', `${metric} is not defined on the held-out rows`);
      else assert.equal(Number(value), expected, `report shows held-out ${metric} ${value}, report.json ${expected}`);
    }
    assert.equal(held.view, 'heldOut');
    assert.equal(held.confusionRows, r.heldOut.rows, 'the held-out confusion matrix counts the test rows');
    await report.locator('button[data-view="outOfFold"]').click();
    const oof = await waitFor('the Evaluation to switch to out-of-fold', async () => {
      const v = await heldOutView();
      return v.view === 'outOfFold' ? v : null;
    }, { timeoutMs: 5000, intervalMs: 100 });
    assert.equal(oof.confusionRows, split.trainRows, 'the out-of-fold confusion matrix counts the training rows');
    note(`held out: ${r.heldOut.rows} rows (split.json), ${held.values.length} held-out metrics equal report.json; Evaluation switches held out (${held.confusionRows} rows) ↔ out-of-fold (${oof.confusionRows} rows)`);
    await snap(page, shots, '12-sweep-03-report');

    // A window reload brings the report back by itself (its serializer), with the same numbers.
    // (The sidebar stays on ML Lab, so wait for the old page to go rather than for the explorer.)
    await runFromPalette(page, 'Developer: Reload Window');
    await waitFor('the window to reload', () => report.isDetached(), { timeoutMs: 30_000, intervalMs: 100 });
    const t1 = Date.now();
    await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 90_000 });
    const revived = await waitFor('the Experiment Report after the reload', () => reportFrame(page), { timeoutMs: 60_000, intervalMs: 250 });
    const again = await reportNumbers(revived);
    assert.deepEqual(again, shown, 'the revived report shows the same numbers');
    note(`report revived after a window reload (${Date.now() - t1} ms after the reload)`);
    await snap(page, shots, '12-sweep-04-report-revived');
  },
};
