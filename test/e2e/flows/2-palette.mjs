// Flow 2: the keyboard path. With loans.csv open in an editor, F1 -> "ML Lab: Profile Dataset" profiles it.
import { LOANS } from '../loans.mjs';
import { PALETTE_TITLE, assertCachedProfile, openFileFromExplorer, openWorkbench, runFromPalette, snap } from '../workbench.mjs';
import { assertReport, reportReady } from '../report.mjs';

export const flow = {
  name: 'profile the open CSV from the command palette',
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
    return report;
  },
};
