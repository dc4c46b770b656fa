// A BullMQ worker process for the raw queue benchmark (run.ts forks it): takes trivial "trials" from the
// queue and returns a result shaped like a real one (metrics, fold scores, out-of-fold predictions), so the
// queue moves realistic bytes while the trial itself costs nothing. On "stop" it closes and reports what it
// processed, so the coordinator can check every job ran exactly once.
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    queue: { type: 'string' },
    prefix: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    name: { type: 'string', default: 'w' },
    'oof-rows': { type: 'string', default: '344' },
  },
});
if (values.redis === undefined || values.queue === undefined || values.prefix === undefined) throw new Error('rawWorker: --redis, --queue and --prefix are required');

const url = new URL(values.redis);
const connection = {
  host: url.hostname,
  port: Number(url.port),
  password: url.password === '' ? undefined : decodeURIComponent(url.password),
  maxRetriesPerRequest: null,
};
const oofRows = Number(values['oof-rows']);
const seen = new Map<string, number>();

interface TrivialTrial {
  index: number;
}

const worker = new Worker(
  values.queue,
  async (job: Job<TrivialTrial>) => {
    const id = job.id ?? '?';
    seen.set(id, (seen.get(id) ?? 0) + 1);
    // Deterministic pseudo-predictions: the bytes a real result carries, at no cost.
    const oof = new Array<number>(oofRows);
    for (let i = 0; i < oofRows; i++) oof[i] = Math.round(((job.data.index * 7919 + i * 104729) % 1000) / 1e3 * 1e4) / 1e4;
    return { status: 'done', index: job.data.index, worker: values.name, metrics: { accuracy: 0.9, f1_macro: 0.88, log_loss: 0.31 }, foldScores: [0.9, 0.91, 0.89], oof, fitMs: 0 };
  },
  { connection, prefix: values.prefix, concurrency: Number(values.concurrency) },
);
worker.on('error', (err) => process.stderr.write(`rawWorker ${values.name}: ${err.message}\n`));

process.on('message', (message) => {
  if (message !== 'stop') return;
  void (async () => {
    await worker.close();
    let duplicates = 0;
    for (const n of seen.values()) if (n > 1) duplicates += n - 1;
    process.send?.({ name: values.name, processed: seen.size, duplicates, ids: [...seen.keys()] }, () => process.exit(0));
  })();
});
void worker.waitUntilReady().then(() => process.send?.('ready'));
