// `mllab`: the same core jobs as the extension, headless, for pipelines and terminals.
// Exit codes: 0 done, 1 bad input or failure (one line on stderr), 2 usage error, 130 interrupted.
import { diskFullError, isUserError } from '../core/errors.js';
import { version } from '../../package.json';
import { UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';

interface Command {
  summary: string;
  /**
   * The command's module, loaded on use: the whole CLI is ~6 MB of JavaScript (TensorFlow.js, BullMQ), ~100 ms
   * to load, and `mllab profile` needs none of that (see scripts/build.mjs: one chunk per command).
   */
  load(): Promise<CommandModule>;
}

interface CommandModule {
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  profile: {
    summary: 'Profile a CSV/TSV file: types, missing values, distributions, warnings',
    load: async () => import('./profileCommand.js').then((m) => ({ help: m.PROFILE_HELP, run: m.runProfile })),
  },
  clean: {
    summary: 'Clean a CSV/TSV file with a saved Recipe or the default suggestions',
    load: async () => import('./cleanCommand.js').then((m) => ({ help: m.CLEAN_HELP, run: m.runClean })),
  },
  sweep: {
    summary: 'Find the best model for a target column within a budget (AutoML)',
    load: async () => import('./sweepCommand.js').then((m) => ({ help: m.SWEEP_HELP, run: m.runSweepCommand })),
  },
  predict: {
    summary: 'Predict the rows of a CSV with a saved model',
    load: async () => import('./predictCommand.js').then((m) => ({ help: m.PREDICT_HELP, run: m.runPredict })),
  },
  export: {
    summary: 'Export a model as a self-contained folder (node predict.mjs input.csv, no install)',
    load: async () => import('./exportCommand.js').then((m) => ({ help: m.EXPORT_HELP, run: m.runExport })),
  },
  experiments: {
    summary: 'List the experiments (sweeps) of a workspace',
    load: async () => import('./experimentsCommand.js').then((m) => ({ help: m.EXPERIMENTS_HELP, run: m.runExperiments })),
  },
  retrain: {
    summary: "Re-run an experiment's sweep on new data; promote the result only if it beats the current model",
    load: async () => import('./retrainCommand.js').then((m) => ({ help: m.RETRAIN_HELP, run: m.runRetrainCommand })),
  },
  serve: {
    summary: 'Serve a model over HTTP: POST /predict, /health, /schema, /metrics (Prometheus), logged predictions',
    load: async () => import('./serveCommand.js').then((m) => ({ help: m.SERVE_HELP, run: (argv: string[], io: CliIo) => m.runServe(argv, io) })),
  },
  drift: {
    summary: "Compare new data (a CSV or a served model's prediction log) with a model's training data: PSI, KS, chi-square",
    load: async () => import('./driftCommand.js').then((m) => ({ help: m.DRIFT_HELP, run: m.runDrift })),
  },
  worker: {
    summary: 'Join a fleet on Redis and run the trials of sweeps started with --backend redis',
    load: async () => import('./workerCommand.js').then((m) => ({ help: m.WORKER_HELP, run: m.runWorkerCommand })),
  },
};

function mainHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `mllab ${version} — ML Lab on the command line`,
    '',
    'Usage: mllab <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]?.summary ?? ''}`),
    '',
    'Options:',
    '  -h, --help     show help (also: mllab <command> --help)',
    '  --version      print the version',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      const command = topic === undefined ? undefined : COMMANDS[topic];
      io.stdout.write(command ? (await command.load()).help : mainHelp());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${version}\n`);
      return 0;
    }
    const command = COMMANDS[first];
    if (!command) throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`);
    return await (await command.load()).run(rest, io);
  } catch (thrown) {
    const e = diskFullError(thrown) ?? thrown;
    if (e instanceof UsageError) {
      io.stderr.write(`mllab: ${e.message}\nTry 'mllab ${first && COMMANDS[first] ? `${first} ` : ''}--help'.\n`);
      return 2;
    }
    if (isUserError(e)) {
      if (e.code === 'CANCELLED') {
        io.stderr.write('mllab: cancelled\n');
        return 130;
      }
      io.stderr.write(`mllab: ${e.message}\n`);
      return 1;
    }
    // A bug, not the user's fault: still one line, the stack only on request.
    const error = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`mllab: unexpected error: ${error.message}${io.env.MLLAB_DEBUG ? `\n${error.stack ?? ''}` : ' (set MLLAB_DEBUG=1 for details)'}\n`);
    return 1;
  }
}
