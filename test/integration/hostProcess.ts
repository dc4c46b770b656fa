// A stand-in extension host for worker.test.ts: starts a WorkerClient, runs one profile, prints the
// worker's pid and then idles until it is killed. Usage: node --import tsx hostProcess.ts WORKER CSV
import { WorkerClient } from '../../src/extension/workerClient.js';

const [workerPath, csv] = process.argv.slice(2);
if (!workerPath || !csv) throw new Error('usage: hostProcess.ts WORKER CSV');
const quiet = (): void => undefined;
const client = new WorkerClient({ workerPath, log: { info: quiet, warn: quiet, error: quiet }, idleMs: 0 });
void client.profile({ path: csv, options: { missingTokens: [], threads: 0 }, cacheDir: null, useCache: false }).then(() => {
  process.stdout.write(`${client.pid}\n`);
  setInterval(() => undefined, 60_000);
});
