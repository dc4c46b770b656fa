// `mllab sweep TRAIN.csv --target COL`: the AutoML search. One terse line per finished trial on stderr;
// the last stdout line is one JSON object (experimentId, metric, bestScore, bestTrial, model, …) for
// pipelines. Ctrl-C stops cleanly: the experiment is marked interrupted and `--resume ID` continues it.
import { isUserError, UserError } from '../core/errors.js';
import { METRICS } from '../core/ml/metrics.js';
import { MODEL_KINDS } from '../core/ml/types.js';
import type { ModelKind, Task } from '../core/ml/types.js';
import { PRUNER_NAMES } from '../core/search/pruners.js';
import { SAMPLER_NAMES } from '../core/search/samplers.js';
import { runSweep } from '../core/search/sweep.js';
import type { SweepConfig } from '../core/search/sweep.js';
import type { SamplerName } from '../core/search/types.js';
import { DISTRIBUTED_PROTOCOL_VERSION } from '../protocol/distributed.js';
import type { SweepBackend } from '../protocol/distributed.js';
import type { PrunerName } from '../protocol/experiment.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';
import { score, sweepProgressPrinter } from './sweepProgress.js';

export const SWEEP_HELP = `Usage: mllab sweep TRAIN.csv --target COL [options]

Search models and hyperparameters for predicting COL, cross-validated, within a budget. The experiment
(journal, best model, report) is stored in DIR/.mllab/experiments/<id>/. A test share of the rows is set
aside first (split.json lists them): the search never sees it, and the final model is scored on it.

  --target COL           the column to predict (required unless --resume)
  --task T               auto (default), binary, multiclass or regression
  --metric M             what is optimised (default: roc_auc binary, accuracy multiclass, rmse regression)
  --budget SECONDS       wall time for the whole sweep, model and report included (default 60 when --trials is not given)
  --trials N             stop after N trials
  --search S             tpe (default), random, grid or genetic
  --seed S               same seed, same trials (default 0)
  --workspace DIR        folder holding .mllab (default: the current directory)
  --resume ID            continue an interrupted experiment
  --models LIST          comma-separated, from: ${MODEL_KINDS.join(', ')} (default: all that fit the task)
  --folds K              k-fold cross-validation (default 5; stratified for classification)
  --holdout FRACTION     validate on one held-out share of the rows instead of k folds
  --test-fraction F      rows set aside before the search to score the final model on (stratified for
                         classification; default 0.2 with at least 100 rows, else 0; 0 = none)
  --parallel N           trials at once (default: one per core; with --backend redis, the workers' total concurrency)
  --pruner P             median (default), asha or none
  --trial-timeout SECONDS  a trial running longer fails (default: a third of the budget, 10 s to 5 min)
  --no-ensemble          do not try a greedy ensemble of the best trials
  --warm-start ID        propose an earlier experiment's best configurations first
  --backend B            local (default: threads here) or redis (trials run by \`mllab worker\` processes)
  --redis URL            the Redis of --backend redis: redis://[user:password@]host:port or rediss:// (TLS);
                         the password may come from MLLAB_REDIS_PASSWORD instead
  --offer-host ADDR      with --backend redis: offer the dataset to workers on this address (default
                         127.0.0.1; workers elsewhere otherwise need the file at the same path)
  -h, --help             show this help

Progress goes to stderr, one line per finished trial. The last line on stdout is a JSON object with
experimentId, metric, bestScore (cross-validated), heldOutScore (on the test rows, null without them),
bestTrial and model (the saved best model, for mllab predict).
Exit codes: 0 done, 1 bad input or no trial finished, 2 usage error, 130 interrupted (resumable).
`;

