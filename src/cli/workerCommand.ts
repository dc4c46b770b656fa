// `mllab worker --redis URL`: join a fleet and run the trials of distributed sweeps until Ctrl-C. One line
// per trial on stderr. The worker connects to Redis only; it opens no port.
import { homedir } from 'node:os';
import * as path from 'node:path';
import { checkRedisUrl, redactedUrl } from '../core/distributed/redisUrl.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';

export const WORKER_HELP = `Usage: mllab worker --redis URL [options]

Join a fleet of workers: take trials of sweeps run with --backend redis from the Redis queue, run them
here and send the results back. Only ML Lab trial configurations run (a model and its parameters), never
code from the queue. Datasets come from the path the coordinator names, else from its offer URL, and are
used only when their sha256 matches. Stop with Ctrl-C (running trials finish first; twice to stop at once).

  --redis URL          redis://[user:password@]host:port or rediss:// for TLS (required)
  --concurrency N      trials at once (default 1)
  --name NAME          the name the Workers view and the sweep's trials show (default HOST-PID)
  --cache DIR          where fetched datasets are kept by hash (default ~/.cache/mllab/datasets)
  -h, --help           show this help

The password may also come from the MLLAB_REDIS_PASSWORD environment variable (it wins over the URL's).
MLLAB_WORKER_LOCK_MS sets how long a silent worker keeps its trial before another takes it (default 30000).
`;

const WORKER_SPEC = {
  help: { takesValue: false },
  redis: { takesValue: true },
  concurrency: { takesValue: true },
  name: { takesValue: true },
  cache: { takesValue: true },
};

export interface WorkerArgs {
  redis: string;
  concurrency: number;
  name: string | null;
  cache: string;
}

export function parseWorkerArgs(argv: readonly string[], env: NodeJS.ProcessEnv): WorkerArgs | null {
  const { options, positionals } = parseOptions(argv, WORKER_SPEC);
  if (options.has('help')) return null;
  if (positionals.length > 0) throw new UsageError(`worker takes no file, got "${positionals[0]}"`);
  const text = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const redis = text('redis');
  if (redis === undefined) throw new UsageError('worker needs --redis URL');
  try {
    checkRedisUrl(redis);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const concurrencyText = text('concurrency') ?? '1';
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number, got "${concurrencyText}"`);
  const name = text('name') ?? null;
  if (name !== null && !/^[\w.@-]{1,100}$/.test(name)) throw new UsageError(`--name must be 1 to 100 letters, digits, '.', '-', '_' or '@', got "${name}"`);
  const cache = path.resolve(text('cache') ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'mllab', 'datasets'));
  return { redis, concurrency, name, cache };
}

function lockMsOf(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.MLLAB_WORKER_LOCK_MS;
  if (text === undefined || text === '') return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 200) throw new UsageError(`MLLAB_WORKER_LOCK_MS must be a whole number of milliseconds of at least 200, got "${text}"`);
  return v;
}

export async function runWorkerCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseWorkerArgs(argv, io.env);
  if (!args) {
    io.stdout.write(WORKER_HELP);
    return 0;
  }
  const password = io.env.MLLAB_REDIS_PASSWORD;
  const lockMs = lockMsOf(io.env);
  // Loaded here, not at the top: BullMQ and ioredis would otherwise load with every mllab command.
  const { startTrialWorker } = await import('../core/distributed/trialWorker.js');
  const worker = await startTrialWorker({
    target: { url: args.redis, ...(password ? { password } : {}) },
    concurrency: args.concurrency,
    cacheDir: args.cache,
    ...(args.name ? { name: args.name } : {}),
    ...(lockMs !== undefined ? { lockMs } : {}),
    log: (line) => io.stderr.write(`${line}\n`),
  });
  io.stderr.write(`worker ${worker.name} joined ${redactedUrl(args.redis)} (concurrency ${args.concurrency}); Ctrl-C to leave\n`);
  await new Promise<void>((resolve) => {
    if (!io.signal) return; // no way to stop but killing the process
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  io.stderr.write(`worker ${worker.name} leaving: waiting for its running trials\n`);
  // A second Ctrl-C ends the process (the default SIGINT handler is back once main's listener fired).
  await worker.close();
  return 0;
}
