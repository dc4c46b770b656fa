// Flow 5: a CSV is untrusted input. Header and values full of HTML and script must show as plain text in
// the report; nothing in them may run or become an element (strict CSP plus text-only rendering).
import assert from 'node:assert/strict';
import { COMMAND_TITLE, explorerContextCommand, frameTexts, openWorkbench, snap, waitFor } from '../workbench.mjs';

const FILE = 'hostile.csv';
const HEADER = `<img src=x onerror="window.__pwned='header'">`;

/** In every frame: did anything from the data run, or turn into markup? */
async function injected(page) {
  const found = [];
  for (const frame of page.frames()) {
    try {
      const r = await frame.evaluate(() => {
        const doc = globalThis.document;
        // Elements created from data would carry the fixture's markers; look through shadow roots too.
        let markup = 0;
        const walk = (root) => {
          for (const e of Array.from(root.querySelectorAll('*'))) {
            if (e.getAttribute('onerror') || e.getAttribute('onload') || (e.tagName === 'IMG' && e.getAttribute('src') === 'x')) markup++;
            if (e.tagName === 'B' && e.textContent === 'bold') markup++;
            if (e.shadowRoot) walk(e.shadowRoot);
          }
        };
        if (doc) walk(doc);
        return { pwned: globalThis.__pwned ?? null, markup };
      });
      if (r.pwned !== null || r.markup > 0) found.push(`${frame.url().slice(0, 60)}: ${JSON.stringify(r)}`);
    } catch {
      // Frame detached or navigating.
    }
  }
  return found;
}

export const flow = {
  name: 'hostile header and values render as text, nothing runs',
  trust: false,
  async run({ page, url, shots }) {
    await openWorkbench(page, url);
    await explorerContextCommand(page, FILE, COMMAND_TITLE);
    await page.locator('.tabs-container .tab').filter({ hasText: `Data Quality: ${FILE}` }).first().waitFor({ state: 'visible', timeout: 90_000 });
    const { frame } = await waitFor('the hostile.csv report', async () => {
      for (const f of await frameTexts(page)) if (f.text.includes(HEADER) && f.text.includes('note')) return f;
      return null;
    }, { timeoutMs: 90_000 });
    // Open each column's detail: it prints the name again and draws the values (top values are a chart).
    for (const name of ['<b>bold</b>', HEADER, 'note']) {
      const row = frame.locator('[role="option"]').filter({ hasText: name }).first();
      await row.click();
      await page.waitForTimeout(500);
    }
    await snap(page, shots, '5-hostile-01-report');
    const warningsTab = frame.getByRole('tab', { name: /warnings/i }).first();
    if ((await warningsTab.count()) > 0) await warningsTab.click();
    await page.waitForTimeout(500);
    await snap(page, shots, '5-hostile-02-warnings');
    const found = await injected(page);
    assert.deepEqual(found, [], 'no frame ran or rendered markup from the CSV');
  },
};
