// `mllab experiments [--workspace DIR] [--json]`: the sweeps stored in DIR/.mllab/experiments, newest
// first. A sweep whose process died reads as interrupted (resumable with mllab sweep --resume ID).
import { resolve } from 'node:path';
import { ExperimentStore } from '../core/store/experiments.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';
import { safeText } from './terminalText.js';

export const EXPERIMENTS_HELP = `Usage: mllab experiments [--workspace DIR] [--json]

List the experiments (sweeps) stored in DIR/.mllab/experiments, newest first: status (running, done,
failed, interrupted), finished trials, metric and best score.

  --workspace DIR   folder holding .mllab (default: the current directory)
  --json            one JSON array; each item has id, status, trials, metric, bestScore, bestTrial,
                    task, dataset, target, created, finished, backend
  -h, --help        show this help
`;

const EXPERIMENTS_SPEC = {
  help: { takesValue: false },
  workspace: { takesValue: true },
  json: { takesValue: false },
};

export async function runExperiments(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseOptions(argv, EXPERIMENTS_SPEC);
  if (options.has('help')) {
    io.stdout.write(EXPERIMENTS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`experiments takes no arguments, got "${positionals[0]}"`);
  const workspace = options.get('workspace');
  const store = new ExperimentStore(resolve(typeof workspace === 'string' ? workspace : '.'));
  const list = await store.list();
  if (options.has('json')) {
    io.stdout.write(JSON.stringify(list) + '\n');
    return 0;
  }
  if (list.length === 0) {
    io.stdout.write(`No experiments in ${store.dir}.\n`);
    return 0;
  }
  const rows = list.map((e) => [e.id, e.status, String(e.trials), e.metric, e.bestScore === null ? '—' : e.bestScore.toPrecision(4), safeText(e.target, 30)]);
  const header = ['ID', 'STATUS', 'TRIALS', 'METRIC', 'BEST', 'TARGET'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => [...(r[j] ?? '')].length)));
  for (const r of [header, ...rows]) io.stdout.write(r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j] ?? 0))).join('  ') + '\n');
  return 0;
}
