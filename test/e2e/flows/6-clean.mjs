// Flow 6 (issue 3): clean a messy real dataset from the Data Quality panel. birdstrikes.csv (vega-datasets)
// has "Speed IAS in knots" 28% empty, repeated rows and a mostly-"None" column. The user opens the Clean tab,
// leaves exactly three steps checked (fill the speed's missing values, drop repeated rows, drop the mostly
// missing column), previews them (the speed's missing count goes to 0), applies, and gets a new file with its
// own report and a lineage record pointing at the untouched source. Every expected number is computed here
// from the CSV itself, never taken from ML Lab.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/code-server.mjs';
import { COMMAND_TITLE, explorerContextCommand, frameTexts, hasNumber, openWorkbench, snap, waitFor } from '../workbench.mjs';

const SOURCE = join(repoRoot, 'node_modules', 'vega-datasets', 'data', 'birdstrikes.csv');
const FILE = 'birdstrikes.csv';
const OUT = 'birdstrikes.clean.csv';
const IMPUTED = 'Speed IAS in knots';
const MOSTLY_MISSING = 'Effect Amount of damage';
// The three steps the user keeps, by suggestion id (the webview's data-id): kind and column.
const WANTED = [`impute:${IMPUTED}`, 'dropDuplicateRows:*', `dropColumns:${MOSTLY_MISSING}`];
// ML Lab's default missing tokens (src/protocol/profile.ts), restated: the report counts these as missing.
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', 'None', '#N/A']);

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const isMissing = (cell) => MISSING_TOKENS.has(cell.trim());
const percent = (part, whole) => `${((part / whole) * 100).toFixed(1)}%`;

/** birdstrikes.csv has no quoted fields (asserted), so a comma split is an exact parse. */
function readCsv(path) {
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes('"'), `${path} has quoted fields; this simple parse would be wrong`);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const [header, ...rows] = lines.map((l) => l.split(','));
  for (const r of rows) assert.equal(r.length, header.length, `a row of ${path} has ${r.length} fields, the header ${header.length}`);
  return { header, rows };
}

/** What the three steps must do to the source, worked out from its cells. */
function expectations() {
  const { header, rows } = readCsv(SOURCE);
  const speed = header.indexOf(IMPUTED);
  const effect = header.indexOf(MOSTLY_MISSING);
  assert.ok(speed >= 0 && effect >= 0, 'the source has both columns');
  const missing = rows.filter((r) => isMissing(r[speed])).length;
  const values = rows.filter((r) => !isMissing(r[speed])).map((r) => Number(r[speed]));
  assert.ok(values.every(Number.isFinite), 'every present speed is a number');
  const seen = new Set();
  const kept = [];
  for (const r of rows) {
    const key = r.join('\u0000');
    if (!seen.has(key)) {
      seen.add(key);
      kept.push(r);
    }
  }
  // The cleaned rows as the steps describe them: the column dropped, a missing speed filled (one marker
  // stands for the fill value) plus its 0/1 indicator. Repeats among these are what the new report counts.
  const cleaned = kept.map((r) => [...r.filter((_, i) => i !== effect && i !== speed), isMissing(r[speed]) ? 'FILL' : r[speed], isMissing(r[speed]) ? '1' : '0']);
  const cleanedKeys = new Set(cleaned.map((r) => r.join('\u0000')));
  return {
    rows: rows.length,
    columns: header.length,
    missing,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    effectMissing: rows.filter((r) => isMissing(r[effect])).length,
    rowsOut: kept.length,
    duplicates: rows.length - kept.length,
    // Rows kept whose speed was missing: they get the fill value and a 1 in the indicator column.
    keptMissing: kept.filter((r) => isMissing(r[speed])).length,
    columnsOut: header.length,
    cleanedDuplicates: cleaned.length - cleanedKeys.size,
    cleanedMissingCells: cleaned.reduce((n, r) => n + r.filter(isMissing).length, 0),
  };
}

/** Overview tiles as { label: value }. */
async function overviewTiles(frame) {
  return frame.evaluate(() => {
    const out = {};
    for (const dt of Array.from(globalThis.document.querySelectorAll('dl.overview dt'))) {
      out[(dt.textContent ?? '').trim()] = (dt.nextElementSibling?.textContent ?? '').trim();
    }
    return out;
  });
}