const SWEEP_SPEC = {
  help: { takesValue: false },
  target: { takesValue: true },
  task: { takesValue: true },
  metric: { takesValue: true },
  budget: { takesValue: true },
  trials: { takesValue: true },
  search: { takesValue: true },
  seed: { takesValue: true },
  workspace: { takesValue: true },
  resume: { takesValue: true },
  models: { takesValue: true },
  folds: { takesValue: true },
  holdout: { takesValue: true },
  'test-fraction': { takesValue: true },
  parallel: { takesValue: true },
  pruner: { takesValue: true },
  'trial-timeout': { takesValue: true },
  'no-ensemble': { takesValue: false },
  'warm-start': { takesValue: true },
  backend: { takesValue: true },
  redis: { takesValue: true },
  'offer-host': { takesValue: true },
};

function positiveNumber(name: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new UsageError(`--${name} must be a positive ${integer ? 'whole number' : 'number'}, got "${text}"`);
  return v;
}

function oneOf<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${text}"`);
  return text as T;
}

/** Returns null when the user asked for help. */
export function parseSweepArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): SweepConfig | null {
  const { options, positionals } = parseOptions(argv, SWEEP_SPEC);
  if (options.has('help')) return null;
  const text = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const resume = text('resume');
  if (positionals.length > 1) throw new UsageError(`sweep takes one TRAIN.csv, got ${positionals.length}`);
  if (positionals.length === 0 && resume === undefined) throw new UsageError('sweep needs a TRAIN.csv');
  const target = text('target');
  if (target === undefined && resume === undefined) throw new UsageError('sweep needs --target COL');
  const config: SweepConfig = { dataset: positionals[0] ?? '', target: target ?? '' };
  const task = text('task');
  if (task !== undefined) config.task = oneOf<Task | 'auto'>('task', task, ['auto', 'binary', 'multiclass', 'regression']);
  const metric = text('metric');
  if (metric !== undefined) config.metric = metric;
  const budget = text('budget');
  if (budget !== undefined) config.budgetSeconds = positiveNumber('budget', budget, false);
  const trials = text('trials');
  if (trials !== undefined) config.maxTrials = positiveNumber('trials', trials, true);
  const search = text('search');
  if (search !== undefined) config.search = oneOf<SamplerName>('search', search, SAMPLER_NAMES);
  const seed = text('seed');
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed) || Number(seed) > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got "${seed}"`);
    config.seed = Number(seed);
  }
  const workspace = text('workspace');
  if (workspace !== undefined) config.workspace = workspace;
  if (resume !== undefined) config.resume = resume;
  const models = text('models');
  if (models !== undefined) config.models = models.split(',').map((m) => oneOf<ModelKind>('models', m.trim(), MODEL_KINDS));
  const folds = text('folds');
  if (folds !== undefined) config.folds = positiveNumber('folds', folds, true);
  const holdout = text('holdout');
  if (holdout !== undefined) {
    const v = Number(holdout);
    if (!(v > 0 && v < 1)) throw new UsageError(`--holdout must be a fraction between 0 and 1, got "${holdout}"`);
    if (folds !== undefined) throw new UsageError('give --folds or --holdout, not both');
    config.holdout = v;
  }
  const testFraction = text('test-fraction');
  if (testFraction !== undefined) {
    const v = Number(testFraction);
    if (testFraction.trim() === '' || !(v >= 0 && v < 1)) throw new UsageError(`--test-fraction must be a fraction from 0 (none) to below 1, got "${testFraction}"`);
    config.testFraction = v;
  }
  const parallel = text('parallel');
  if (parallel !== undefined) config.parallel = positiveNumber('parallel', parallel, true);
  const pruner = text('pruner');
  if (pruner !== undefined) config.pruner = oneOf<PrunerName>('pruner', pruner, PRUNER_NAMES);
  const timeout = text('trial-timeout');
  if (timeout !== undefined) config.trialTimeoutSeconds = positiveNumber('trial-timeout', timeout, false);
  if (options.has('no-ensemble')) config.ensemble = false;
  const warm = text('warm-start');
  if (warm !== undefined) config.warmStart = warm;
  const backend = text('backend');
  const redis = text('redis');
  if (backend !== undefined) config.backend = oneOf<SweepBackend>('backend', backend, ['local', 'redis']);
  if (config.backend === 'redis') {
    if (redis === undefined) throw new UsageError('--backend redis needs --redis URL');
    if (!/^rediss?:\/\//.test(redis)) throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${redis}"`);
    const password = env.MLLAB_REDIS_PASSWORD;
    const offerHost = text('offer-host');
    config.redis = { url: redis, ...(password ? { password } : {}), ...(offerHost ? { offerHost } : {}) };
  } else if (redis !== undefined || text('offer-host') !== undefined) {
    throw new UsageError(`--${redis !== undefined ? 'redis' : 'offer-host'} is for --backend redis`);
  }
  return config;
}

