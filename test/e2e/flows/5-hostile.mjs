// Flow 5: a CSV is untrusted input. Header and values full of HTML and script must show as plain text in
// the report; nothing in them may run or become an element (strict CSP plus text-only rendering). The same
// holds for the report exported as HTML, opened in the browser on its own.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMMAND_TITLE, explorerContextCommand, frameTexts, openWorkbench, snap, waitFor } from '../workbench.mjs';

const FILE = 'hostile.csv';
// Written into this flow's workspace only, so the other flows (and the README screenshot) never see it.
const CSV = `"<img src=x onerror=""window.__pwned='header'"">",note,<b>bold</b>
1,"<script>window.__pwned='script'</script>",a
2,"<img src=x onerror=""window.__pwned='value'"">",b
3,"<img src=x onerror=""window.__pwned='value'"">",b
4,"<svg onload=""window.__pwned='svg'""></svg>",c
5,"javascript:window.__pwned='link'",a
6,"<img src=x onerror=""window.__pwned='value'"">",b
`;
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
  prepare(workspace) {
    writeFileSync(join(workspace, FILE), CSV);
  },
  async run({ page, url, workspace, shots }) {
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

    // Export HTML: the save dialog (a quick input in the browser workbench) proposes hostile.profile.html
    // beside the CSV; accept it.
    await frame.getByRole('button', { name: /export html/i }).first().click();
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor('the save dialog to propose hostile.profile.html', async () => (await input.inputValue()).endsWith('hostile.profile.html'), { timeoutMs: 10_000 });
    await snap(page, shots, '5-hostile-03-save-dialog');
    await input.press('Enter');
    const exported = join(workspace, 'hostile.profile.html');
    await waitFor('hostile.profile.html to be written', () => existsSync(exported), { timeoutMs: 15_000 });
    await page.locator('.notification-toast').filter({ hasText: 'Report saved to hostile.profile.html' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const html = readFileSync(exported, 'utf8');
    assert.ok(!/<img[^>]*onerror/i.test(html) && !html.includes("<script>window.__pwned"), 'the exported HTML holds no live markup from the CSV');
    assert.ok(html.includes('&lt;img src=x onerror='), 'the exported HTML shows the hostile header as escaped text');
    const standalone = await page.context().newPage();
    try {
      await standalone.goto(pathToFileURL(exported).href);
      await standalone.waitForTimeout(500);
      const leaks = await injected(standalone);
      assert.deepEqual(leaks, [], 'the exported report ran or rendered nothing from the CSV');
      const text = await standalone.locator('body').innerText();
      assert.ok(text.includes(HEADER), 'the exported report shows the header as text');
      await standalone.screenshot({ path: join(shots, '5-hostile-04-exported.png'), fullPage: false });
    } finally {
      await standalone.close();
    }
  },
};