/** The webview frame whose header names `fileName`, once it shows the finished report with `rows` rows. */
async function finishedReport(page, fileName, rows, { timeoutMs = 90_000 } = {}) {
  await page.locator('.tabs-container .tab').filter({ hasText: `Data Quality: ${fileName}` }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  let last = null;
  try {
    return await waitFor(`the finished Data Quality report of ${fileName}`, async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        try {
          if ((await frame.locator('h1.file-name').count()) === 0) continue;
          if ((await frame.locator('h1.file-name').first().textContent())?.trim() !== fileName) continue;
          if ((await frame.locator('dl.overview').count()) === 0) continue;
          const tiles = await overviewTiles(frame);
          last = tiles;
          if (tiles.Rows !== undefined && hasNumber(tiles.Rows, rows)) return { frame, tiles };
        } catch {
          // Frame navigating or detached.
        }
      }
      return null;
    }, { timeoutMs, intervalMs: 1000 });
  } catch (err) {
    const seen = last ? JSON.stringify(last) : (await frameTexts(page)).map((f) => f.text.slice(0, 300)).join('\n---\n');
    throw new Error(`${err.message}\nlast seen: ${seen}`, { cause: err });
  }
}

/** Selects the column in the list and returns its list label and the Missing line of its detail. */
async function columnMissing(frame, column) {
  const row = frame.locator(`[role="option"][aria-label^="${column},"]`).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  const label = (await row.getAttribute('aria-label')) ?? '';
  await row.click();
  const missing = await waitFor(`the ${column} column detail`, async () => {
    const detail = frame.locator('section.column-detail').first();
    if (!(await detail.innerText()).includes(column)) return null;
    return detail.evaluate((section) => {
      const dt = Array.from(section.querySelectorAll('dt')).find((d) => (d.textContent ?? '').trim() === 'Missing');
      return dt ? (dt.nextElementSibling?.textContent ?? '').trim() : null;
    });
  }, { timeoutMs: 15_000 });
  return { label, missing };
}

/** The Clean tab's rows as the user sees them: suggestion id, checked, evidence. */
async function cleanRows(frame) {
  return frame.evaluate(() =>
    Array.from(globalThis.document.querySelectorAll('ul.clean-list > li.clean-row')).map((li) => ({
      id: li.getAttribute('data-id'),
      checked: li.querySelector('input[type="checkbox"]')?.checked ?? false,
      evidence: (li.querySelector('.clean-evidence')?.textContent ?? '').trim(),
    })),
  );
}

/** The Preview's before/after table: { column: { header: cellText } }, plus the tag (new/dropped) if any. */
async function previewStats(frame) {
  return frame.evaluate(() => {
    const table = globalThis.document.querySelector('.clean-preview table.stats-table');
    if (!table) return null;
    const heads = Array.from(table.querySelectorAll('thead th')).map((th) => (th.textContent ?? '').trim());
    const out = {};
    for (const tr of Array.from(table.querySelectorAll('tbody tr'))) {
      const name = (tr.querySelector('th .col-name')?.textContent ?? '').trim();
      const cells = {};
      Array.from(tr.querySelectorAll('td')).forEach((td, i) => {
        cells[heads[i + 1] ?? String(i)] = {
          before: td.querySelector('.before')?.textContent?.trim() ?? null,
          after: td.querySelector('.after')?.textContent?.trim() ?? (td.textContent ?? '').trim(),
        };
      });
      out[name] = { tag: (tr.querySelector('th .tag')?.textContent ?? '').trim() || null, cells };
    }
    return out;
  });
}

/** The count in "2,836 (28.4%)" or "0". */
const countOf = (text) => Number(String(text).split('(')[0].replace(/[^\d]/g, ''));

