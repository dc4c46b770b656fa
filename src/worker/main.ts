// The worker process: forked by the extension host, talks JSON-RPC over the IPC channel, runs the heavy
// jobs (the profiling threads are worker_threads of this process, so they die with it).
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node.js';
import { profileFile } from '../core/profile/profileFile.js';
import { registerCleanJobs } from './cleanJobs.js';
import { registerProfileJobs } from './profileJobs.js';
import { runSweep } from '../core/search/sweep.js';
import { registerSweepJobs } from './sweepJobs.js';
import { checkDrift } from '../core/deploy/drift.js';
import { retrain } from '../core/deploy/retrain.js';
import { registerDeployJobs } from './deployJobs.js';
import { registerFleetJobs } from './fleetJobs.js';

if (!process.send) {
  process.stderr.write('mllab worker: start me with child_process.fork (I need an IPC channel).\n');
  process.exit(2);
}

/** Cache entries still being written get this long to finish when we are asked to stop. */
const EXIT_GRACE_MS = 1500;

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const profileJobs = registerProfileJobs(connection, profileFile);
const cleanJobs = registerCleanJobs(connection, profileFile);
const sweepJobs = registerSweepJobs(connection, (config, hooks) => runSweep(config, hooks));
const deployJobs = registerDeployJobs(connection, { checkDrift, retrain });
// The Workers view's fleet list; the Redis client loads on the first request only.
registerFleetJobs(connection, async () => (await import('../core/distributed/fleet.js')).listWorkers);
const jobs = { idle: () => Promise.all([profileJobs.idle(), cleanJobs.idle(), sweepJobs.idle(), deployJobs.idle()]) };

// No orphans: when the host goes away (closed, crashed, killed) the IPC channel closes and so do we,
// once the cache writes in flight are done (they are atomic, so cutting one short only loses it).
let exiting = false;
function exitSoon(): void {
  if (exiting) return;
  exiting = true;
  // An apply cut short by the exit would leave its staging file: cancelled, it removes it within the grace.
  cleanJobs.cancelAll();
  // A stopped sweep writes its record as interrupted (resumable) within the grace; a killed one reads so anyway.
  sweepJobs.stopAll();
  // A drift check just stops; a retrain's sweep marks its child experiment interrupted, like a stopped sweep.
  deployJobs.cancelAll();
  const grace = new Promise<void>((r) => setTimeout(r, EXIT_GRACE_MS).unref());
  void Promise.race([jobs.idle(), grace]).then(() => process.exit(0));
}
process.on('disconnect', exitSoon);
process.on('SIGTERM', exitSoon);
connection.onClose(exitSoon);
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`mllab worker: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
});

connection.listen();
