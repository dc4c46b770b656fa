// Flow 1: the everyday path. Right-click loans.csv in the Explorer -> Profile Dataset -> the report opens
// beside, with the numbers the fixture was built to have, and the profile lands in the workspace cache.
import assert from 'node:assert/strict';
import { LOANS } from '../loans.mjs';
import { COMMAND_TITLE, assertCachedProfile, explorerContextCommand, openWorkbench, snap, watchProgressToast } from '../workbench.mjs';
import { assertReport, reportReady } from '../report.mjs';

export const flow = {
  name: 'profile from the Explorer context menu',
  trust: false,
  async run({ page, url, workspace, shots, note }) {
    await openWorkbench(page, url);
    await snap(page, shots, '1-explorer-01-workbench');
    const toast = watchProgressToast(page, LOANS.file);
    const tries = await explorerContextCommand(page, LOANS.file, COMMAND_TITLE);
    if (tries > 1) note(`context menu entry appeared on try ${tries}`);
    const report = await reportReady(page);
    const seen = await toast.stop();
    note(seen ? `progress toast seen${seen.cancel ? ' with Cancel' : ' WITHOUT Cancel'}` : 'progress toast too quick to see');
    await snap(page, shots, '1-explorer-02-report');
    await assertReport(page, report, (step) => snap(page, shots, `1-explorer-03-${step}`));
    await snap(page, shots, '1-explorer-04-warnings');
    const cache = await assertCachedProfile(workspace, LOANS.file, LOANS.rows);
    const cached = cache.hit.profile;
    assert.equal(cached.columns.find((c) => c.name === LOANS.missingColumn)?.missing, LOANS.missingCount, 'cached missing count of income');
    assert.equal(cached.duplicateRows, LOANS.duplicateRows, 'cached duplicate rows');
    // The README picture: back on the Columns tab with income (missing values, skewed histogram) selected,
    // a little roomier than the test viewport so the quantile table is not cut short.
    await report.frame.getByRole('tab', { name: /columns/i }).first().click();
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.mouse.move(1, 1);
    await page.waitForTimeout(1500);
    await snap(page, shots, '1-explorer-05-readme');
    return report;
  },
};
