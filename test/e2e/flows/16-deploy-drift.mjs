/* global document -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 16: issue #6's loop in VS Code. The workspace holds penguins.csv with a model trained on it (a short
// `mllab sweep` in prepare) and penguins-shifted.csv, the same rows with Body Mass (g) raised by 1500 g.
// Experiments tree → right-click the experiment → Serve Model → the status bar says "serving … :PORT" →
// 25 POST /predict requests from the test → the Models view counts them → explorer: right-click the shifted
// CSV → Compare with Training Data… → pick the model → the Drift Report flags Body Mass (g), and only it →
// the notification's Retrain → "Retrained … → …" → the child experiment (parent = the served one) shows in
// the Experiments tree → Stop from the status bar item ends the server (process gone, record stopped).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/code-server.mjs';
import { PENGUINS, addPenguins, notification, openExperimentsView, processAlive, toast } from '../sweep.mjs';
import { explorerContextCommand, openWorkbench, runFromPalette, snap, waitFor } from '../workbench.mjs';

const SHIFTED = 'penguins-shifted.csv';
const SHIFTED_COLUMN = 'Body Mass (g)';
const REQUESTS = 25;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** penguins.csv split into header and rows (plain commas: the file has no quoted fields). */
function readPenguins(workspace) {
  const [header, ...lines] = readFileSync(join(workspace, PENGUINS.file), 'utf8').trim().split('\n');
  return { columns: header.split(','), rows: lines.map((l) => l.split(',')) };
}

function experiments(workspace) {
  const dir = join(workspace, '.mllab', 'experiments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => existsSync(join(dir, id, 'experiment.json'))).map((id) => JSON.parse(readFileSync(join(dir, id, 'experiment.json'), 'utf8')));
}

function deployments(workspace) {
  const dir = join(workspace, '.mllab', 'deployments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')));
}

/** Right-clicks `row` and picks the menu entry `label`, retrying while contributions register. */
async function rowContextCommand(page, row, label) {
  await waitFor(`"${label}" in the context menu`, async () => {
    await row.click({ button: 'right' });
    const entry = page.getByRole('menuitem', { name: label }).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: 3000 });
    } catch {
      await page.keyboard.press('Escape');
      return false;
    }
    await sleep(600);
    await entry.click();
    return true;
  }, { timeoutMs: 40_000, intervalMs: 1000 });
}

/** The frame holding a rendered Drift Report of `current` (the new data's file or folder name). */
async function driftFrame(page, current) {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate((name) => document.getElementById('verdict')?.getAttribute('data-current') === name && document.getElementById('app')?.getAttribute('aria-busy') === 'false', current)) return frame;
    } catch {
      // Navigating or detached.
    }
  }
  return null;
}

