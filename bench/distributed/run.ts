// Distributed sweeps benchmark (issue 7). See README.md here for what each part measures.
// Usage: node --import tsx bench/distributed/run.ts [--only raw|coordinator|sweep|flood-sweep] [--save] [--flood 10000] [--trials 120]
// --save writes bench/distributed/results/<UTC time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '../../test/support/redisServer.js';
import { coordinatorPerTrial, rankingMs, tpeProposalMs } from './coordinator.js';
import { runRaw } from './raw.js';
import { cliHasWorker, floodSweep, runSweeps } from './sweep.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    save: { type: 'boolean', default: false },
    flood: { type: 'string', default: '10000' },
    'latency-jobs': { type: 'string', default: '300' },
    'window-jobs': { type: 'string', default: '3000' },
    window: { type: 'string', default: '8' },
    'oof-rows': { type: 'string', default: '344' },
    trials: { type: 'string', default: '120' },
    'trivial-trials': { type: 'string', default: '300' },
    'coordinator-trials': { type: 'string', default: '1000' },
  },
});

const log = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const started = new Date();
  const results: Record<string, unknown> = {
    startedAt: started.toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    loadAverageAtStart: load(),
  };
  const redis = await startRedis();
  try {
    if (values.only === undefined || values.only === 'raw') {
      log(`raw BullMQ (load ${load().join(' ')})`);
      results.raw = await runRaw(
        redis,
        {
          oofRows: Number(values['oof-rows']),
          latencyJobs: Number(values['latency-jobs']),
          windowJobs: Number(values['window-jobs']),
          window: Number(values.window),
          floodJobs: Number(values.flood),
          floodWorkers: 2,
          floodConcurrency: 16,
        },
        log,
      );
    }
    if (values.only === undefined || values.only === 'coordinator') {
      log(`coordinator without a queue (load ${load().join(' ')})`);
      const tpe = tpeProposalMs([100, 1000, 10_000, 30_000, 100_000]);
      log(`TPE proposal: ${tpe.byHistory.map((x) => `${x.n} trials ${x.ms} ms`).join(', ')}`);
      const ranking = rankingMs([1000, 10_000, 100_000]);
      log(`ranking the finished trials: ${ranking.map((x) => `${x.n} trials ${x.ms} ms`).join(', ')}`);
      const coordinator = { tpe: await coordinatorPerTrial(Number(values['coordinator-trials']), 8, 'tpe'), random: await coordinatorPerTrial(Number(values['coordinator-trials']), 8, 'random') };
      for (const [name, c] of Object.entries(coordinator)) log(`runSweep, instant trials, ${name}: ${c.msPerTrialBySlice.map((x) => `${x.fromTrial}–${x.toTrial}: ${x.ms} ms`).join(', ')}`);
      results.coordinator = { tpeProposal: tpe, ranking, runSweepInstantTrials: coordinator };
    }
    if (values.only === undefined || values.only === 'sweep') {
      if (await cliHasWorker()) {
        log(`sweeps on penguins (load ${load().join(' ')})`);
        results.sweep = {
          dataset: 'vega-datasets penguins (344 rows, Species)',
          runs: await runSweeps(redis, { trials: Number(values.trials), trivialTrials: Number(values['trivial-trials']), trivialPairs: 3, models: 'gbdt,randomForest,linear,knn', folds: 3, workerCounts: [1, 2, 4], localParallel: [1, 2] }, log),
        };
      } else {
        log('dist/cli.js has no `mllab worker` (npm run build with the distributed backend first): sweep part skipped');
        results.sweep = null;
      }
    }
    if (values.only === 'flood-sweep') {
      // Not in the default run (it alone takes a minute or more): every trial of a 10,000-trial sweep queued at once.
      if (!(await cliHasWorker())) throw new Error('dist/cli.js has no `mllab worker`: npm run build first');
      log(`flood sweep (load ${load().join(' ')})`);
      results.floodSweep = await floodSweep(redis, Number(values.flood), 2, 4, log);
    }
  } finally {
    await redis.stop();
  }
  results.loadAverageAtEnd = load();
  results.seconds = Math.round((Date.now() - started.getTime()) / 100) / 10;
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  if (values.save) {
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${started.toISOString().slice(0, 16).replace(/[:]/g, '-')}Z.json`);
    writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    log(`saved ${file}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
