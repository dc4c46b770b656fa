// Flow 2: the keyboard path. With loans.csv open in an editor, F1 -> "ML Lab: Profile Dataset" profiles it.
// Closing the report and asking again serves the unchanged file from the cache, and says so.
import { LOANS } from '../loans.mjs';
import { PALETTE_TITLE, assertCachedProfile, frameTexts, openFileFromExplorer, openWorkbench, runFromPalette, snap, waitFor } from '../workbench.mjs';
import { assertReport, reportReady } from '../report.mjs';

export const flow = {
  name: 'profile the open CSV from the command palette, then again from the cache',
  trust: false,
  async run({ page, url, workspace, shots }) {
    await openWorkbench(page, url);
    await openFileFromExplorer(page, LOANS.file);
    await snap(page, shots, '2-palette-01-csv-open');
    await runFromPalette(page, PALETTE_TITLE);
    const report = await reportReady(page);
    await snap(page, shots, '2-palette-02-report');
    await assertReport(page, report, (step) => snap(page, shots, `2-palette-03-${step}`));
    await snap(page, shots, '2-palette-04-warnings');
    await assertCachedProfile(workspace, LOANS.file, LOANS.rows);

    // Close the report, go back to the CSV, ask again.
    const reportTab = page.locator('.tabs-container .tab').filter({ hasText: `Data Quality: ${LOANS.file}` }).first();
    await reportTab.hover();
    await reportTab.getByRole('button', { name: /close/i }).first().click();
    await reportTab.waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.tabs-container .tab').filter({ hasText: LOANS.file }).first().click();
    await runFromPalette(page, PALETTE_TITLE);
    const again = await reportReady(page);
    await waitFor('the "from the cache" notice in the report', async () => {
      const text = (await frameTexts(page)).find((f) => f.frame === again.frame)?.text ?? '';
      return /from the cache/i.test(text);
    }, { timeoutMs: 15_000 });
    await snap(page, shots, '2-palette-05-from-cache');
    return again;
  },
};
