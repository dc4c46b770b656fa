// `mllab`: the same core jobs as the extension, headless, for pipelines and terminals.
// Exit codes: 0 done, 1 bad input or failure (one line on stderr), 2 usage error, 130 interrupted.
import { diskFullError, isUserError } from '../core/errors.js';
import { version } from '../../package.json';
import { UsageError } from './args.js';
import { PROFILE_HELP, runProfile } from './profileCommand.js';
import { CLEAN_HELP, runClean } from './cleanCommand.js';
import { SWEEP_HELP, runSweepCommand } from './sweepCommand.js';
import { PREDICT_HELP, runPredict } from './predictCommand.js';
import { EXPORT_HELP, runExport } from './exportCommand.js';
import { EXPERIMENTS_HELP, runExperiments } from './experimentsCommand.js';
import { RETRAIN_HELP, runRetrainCommand } from './retrainCommand.js';
import { SERVE_HELP, runServe } from './serveCommand.js';
import { DRIFT_HELP, runDrift } from './driftCommand.js';
import { WORKER_HELP, runWorkerCommand } from './workerCommand.js';
import type { CliIo } from './profileCommand.js';

interface Command {
  summary: string;
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

// Later subcommands (clean, sweep, predict, experiments, serve, drift) plug in here.
const COMMANDS: Record<string, Command> = {
  profile: { summary: 'Profile a CSV/TSV file: types, missing values, distributions, warnings', help: PROFILE_HELP, run: runProfile },
  clean: { summary: 'Clean a CSV/TSV file with a saved Recipe or the default suggestions', help: CLEAN_HELP, run: runClean },
  sweep: { summary: 'Find the best model for a target column within a budget (AutoML)', help: SWEEP_HELP, run: runSweepCommand },
  predict: { summary: 'Predict the rows of a CSV with a saved model', help: PREDICT_HELP, run: runPredict },
  export: { summary: 'Export a model as a self-contained folder (node predict.mjs input.csv, no install)', help: EXPORT_HELP, run: runExport },
  experiments: { summary: 'List the experiments (sweeps) of a workspace', help: EXPERIMENTS_HELP, run: runExperiments },
  retrain: { summary: "Re-run an experiment's sweep on new data; promote the result only if it beats the current model", help: RETRAIN_HELP, run: runRetrainCommand },
  serve: { summary: 'Serve a model over HTTP: POST /predict, /health, /schema, /metrics (Prometheus), logged predictions', help: SERVE_HELP, run: (argv, io) => runServe(argv, io) },
  drift: { summary: "Compare new data (a CSV or a served model's prediction log) with a model's training data: PSI, KS, chi-square", help: DRIFT_HELP, run: runDrift },
  worker: { summary: 'Join a fleet on Redis and run the trials of sweeps started with --backend redis', help: WORKER_HELP, run: runWorkerCommand },
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
      io.stdout.write(topic && COMMANDS[topic] ? COMMANDS[topic].help : mainHelp());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${version}\n`);
      return 0;
    }
    const command = COMMANDS[first];
    if (!command) throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`);
    return await command.run(rest, io);
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

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then((code) => {
    process.exitCode = code;
  });
}
