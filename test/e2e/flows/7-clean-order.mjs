// Flow 7 (issue 3): the suggested steps run in the order they must, not the order they are listed. A column
// of amounts written as text ("1,234") with gaps gets "read as numbers" and "fill the gaps" suggestions; the
// fill is listed first (it is ranked higher) but can only be fitted once the column is numbers. The user
// keeps the suggestions as they are, previews and applies; the gaps are filled with the median of the
// amounts, computed here from the generated file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_TITLE, explorerContextCommand, frameTexts, openWorkbench, snap, waitFor } from '../workbench.mjs';

const FILE = 'amounts.csv';
const OUT = 'amounts.clean.csv';
const ROWS = 400;

/** Deterministic: every 5th amount missing, the others 1,000..8,999 with a thousands separator. */
function amountsCsv() {
  const cities = ['Paris', 'Rome', 'Oslo'];
  const lines = ['id,amount,city'];
  for (let i = 0; i < ROWS; i++) {
    const amount = i % 5 === 0 ? '' : `"${(1000 + ((i * 7919) % 8000)).toLocaleString('en-US')}"`;
    lines.push(`${i},${amount},${cities[(i * 31) % 3]}`);
  }
  return `${lines.join('\n')}\n`;
}

function expectations() {
  const amounts = [];
  let missing = 0;
  for (let i = 0; i < ROWS; i++) {
    if (i % 5 === 0) missing++;
    else amounts.push(1000 + ((i * 7919) % 8000));
  }
  const sorted = [...amounts].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { missing, median, present: amounts };
}

/** The webview frame whose header names `fileName`, once its Clean tab lists suggestions. */
async function cleanTab(page, fileName) {
  await page.locator('.tabs-container .tab').filter({ hasText: `Data Quality: ${fileName}` }).first().waitFor({ state: 'visible', timeout: 90_000 });
  return waitFor(`the suggestions for ${fileName}`, async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if ((await frame.locator('h1.file-name').first().textContent({ timeout: 500 }))?.trim() !== fileName) continue;
        await frame.locator('#tab-clean').click({ timeout: 2000 });
        if ((await frame.locator('ul.clean-list > li.clean-row').count()) > 0) return frame;
      } catch {
        // Not this frame, or not ready yet.
      }
    }
    return null;
  }, { timeoutMs: 90_000, intervalMs: 1000 });
}

export const flow = {
  name: 'suggested steps run in their order: numbers read before the gaps are filled',
  trust: false,
  prepare(workspace) {
    writeFileSync(join(workspace, FILE), amountsCsv());
  },
  async run({ page, url, workspace, shots, note }) {
    const want = expectations();
    await openWorkbench(page, url);
    await explorerContextCommand(page, FILE, COMMAND_TITLE);
    const frame = await cleanTab(page, FILE);
    const checked = await frame.evaluate(() =>
      Array.from(globalThis.document.querySelectorAll('ul.clean-list > li.clean-row'))
        .filter((li) => li.querySelector('input[type="checkbox"]')?.checked)
        .map((li) => li.getAttribute('data-id')),
    );
    note(`checked as suggested, in list order: ${checked.join(', ')}`);
    const fill = checked.indexOf('impute:amount');
    const parse = checked.indexOf('parseNumbers:amount');
    assert.ok(fill >= 0 && parse >= 0, `fill and read-as-numbers for amount are suggested and checked: ${checked.join(', ')}`);

    await frame.locator('vscode-button[aria-label="Preview"]').click();
    const outcome = await waitFor('the preview or its error', async () => {
      if ((await frame.locator('.clean-preview .banner.error').count()) > 0) return { error: (await frame.locator('.clean-preview .banner.error').first().innerText()).trim() };
      if ((await frame.locator('.clean-preview table.stats-table').count()) > 0) return { ok: true };
      return null;
    }, { timeoutMs: 60_000 });
    await snap(page, shots, '7-clean-order-01-preview');
    assert.equal(outcome.error, undefined, `Preview of the suggested steps failed: ${outcome.error}`);
    const missingAfter = await frame.evaluate(() => {
      const table = globalThis.document.querySelector('.clean-preview table.stats-table');
      const heads = Array.from(table.querySelectorAll('thead th')).map((th) => (th.textContent ?? '').trim());
      const col = heads.indexOf('Missing');
      const row = Array.from(table.querySelectorAll('tbody tr')).find((tr) => (tr.querySelector('th .col-name')?.textContent ?? '').trim() === 'amount');
      const td = row?.querySelectorAll('td')[col - 1];
      return td ? (td.querySelector('.after')?.textContent ?? td.textContent ?? '').trim() : null;
    });
    assert.match(missingAfter ?? '', /^0\b/, `amount has no missing values after the steps: ${missingAfter}`);

    const out = join(workspace, OUT);
    await frame.locator('vscode-button[aria-label="Apply"]').click();
    await waitFor(`${OUT} to be written`, () => existsSync(out), { timeoutMs: 60_000 });
    await page.locator('.tabs-container .tab').filter({ hasText: `Data Quality: ${OUT}` }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await snap(page, shots, '7-clean-order-02-applied');
    const [header, ...rows] = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => l.split(','));
    const a = header.indexOf('amount');
    assert.ok(a >= 0, `${OUT} has amount: ${header.join(',')}`);
    assert.equal(rows.length, ROWS, `${OUT} rows`);
    const values = rows.map((r) => Number(r[a]));
    assert.ok(values.every(Number.isFinite), 'every amount is a plain number');
    assert.equal(values.filter((v, i) => i % 5 === 0 && v === want.median).length, want.missing, `the ${want.missing} gaps hold the median ${want.median}`);
    assert.deepEqual(values.filter((_, i) => i % 5 !== 0), want.present, 'the present amounts are read as numbers, unchanged');
    const texts = (await frameTexts(page)).map((f) => f.text).join('\n');
    assert.ok(!/Cannot fit/.test(texts), 'no fitting error shown');
    return { median: want.median };
  },
};
