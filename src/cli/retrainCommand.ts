// `mllab retrain EXPERIMENT NEW.csv`: the experiment's sweep re-run on new data as its child, promoted only if
// it beats the current model on a holdout of the new data. Sweep progress on stderr (as `mllab sweep`); the
// verdict on stdout: one line, or with --json the RetrainOutcome.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { isUserError } from '../core/errors.js';
import { resolveModelPath } from '../core/deploy/modelPath.js';
import { retrain } from '../core/deploy/retrain.js';
import type { RetrainOptions } from '../core/deploy/retrain.js';
import { parseModelPackage } from '../core/ml/modelPackage.js';
import { ExperimentStore } from '../core/store/experiments.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';
import { sweepProgressPrinter } from './sweepProgress.js';

export const RETRAIN_HELP = `Usage: mllab retrain EXPERIMENT NEW.csv [options]

Re-run an experiment's sweep on new data as its child experiment, warm-started from the experiment's best
configurations. A share of the new rows is held out (seeded; stratified for classification) and both models
are scored on it with the sweep's metric: the retrained model is promoted only if it is strictly better.
The comparison is stored on the child's record either way. The parts of the new data are written to
.mllab/retrain/<name>/.

EXPERIMENT is an experiment id, a model JSON (models/best.json) or an exported model folder. NEW.csv must
have the columns the experiment trained on, the target among them.

  --combined        train on the experiment's training rows plus the new ones (default: the new rows alone)
  --holdout F       share of the new rows held out for the comparison (default 0.2)
  --budget SECONDS  wall time of the child's sweep (default: the experiment's)
  --trials N        stop the child's sweep after N trials (default: the experiment's)
  --parallel N      trials at once (default: the experiment's)
  --workspace DIR   folder holding .mllab (default: found from EXPERIMENT, else the current directory)
  --json            print the comparison as one JSON object on stdout
  -h, --help        show this help

Progress goes to stderr, one line per finished trial. Exit codes: 0 done (promoted or not: see "promoted"
in --json), 1 bad input or failure, 2 usage error, 130 interrupted (the child is resumable with
mllab sweep --resume ID).
`;

const RETRAIN_SPEC = {
  help: { takesValue: false },
  combined: { takesValue: false },
  holdout: { takesValue: true },
  budget: { takesValue: true },
  trials: { takesValue: true },
  parallel: { takesValue: true },
  workspace: { takesValue: true },
  json: { takesValue: false },
};

export interface RetrainArgs {
  experiment: string;
  newData: string;
  mode: 'new' | 'combined';
  holdoutFraction?: number;
  budgetSeconds?: number;
  maxTrials?: number;
  parallel?: number;
  workspace?: string;
  json: boolean;
}

function positive(name: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new UsageError(`--${name} must be a positive ${integer ? 'whole number' : 'number'}, got "${text}"`);
  return v;
}

/** Returns null when the user asked for help. */
export function parseRetrainArgs(argv: readonly string[]): RetrainArgs | null {
  const { options, positionals } = parseOptions(argv, RETRAIN_SPEC);
  if (options.has('help')) return null;
  if (positionals.length !== 2) throw new UsageError(`retrain needs EXPERIMENT and NEW.csv, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  const text = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const args: RetrainArgs = { experiment: positionals[0]!, newData: positionals[1]!, mode: options.has('combined') ? 'combined' : 'new', json: options.has('json') };
  const holdout = text('holdout');
  if (holdout !== undefined) {
    const v = Number(holdout);
    if (holdout.trim() === '' || !(v > 0 && v < 1)) throw new UsageError(`--holdout must be a fraction between 0 and 1, got "${holdout}"`);
    args.holdoutFraction = v;
  }
  const budget = text('budget');
  if (budget !== undefined) args.budgetSeconds = positive('budget', budget, false);
  const trials = text('trials');
  if (trials !== undefined) args.maxTrials = positive('trials', trials, true);
  const parallel = text('parallel');
  if (parallel !== undefined) args.parallel = positive('parallel', parallel, true);
  const workspace = text('workspace');
  if (workspace !== undefined) args.workspace = workspace;
  return args;
}

function isExperimentId(text: string): boolean {
  try {
    new ExperimentStore('/').path(text);
    return true;
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

/** The nearest folder from `cwd` upward whose .mllab holds experiment `id`; `cwd` itself when none does. */
async function workspaceOf(id: string, cwd: string): Promise<string> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (await isDir(join(dir, '.mllab', 'experiments', id))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

/** EXPERIMENT as the workspace and experiment id retrain needs. */
export async function resolveExperiment(arg: string, cwd: string, workspace: string | undefined): Promise<{ root: string; experimentId: string }> {
  if (isExperimentId(arg)) return { root: workspace ? resolve(workspace) : await workspaceOf(arg, cwd), experimentId: arg };
  const modelPath = await resolveModelPath(arg, cwd);
  const pkg = parseModelPackage(JSON.parse(await readFile(modelPath, 'utf8')) as unknown, modelPath);
  if (workspace) return { root: resolve(workspace), experimentId: pkg.experimentId };
  // <root>/.mllab/experiments/<id>/models/best.json names its workspace; an exported copy does not.
  const marker = `${sep}.mllab${sep}experiments${sep}${pkg.experimentId}${sep}`;
  const at = modelPath.lastIndexOf(marker);
  return { root: at > 0 ? modelPath.slice(0, at) : await workspaceOf(pkg.experimentId, cwd), experimentId: pkg.experimentId };
}

export async function runRetrainCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseRetrainArgs(argv);
  if (!args) {
    io.stdout.write(RETRAIN_HELP);
    return 0;
  }
  const cwd = process.cwd();
  const { root, experimentId } = await resolveExperiment(args.experiment, cwd, args.workspace);
  const printer = sweepProgressPrinter(io);
  const options: RetrainOptions = {
    root,
    experimentId,
    newData: resolve(cwd, args.newData),
    mode: args.mode,
    hooks: printer.hooks,
    ...(io.signal ? { signal: io.signal } : {}),
    ...(args.holdoutFraction !== undefined ? { holdoutFraction: args.holdoutFraction } : {}),
    ...(args.budgetSeconds !== undefined ? { budgetSeconds: args.budgetSeconds } : {}),
    ...(args.maxTrials !== undefined ? { maxTrials: args.maxTrials } : {}),
    ...(args.parallel !== undefined ? { parallel: args.parallel } : {}),
  };
  io.stderr.write(`retraining ${experimentId} on ${args.newData}${args.mode === 'combined' ? ' (with its training rows)' : ''}\n`);
  try {
    const outcome = await retrain(options);
    if (args.json) io.stdout.write(JSON.stringify(outcome) + '\n');
    else io.stdout.write(`${outcome.reason}\nchild experiment ${outcome.childExperiment}${outcome.promoted ? ' (promoted)' : ''}\n`);
    return 0;
  } catch (e) {
    const child = printer.experimentId();
    if (isUserError(e) && e.code === 'CANCELLED' && child !== null) {
      io.stderr.write(`mllab: retrain interrupted; experiment ${child} is resumable: mllab sweep --resume ${child} --workspace ${root}\n`);
      return 130;
    }
    throw e;
  }
}