/** Says up front when no worker (or only workers of another protocol) would take the trials. */
async function checkFleet(redis: { url: string; password?: string }, io: CliIo): Promise<void> {
  const { listWorkers } = await import('../core/distributed/fleet.js');
  const { redactedUrl } = await import('../core/distributed/connection.js');
  const shown = redactedUrl(redis.url);
  let fleet;
  try {
    fleet = await listWorkers(redis.url, redis.password);
  } catch (e) {
    throw new UserError('BAD_ARGUMENT', `Redis at ${shown} is unreachable: ${e instanceof Error ? e.message : String(e)}`);
  }
  const compatible = fleet.filter((w) => w.protocol === DISTRIBUTED_PROTOCOL_VERSION);
  for (const w of fleet) if (w.protocol !== DISTRIBUTED_PROTOCOL_VERSION) io.stderr.write(`mllab: worker ${w.name} runs ML Lab ${w.version} (protocol ${w.protocol}): it will refuse this sweep's trials\n`);
  if (compatible.length === 0) io.stderr.write(`mllab: no worker is connected to ${shown} yet: trials wait in the queue until one joins (mllab worker --redis URL)\n`);
  else io.stderr.write(`${compatible.length} worker${compatible.length === 1 ? '' : 's'} on ${shown}: ${compatible.map((w) => w.name).join(', ')}\n`);
}

export async function runSweepCommand(argv: string[], io: CliIo): Promise<number> {
  const config = parseSweepArgs(argv, io.env);
  if (!config) {
    io.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (config.backend === 'redis' && config.redis) await checkFleet(config.redis, io);
  const printer = sweepProgressPrinter(io, config.metric);
  try {
    const result = await runSweep(config, { ...(io.signal ? { signal: io.signal } : {}), ...printer.hooks });
    const heldOut = result.heldOutRows > 0 ? `, held out (${result.heldOutRows} rows) ${score(result.heldOutScore)}` : '';
    io.stderr.write(`best: ${result.bestKind === 'ensemble' ? 'ensemble' : `trial ${result.bestTrial}`}, ${METRICS[result.metric].label} ${score(result.bestScore)} cross-validated${heldOut}; model ${result.modelPath}\n`);
    io.stdout.write(
      JSON.stringify({
        experimentId: result.experimentId,
        metric: result.metric,
        bestScore: result.bestScore,
        heldOutScore: result.heldOutScore,
        heldOutRows: result.heldOutRows,
        bestTrial: result.bestTrial,
        bestKind: result.bestKind,
        model: result.modelPath,
        report: result.reportPath,
        trials: result.trials.length,
        backend: result.backend,
      }) + '\n',
    );
    return 0;
  } catch (e) {
    const experimentId = printer.experimentId();
    if (isUserError(e) && e.code === 'CANCELLED' && experimentId !== null) {
      io.stderr.write(`mllab: sweep interrupted; experiment ${experimentId} is resumable: mllab sweep --resume ${experimentId}${config.workspace ? ` --workspace ${config.workspace}` : ''}\n`);
      return 130;
    }
    throw e;
  }
}
