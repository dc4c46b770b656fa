// Flow 4: a long pass can be stopped. Profiling a 250 MB CSV shows a "Profiling big.csv" progress toast with
// Cancel; pressing it stops the pass, the panel says so, and nothing about big.csv is written to the cache.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeBigLoans } from '../bigLoans.mjs';
import { COMMAND_TITLE, explorerContextCommand, frameTexts, openWorkbench, readProfileCache, snap, waitFor } from '../workbench.mjs';

const FILE = 'big.csv';

export const flow = {
  name: 'cancel a long profile from its progress notification',
  trust: false,
  prepare(workspace) {
    // ~10 s of profiling on the busy 2-core machine this was written on; a few seconds on a fast one,
    // still ample time to press Cancel.
    writeBigLoans(join(workspace, FILE), 250e6);
  },
  async run({ page, url, workspace, shots }) {
    try {
      await openWorkbench(page, url);
      await explorerContextCommand(page, FILE, COMMAND_TITLE);
      const toast = page.locator('.notification-toast').filter({ hasText: `Profiling ${FILE}` }).first();
      await toast.waitFor({ state: 'visible', timeout: 60_000 });
      const cancel = toast.getByRole('button', { name: 'Cancel' });
      await cancel.click({ timeout: 5000 });
      await snap(page, shots, '4-cancel-01-cancel-pressed');
      const banner = await waitFor('the panel to say profiling was cancelled', async () => {
        for (const f of await frameTexts(page)) {
          const m = /Profiling was cancelled[^\n]*/.exec(f.text);
          if (m) return m[0];
        }
        return null;
      }, { timeoutMs: 30_000 });
      await snap(page, shots, '4-cancel-02-cancelled');
      await toast.waitFor({ state: 'hidden', timeout: 15_000 });
      // A cancelled pass must leave no cache entry (a half profile would be served as the whole file later).
      const cache = readProfileCache(workspace);
      const entries = cache?.index?.entries ?? {};
      assert.equal(entries[FILE], undefined, `no index entry for a cancelled ${FILE}`);
      assert.ok(!(cache?.files ?? []).some((f) => f.endsWith('.tmp')), 'no temp files left in .mllab/profiles');
      return { banner };
    } finally {
      rmSync(join(workspace, FILE), { force: true });
    }
  },
};