export const flow = {
  name: 'Serve Model from the tree → requests counted in the Models view → drift on a shifted CSV flags the feature → Retrain → child experiment in the tree',
  trust: false,
  prepare(workspace) {
    addPenguins(workspace);
    const { columns, rows } = readPenguins(workspace);
    const at = columns.indexOf(SHIFTED_COLUMN);
    assert.ok(at >= 0, `penguins.csv has ${SHIFTED_COLUMN}`);
    const shifted = rows.map((r) => r.map((v, i) => (i === at && v !== '' && v !== 'NA' && Number.isFinite(Number(v)) ? String(Number(v) + 1500) : v)));
    writeFileSync(join(workspace, SHIFTED), [columns.join(','), ...shifted.map((r) => r.join(','))].join('\n') + '\n');
    // A small, quick model: two families, four trials, three folds.
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'sweep', PENGUINS.file, '--target', PENGUINS.target, '--trials', '4', '--models', 'gbdt,linear', '--folds', '3', '--parallel', '1', '--budget', '30', '--workspace', workspace], { cwd: workspace, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  },
  async run({ page, url, workspace, shots, note }) {
    const [parent] = experiments(workspace);
    assert.ok(parent && parent.status === 'done', 'prepare trained one experiment');
    await openWorkbench(page, url);

    // ---- Serve Model from the Experiments tree ----
    await openExperimentsView(page);
    const experimentRows = page.locator('.pane-body .monaco-list-row').filter({ hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/ });
    await experimentRows.first().waitFor({ state: 'visible', timeout: 60_000 });
    const t0 = Date.now();
    await rowContextCommand(page, experimentRows.first(), 'Serve Model');
    const item = page.locator('.statusbar-item').filter({ hasText: /serving .* :\d+/ }).first();
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    const itemText = await item.innerText();
    const port = Number(/:(\d+)/.exec(itemText)[1]);
    note(`status bar "${itemText.trim()}" ${Date.now() - t0} ms after Serve Model`);
    const record = await waitFor('the deployment record', () => deployments(workspace).find((d) => d.kind === 'served' && d.stopped === null), { timeoutMs: 15_000 });
    assert.equal(record.location, `http://127.0.0.1:${port}`);
    assert.equal(record.experimentId, parent.id);
    assert.ok(processAlive(record.pid), `server pid ${record.pid} runs`);
    await snap(page, shots, '16-deploy-01-serving');

    // ---- Requests from the test ----
    const { columns, rows } = readPenguins(workspace);
    const features = columns.filter((c) => c !== PENGUINS.target);
    const complete = rows.filter((r) => !r.includes('NA') && !r.includes('')).slice(0, REQUESTS);
    let predicted = 0;
    for (const r of complete) {
      const row = Object.fromEntries(features.map((c) => {
        const v = r[columns.indexOf(c)];
        return [c, Number.isFinite(Number(v)) ? Number(v) : v];
      }));
      const res = await fetch(`${record.location}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [row] }) });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.predictions.length, 1);
      predicted++;
    }
    note(`${predicted} predictions from ${record.location}`);

    // ---- The Models view counts them ----
    const modelsPane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^Models/ }) }).first();
    const header = modelsPane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    // The row names the experiment without its start time (the tooltip has the full id).
    const modelRow = modelsPane.locator('.monaco-list-row').filter({ hasText: parent.id.replace(/^\d{8}-\d{6}-/, '') }).first();
    await waitFor(`the Models view to show ${REQUESTS} requests`, async () => new RegExp(`\\b${REQUESTS} req\\b`).test(await modelRow.innerText()), { timeoutMs: 30_000, intervalMs: 500 });
    note(`Models view: "${(await modelRow.innerText()).replace(/\s+/g, ' ').trim()}"`);
    await snap(page, shots, '16-deploy-02-models-view');

    // ---- Check Drift… on the served model: its prediction log against the training data ----
    await rowContextCommand(page, modelRow, 'Check Drift…');
    const logFrame = await waitFor('the Drift Report of the prediction log', () => driftFrame(page, record.id), { timeoutMs: 60_000, intervalMs: 250 });
    const logDrifted = await logFrame.evaluate(() => document.getElementById('verdict')?.getAttribute('data-drifted'));
    const checked = await waitFor('lastDrift in the deployment record', () => deployments(workspace).find((d) => d.id === record.id && d.lastDrift)?.lastDrift, { timeoutMs: 15_000 });
    assert.equal(String(checked.drifted), logDrifted);
    assert.ok(existsSync(checked.report), 'the stored report exists');
    const verdictWord = checked.drifted ? 'drifted' : 'no drift';
    await waitFor(`the Models view to say ${verdictWord}`, async () => (await modelRow.innerText()).includes(verdictWord), { timeoutMs: 15_000, intervalMs: 500 });
    note(`Check Drift… on the ${REQUESTS} logged requests: ${verdictWord}`);

    // ---- Compare with Training Data… on the shifted CSV ----
    await page.keyboard.press('Control+Shift+E');
    await explorerContextCommand(page, SHIFTED, 'Compare with Training Data…');
    const pickRow = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: parent.id }).first();
    await pickRow.waitFor({ state: 'visible', timeout: 30_000 });
    await pickRow.click();
    const frame = await waitFor('the Drift Report to render', () => driftFrame(page, SHIFTED), { timeoutMs: 60_000, intervalMs: 250 });
    const shown = await frame.evaluate(() => ({
      drifted: document.getElementById('verdict')?.getAttribute('data-drifted'),
      verdict: document.getElementById('verdict')?.textContent ?? '',
      rows: [...document.querySelectorAll('#features tbody tr')].map((tr) => ({ name: tr.getAttribute('data-feature'), drifted: tr.getAttribute('data-drifted') })),
      detail: document.getElementById('detail')?.getAttribute('data-feature'),
      bins: document.querySelectorAll('#detail table.bins tbody tr').length,
      canvas: document.querySelector('#detail canvas') !== null,
    }));
    note(`Drift Report: ${shown.verdict.trim()}`);
    assert.equal(shown.drifted, 'true');
    assert.deepEqual(shown.rows.filter((r) => r.drifted === 'true').map((r) => r.name), [SHIFTED_COLUMN], `only ${SHIFTED_COLUMN} drifted: ${JSON.stringify(shown.rows)}`);
    assert.equal(shown.rows[0].name, SHIFTED_COLUMN, 'the drifted feature heads the table');
    assert.equal(shown.detail, SHIFTED_COLUMN, 'its distributions are overlaid');
    assert.ok(shown.bins >= 2 && shown.canvas, 'overlay chart with its bins table');
    const stored = readdirSync(join(workspace, '.mllab', 'drift')).filter((n) => n.endsWith('.json'));
    assert.equal(stored.filter((n) => n.includes(SHIFTED)).length, 1, `the report is stored under .mllab/drift (${stored.join(', ')})`);
    assert.equal(stored.length, 2, 'with the prediction log check');
    await snap(page, shots, '16-deploy-03-drift-report');

    // ---- Retrain from the drift notification ----
    const offer = toast(page, /Drift detected in penguins-shifted\.csv/);
    await offer.waitFor({ state: 'visible', timeout: 30_000 });
    const t1 = Date.now();
    await offer.getByRole('button', { name: 'Retrain' }).click();
    const done = await notification(page, /Retrained .* → /, { timeoutMs: 120_000 });
    const doneText = await done.innerText();
    note(`"${doneText.split('\n').find((l) => l.includes('Retrained'))}" ${((Date.now() - t1) / 1000).toFixed(1)} s after Retrain`);
    const child = experiments(workspace).find((x) => x.parent === parent.id);
    assert.ok(child, 'a child experiment names the served one as its parent');
    assert.ok(child.retrain && child.retrain.parentExperiment === parent.id && child.retrain.childExperiment === child.id, 'the child stores the comparison');
    assert.match(doneText, new RegExp(child.retrain.promoted ? 'promoted' : 'not promoted'));
    assert.equal(await done.getByRole('button', { name: 'Open Report' }).count(), 1, 'the comparison offers Open Report');

    // ---- The child in the Experiments tree ----
    await openExperimentsView(page);
    await waitFor('two experiments in the tree', async () => (await experimentRows.count()) >= 2, { timeoutMs: 30_000, intervalMs: 500 });
    // Under the parent (expanded by its twistie): "Retrained → <child's start time>", promoted or not.
    const created = new Date(parent.times.created);
    const p2 = (n) => String(n).padStart(2, '0');
    const parentLabel = `${created.getFullYear()}-${p2(created.getMonth() + 1)}-${p2(created.getDate())} ${p2(created.getHours())}:${p2(created.getMinutes())}:${p2(created.getSeconds())}`;
    const parentRow = experimentRows.filter({ hasText: parentLabel }).first();
    const retrainedRow = page.locator('.pane-body .monaco-list-row').filter({ hasText: /^Retrained → / }).first();
    await waitFor('the Retrained row under the parent', async () => {
      if ((await retrainedRow.count()) > 0) return true;
      if ((await parentRow.getAttribute('aria-expanded')) === 'false') await parentRow.locator('.monaco-tl-twistie').click();
      return false;
    }, { timeoutMs: 30_000, intervalMs: 1000 });
    const retrainedText = (await retrainedRow.innerText()).replace(/\s+/g, ' ').trim();
    assert.match(retrainedText, child.retrain.promoted ? /promoted/ : /not promoted/);
    note(`tree: "${retrainedText}" under ${parentLabel}`);
    await snap(page, shots, '16-deploy-04-child-in-tree');

    // ---- Stop from the status bar item ----
    await item.click();
    const stop = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Stop' }).first();
    await stop.waitFor({ state: 'visible', timeout: 15_000 });
    await stop.click();
    await item.waitFor({ state: 'hidden', timeout: 15_000 });
    await waitFor('the server process to end', () => !processAlive(record.pid), { timeoutMs: 10_000, intervalMs: 200 });
    const after = await waitFor('the record to say stopped', () => deployments(workspace).find((d) => d.id === record.id && d.stopped !== null), { timeoutMs: 10_000, intervalMs: 200 });
    note(`stopped: record ${after.id} stopped at ${after.stopped}`);

    // ---- The Drift Report comes back after a window reload (its serializer), same rows ----
    await runFromPalette(page, 'Developer: Reload Window');
    await waitFor('the window to reload', () => frame.isDetached(), { timeoutMs: 30_000, intervalMs: 100 });
    await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 90_000 });
    const revived = await waitFor('the Drift Report after the reload', () => driftFrame(page, SHIFTED), { timeoutMs: 60_000, intervalMs: 250 });
    const again = await revived.evaluate(() => [...document.querySelectorAll('#features tbody tr')].map((tr) => ({ name: tr.getAttribute('data-feature'), drifted: tr.getAttribute('data-drifted') })));
    assert.deepEqual(again, shown.rows, 'the revived report lists the same features');
    // Keyboard: focus the first feature, ArrowDown moves to the next, Enter overlays it.
    await revived.locator('#features button.feature-select').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const detail = await waitFor('the second feature selected by keyboard', () => revived.evaluate((name) => document.getElementById('detail')?.getAttribute('data-feature') === name, shown.rows[1].name), { timeoutMs: 5000, intervalMs: 100 });
    assert.ok(detail);
    note('Drift Report revived after a window reload; arrow keys and Enter select a feature');
  },
};
