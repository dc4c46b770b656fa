// Reading the Data Quality report the way the user sees it: the overview tiles, the column list, the column
// detail and the warnings, inside the webview's nested iframes. Expected values come from the fixture's
// construction (loans.mjs), never from the profiler.
import assert from 'node:assert/strict';
import { LOANS } from './loans.mjs';
import { frameTexts, hasNumber, waitFor } from './workbench.mjs';

/** "9.9%": the webview's one-decimal percent for shares of 1% and more. */
const percent = (part, whole) => `${((part / whole) * 100).toFixed(1)}%`;

/** Overview tiles as { label: value } (a <dl> of <dt>/<dd> pairs). */
async function overviewTiles(frame) {
  return frame.evaluate(() => {
    const out = {};
    for (const dt of Array.from(globalThis.document.querySelectorAll('dl.overview dt'))) {
      const dd = dt.nextElementSibling;
      out[(dt.textContent ?? '').trim()] = (dd?.textContent ?? '').trim();
    }
    return out;
  });
}

/** The webview frame showing the finished (not preview) report of loans.csv, once its overview reads right. */
export async function reportReady(page, { timeoutMs = 90_000 } = {}) {
  await page.locator('.tabs-container .tab').filter({ hasText: `Data Quality: ${LOANS.file}` }).first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
  let lastTiles = null;
  try {
    return await waitFor('the finished Data Quality report in a webview frame', async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        let tiles;
        try {
          if ((await frame.locator('dl.overview').count()) === 0) continue;
          tiles = await overviewTiles(frame);
        } catch {
          continue;
        }
        lastTiles = tiles;
        // The preview labels its row count differently; only the full pass has a plain "Rows" tile.
        if (tiles.Rows !== undefined && hasNumber(tiles.Rows, LOANS.rows)) return { frame, tiles };
      }
      return null;
    }, { timeoutMs, intervalMs: 1000 });
  } catch (err) {
    const seen = lastTiles ? JSON.stringify(lastTiles) : (await frameTexts(page)).map((f) => f.text.slice(0, 400)).join('\n---\n');
    throw new Error(`${err.message}\nlast seen: ${seen}`, { cause: err });
  }
}

/**
 * Asserts what the user must see: row, column and duplicate counts in the overview, the income column's
 * missing share in the column list and its missing count in the column detail, and the constant-column and
 * duplicate-row warnings.
 */
export async function assertReport(page, { frame, tiles }, shot) {
  assert.ok(hasNumber(tiles.Rows, LOANS.rows), `overview Rows tile: ${tiles.Rows}`);
  assert.ok(hasNumber(tiles.Columns ?? '', LOANS.columns), `overview Columns tile: ${tiles.Columns}`);
  assert.match(tiles['Duplicate rows'] ?? '', new RegExp(`^${LOANS.duplicateRows}\\b`), 'overview Duplicate rows tile');
  assert.equal(tiles['Missing cells'], percent(LOANS.missingCount, LOANS.rows * LOANS.columns), 'overview Missing cells tile');

  const incomeRow = frame.locator(`[role="option"][aria-label^="${LOANS.missingColumn},"]`).first();
  await incomeRow.waitFor({ state: 'visible', timeout: 15_000 });
  const label = (await incomeRow.getAttribute('aria-label')) ?? '';
  assert.ok(label.includes(`${percent(LOANS.missingCount, LOANS.rows)} missing`), `income row in the column list: ${label}`);
  await incomeRow.click();
  await waitFor('the income column detail with its missing count', async () => {
    const text = (await frameTexts(page)).find((f) => f.frame === frame)?.text ?? '';
    return text.includes(`${LOANS.missingCount} (${percent(LOANS.missingCount, LOANS.rows)})`);
  }, { timeoutMs: 15_000 });
  if (shot) await shot('column-detail');

  const warnings = await openWarnings(frame);
  const constant = warnings.find((w) => w.includes(LOANS.constantColumn) && /every non-missing value is/i.test(w));
  assert.ok(constant, `a warning that ${LOANS.constantColumn} is constant; warnings shown:\n${warnings.join('\n')}`);
  assert.ok(constant.includes('USD'), `the constant warning names the value: ${constant}`);
  const dup = warnings.find((w) => /duplicate/i.test(w));
  assert.ok(dup && hasNumber(dup, LOANS.duplicateRows), `a duplicate-rows warning with ${LOANS.duplicateRows}; warnings shown:\n${warnings.join('\n')}`);
}

/** Shows the warnings (tab or overview tile) and returns their messages as rendered. */
async function openWarnings(frame) {
  const messages = frame.locator('.warning-list .warning-message');
  if ((await messages.count()) === 0) {
    const tab = frame.getByRole('tab', { name: /warnings/i }).first();
    if ((await tab.count()) > 0) await tab.click();
    else await frame.locator('.tile-button').filter({ hasText: 'Warnings' }).first().click();
  }
  await messages.first().waitFor({ state: 'visible', timeout: 15_000 });
  return messages.allInnerTexts();
}