export const flow = {
  name: 'clean a messy real dataset: three steps, preview, apply, new report and lineage',
  trust: false,
  prepare(workspace) {
    copyFileSync(SOURCE, join(workspace, FILE));
  },
  async run({ page, url, workspace, shots, note }) {
    const want = expectations();
    const src = join(workspace, FILE);
    const srcHash = sha256(src);
    assert.equal(srcHash, sha256(SOURCE), 'the workspace copy is the dataset');
    assert.ok(want.missing > 0 && want.duplicates > 0, 'the dataset is messy the way this flow needs');
    note(`${FILE}: ${want.rows} rows, ${want.missing} missing speeds, ${want.duplicates} repeated rows`);

    // 1. Profile the source from the Explorer.
    await openWorkbench(page, url);
    await explorerContextCommand(page, FILE, COMMAND_TITLE);
    const source = await finishedReport(page, FILE, want.rows);
    const srcSpeed = await columnMissing(source.frame, IMPUTED);
    assert.ok(srcSpeed.label.includes(`${percent(want.missing, want.rows)} missing`), `source column list: ${srcSpeed.label}`);
    assert.equal(countOf(srcSpeed.missing), want.missing, `source detail Missing: ${srcSpeed.missing}`);
    await snap(page, shots, '6-clean-01-source-report');

    // 2. The Clean tab, with its suggestions.
    const { frame } = source;
    await frame.locator('#tab-clean').click();
    const rows = await waitFor('the cleaning suggestions', async () => {
      const r = await cleanRows(frame);
      return r.length > 0 ? r : null;
    }, { timeoutMs: 60_000 });
    await snap(page, shots, '6-clean-02-suggestions');
    for (const id of WANTED) assert.ok(rows.some((r) => r.id === id), `a suggestion ${id}; shown: ${rows.map((r) => r.id).join(', ')}`);
    const impute = rows.find((r) => r.id === WANTED[0]);
    assert.ok(impute.evidence.includes(IMPUTED), `the imputation row names the column: ${impute.evidence}`);

    // 3. Exactly the three wanted steps checked, by clicking checkboxes as a user would.
    const toggled = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.checked === WANTED.includes(r.id)) continue;
      await frame.locator('ul.clean-list > li.clean-row').nth(i).locator('input[type="checkbox"]').click();
      toggled.push(`${r.checked ? 'unchecked' : 'checked'} ${r.id}`);
    }
    note(toggled.join(', ') || 'the suggested defaults were already the three steps');
    const after = await cleanRows(frame);
    assert.deepEqual(after.filter((r) => r.checked).map((r) => r.id).sort(), [...WANTED].sort(), 'exactly the three steps are checked');
    const summary = (await frame.locator('.clean-summary').first().textContent()) ?? '';
    assert.match(summary, new RegExp(`^3 of ${rows.length} steps checked`), `the step count: ${summary}`);
    await snap(page, shots, '6-clean-03-three-checked');

    // 4. Preview: the speed column's missing values go to 0, the mostly missing column is dropped.
    await frame.locator('vscode-button[aria-label="Preview"]').click();
    const stats = await waitFor('the preview\'s before/after table', () => previewStats(frame), { timeoutMs: 60_000 });
    const facts = ((await frame.locator('.clean-preview .preview-facts').first().textContent()) ?? '').trim();
    const speedStats = stats[IMPUTED];
    assert.ok(speedStats, `the preview lists ${IMPUTED}; it lists ${Object.keys(stats).join(', ')}`);
    const missingCell = speedStats.cells.Missing;
    assert.ok(missingCell, `a Missing column in the preview table: ${JSON.stringify(speedStats.cells)}`);
    assert.equal(countOf(missingCell.after), 0, `after the steps ${IMPUTED} has no missing values: ${JSON.stringify(missingCell)}`);
    assert.ok(missingCell.before !== null && countOf(missingCell.before) > 0, `before the steps it had some: ${JSON.stringify(missingCell)}`);
    if (facts.startsWith('Whole file')) {
      // On the whole file the before/after counts are the file's own.
      assert.equal(countOf(missingCell.before), want.missing, `preview Missing before: ${missingCell.before}`);
      assert.ok(hasNumber(facts, want.rows) && hasNumber(facts, want.rowsOut), `preview rows in and out (${want.rows} -> ${want.rowsOut}): ${facts}`);
    }
    assert.equal(stats[MOSTLY_MISSING]?.tag, 'dropped', `${MOSTLY_MISSING} is marked dropped in the preview`);
    assert.equal(stats[`${IMPUTED}_missing`]?.tag, 'new', 'the missing indicator column is marked new in the preview');
    note(`preview: ${facts}`);
    // The before/after table is wider than the pane: scroll it, as a user would, to the Missing column.
    await frame.locator('.clean-preview table.stats-table thead th').filter({ hasText: /^Missing$/ }).first().scrollIntoViewIfNeeded();
    await snap(page, shots, '6-clean-04-preview');

    // 5. Apply; a question about replacing an existing output gets "Replace".
    const out = join(workspace, OUT);
    assert.ok(!existsSync(out), `${OUT} does not exist before Apply`);
    await frame.locator('vscode-button[aria-label="Apply"]').click();
    await waitFor(`${OUT} to be written`, async () => {
      const replace = page.locator('.monaco-dialog-box').getByRole('button', { name: 'Replace' });
      if ((await replace.count()) > 0) {
        note('answered the overwrite question');
        await replace.first().click();
      }
      return existsSync(out);
    }, { timeoutMs: 90_000 });

    // 6. The new file's report: rows after dropping repeats, no missing speeds, lineage to the source.
    const cleaned = await finishedReport(page, OUT, want.rowsOut);
    await snap(page, shots, '6-clean-05-new-report');
    assert.ok(hasNumber(cleaned.tiles.Columns ?? '', want.columnsOut), `new file's Columns tile (one dropped, one indicator added): ${cleaned.tiles.Columns}`);
    assert.equal(cleaned.tiles['Missing cells'], want.cleanedMissingCells === 0 ? '0%' : percent(want.cleanedMissingCells, want.rowsOut * want.columnsOut), 'new file\'s Missing cells tile');
    // Rows that differed only in the dropped column are repeats in the new file.
    assert.match(cleaned.tiles['Duplicate rows'] ?? '', new RegExp(`^${want.cleanedDuplicates}\\b`), `new file's Duplicate rows tile (${want.cleanedDuplicates} computed)`);
    const newSpeed = await columnMissing(cleaned.frame, IMPUTED);
    assert.ok(newSpeed.label.includes(', 0% missing'), `new file's column list: ${newSpeed.label}`);
    assert.equal(newSpeed.missing, '0 (0%)', `new file's detail Missing: ${newSpeed.missing}`);
    assert.equal(await cleaned.frame.locator(`[role="option"][aria-label^="${MOSTLY_MISSING},"]`).count(), 0, `${MOSTLY_MISSING} is gone from the new report`);
    const lineage = cleaned.frame.locator('section.lineage').first();
    await lineage.waitFor({ state: 'visible', timeout: 30_000 });
    const lineageText = await lineage.innerText();
    assert.ok(lineageText.includes(`cleaned from ${FILE}`), `lineage names the parent: ${lineageText}`);
    assert.ok(/Recipe: 3 steps/.test(lineageText), `lineage lists a 3-step Recipe: ${lineageText}`);
    assert.ok(hasNumber(lineageText, want.rows) && hasNumber(lineageText, want.rowsOut), `lineage rows in and out: ${lineageText}`);
    await lineage.locator('details summary').filter({ hasText: 'Recipe' }).first().click();
    const stepTexts = await lineage.locator('ol.recipe-steps > li').allInnerTexts();
    assert.equal(stepTexts.length, 3, `three steps listed in the lineage: ${stepTexts.join(' | ')}`);
    assert.ok(stepTexts.some((t) => t.includes(IMPUTED) && /Fill missing/.test(t)), `a fill step for ${IMPUTED}: ${stepTexts.join(' | ')}`);
    assert.ok(stepTexts.some((t) => /repeated rows/.test(t)), `a drop-repeats step: ${stepTexts.join(' | ')}`);
    assert.ok(stepTexts.some((t) => t.includes(MOSTLY_MISSING) && /^Drop/.test(t)), `a drop-column step: ${stepTexts.join(' | ')}`);
    await snap(page, shots, '6-clean-06-new-column');

    // 7. What was written: the cleaned CSV, checked cell by cell against the source.
    const { header: outHeader, rows: outRows } = readCsv(out);
    const { header: srcHeader, rows: srcRows } = readCsv(SOURCE);
    assert.equal(outRows.length, want.rowsOut, `${OUT} rows (source ${want.rows} minus ${want.duplicates} repeats)`);
    assert.ok(!outHeader.includes(MOSTLY_MISSING), `${OUT} has no ${MOSTLY_MISSING} column`);
    const os = outHeader.indexOf(IMPUTED);
    const oi = outHeader.indexOf(`${IMPUTED}_missing`);
    assert.ok(os >= 0 && oi >= 0, `${OUT} has ${IMPUTED} and its indicator: ${outHeader.join(', ')}`);
    assert.equal(outRows.filter((r) => isMissing(r[os])).length, 0, `no missing ${IMPUTED} in ${OUT}`);
    assert.equal(outRows.filter((r) => r[oi] === '1').length, want.keptMissing, `indicator ones = kept rows whose speed was missing`);
    const fills = new Set(outRows.filter((r) => r[oi] === '1').map((r) => r[os]));
    assert.equal(fills.size, 1, `one fill value: ${[...fills].join(', ')}`);
    const fill = Number([...fills][0]);
    assert.ok(Math.abs(fill - want.mean) < 1e-6 * want.mean, `fill value ${fill} is the mean of the present speeds (${want.mean})`);
    // Rows without a missing speed keep their speed (first kept rows line up with the first source rows).
    const ss = srcHeader.indexOf(IMPUTED);
    for (let i = 0; i < 50; i++) {
      if (!isMissing(srcRows[i][ss])) assert.equal(Number(outRows[i][os]), Number(srcRows[i][ss]), `row ${i + 1}: speed kept`);
    }

    // 8. The lineage record, keyed by the new file's content hash, pointing at the source's hash.
    const outHash = sha256(out);
    const record = join(workspace, '.mllab', 'datasets', `${outHash}.json`);
    assert.ok(existsSync(record), `.mllab/datasets/${outHash}.json exists`);
    const version = JSON.parse(readFileSync(record, 'utf8'));
    assert.equal(version.hash, outHash, 'the record names the new file\'s hash');
    assert.equal(version.parent?.hash, srcHash, 'parent.hash is the sha256 of the source');
    assert.equal(version.parent?.path, FILE, 'parent.path is the source, workspace-relative');
    assert.equal(version.path, OUT, 'the record\'s path is the new file');
    assert.equal(version.rows, want.rowsOut, 'the record\'s row count');
    const steps = version.recipe?.steps ?? [];
    assert.equal(steps.length, 3, `three Recipe steps: ${JSON.stringify(steps.map((s) => s.op))}`);
    const imputeStep = steps.find((s) => s.op === 'impute');
    assert.equal(imputeStep?.column, IMPUTED, 'the Recipe imputes the speed');
    assert.ok(Math.abs(imputeStep.value - want.mean) < 1e-9 * want.mean, `the Recipe's fill value ${imputeStep.value} is the mean ${want.mean}`);
    assert.ok(steps.some((s) => s.op === 'dropDuplicateRows'), 'the Recipe drops repeated rows');
    assert.deepEqual(steps.find((s) => s.op === 'dropColumns')?.columns, [MOSTLY_MISSING], `the Recipe drops ${MOSTLY_MISSING}`);
    const recipeFile = join(workspace, '.mllab', 'datasets', `${outHash}.recipe.json`);
    assert.ok(existsSync(recipeFile), 'the Recipe is saved next to the record');
    assert.deepEqual(JSON.parse(readFileSync(recipeFile, 'utf8')).steps, steps, 'the saved Recipe is the record\'s');

    // 9. Apply again from the source's panel: the output exists, so a modal asks; Replace rewrites the same
    // bytes (the steps are deterministic) and the record stays the one record.
    const again = await finishedReport(page, FILE, want.rows);
    const firstWrite = statSync(out).mtimeMs;
    await again.frame.locator('vscode-button[aria-label="Apply"]').click();
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: OUT });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await snap(page, shots, '6-clean-07-replace-question');
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await waitFor(`${OUT} to be rewritten`, () => statSync(out).mtimeMs !== firstWrite, { timeoutMs: 60_000 });
    await waitFor('the Apply to finish', async () => (await again.frame.locator('.clean-busy').first().innerText()).trim() === '', { timeoutMs: 60_000 });
    assert.equal(sha256(out), outHash, `Apply again wrote the same ${OUT}`);
    const records = readdirSync(join(workspace, '.mllab', 'datasets')).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
    assert.deepEqual(records, [`${outHash}.json`], 'one version record');

    // 10. The source is untouched.
    assert.equal(sha256(src), srcHash, `${FILE} is unchanged`);
    note(`${OUT}: ${want.rowsOut} rows, ${want.cleanedDuplicates} new repeat(s), fill ${fill}`);
    return { outHash, srcHash };
  },
};
