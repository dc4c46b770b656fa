// The worker process: forked by the extension host, talks JSON-RPC over the IPC channel, runs the heavy
// jobs (the profiling threads are worker_threads of this process, so they die with it).
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node.js';
import { profileFile } from '../core/profile/profileFile.js';
import { registerProfileJobs } from './profileJobs.js';

if (!process.send) {
  process.stderr.write('mllab worker: start me with child_process.fork (I need an IPC channel).\n');
  process.exit(2);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
registerProfileJobs(connection, profileFile);

// No orphans: when the host goes away (closed, crashed, killed) the IPC channel closes and so do we.
process.on('disconnect', () => process.exit(0));
connection.onClose(() => process.exit(0));
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`mllab worker: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
});

connection.listen();
