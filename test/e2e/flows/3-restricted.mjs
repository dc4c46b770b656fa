// Flow 3: Restricted Mode. Workspace trust is on and nobody trusted this folder; profiling only reads the
// file, so the extension declares limited untrusted support and the explorer path must still work.
import { LOANS } from '../loans.mjs';
import { COMMAND_TITLE, assertCachedProfile, explorerContextCommand, openWorkbench, snap, waitFor } from '../workbench.mjs';
import { assertReport, reportReady } from '../report.mjs';

export const flow = {
  name: 'profile in Restricted Mode (untrusted workspace)',
  trust: true,
  async run({ page, url, workspace, shots }) {
    await openWorkbench(page, url);
    // The status bar says "Restricted Mode" while the workspace is untrusted: proof the setup is what we mean.
    await waitFor('the Restricted Mode indicator', async () => (await page.getByText('Restricted Mode').count()) > 0, { timeoutMs: 30_000 });
    await snap(page, shots, '3-restricted-01-workbench');
    await explorerContextCommand(page, LOANS.file, COMMAND_TITLE);
    const report = await reportReady(page);
    await snap(page, shots, '3-restricted-02-report');
    await assertReport(page, report, (step) => snap(page, shots, `3-restricted-03-${step}`));
    await snap(page, shots, '3-restricted-04-warnings');
    await assertCachedProfile(workspace, LOANS.file, LOANS.rows);
    return report;
  },
};
