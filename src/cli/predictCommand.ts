// `mllab predict MODEL TEST.csv [--out PRED.csv]`: the saved model's predictions for every row of a CSV, in
// input order: a `prediction` column, plus `proba_<class>` columns for classification. A target column in
// TEST.csv is ignored. The output file is written whole or not at all; without --out, CSV goes to stdout.
import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { predictFile } from '../core/ml/modelPackage.js';
import { nodeStoreFs, writeFileAtomic } from '../core/store/atomicFile.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';
import { safeText } from './terminalText.js';

export const PREDICT_HELP = `Usage: mllab predict MODEL TEST.csv [--out PRED.csv]

Predict every row of TEST.csv with a saved model (e.g. .mllab/experiments/<id>/models/best.json, the
"model" path mllab sweep prints). Columns are matched by name; extra columns, the target among them, are
ignored; a category the model never saw is read as missing.

  --out PRED.csv   write the predictions here (default: stdout)
  -h, --help       show this help

Output: CSV in input row order with a "prediction" column, and for classification one "proba_<class>"
column per class.
Exit codes: 0 done, 1 bad input, 2 usage error, 130 interrupted.
`;

const PREDICT_SPEC = {
  help: { takesValue: false },
  out: { takesValue: true },
};

export function csvField(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isNaN(value) ? '' : String(value)) : value;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function runPredict(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseOptions(argv, PREDICT_SPEC);
  if (options.has('help')) {
    io.stdout.write(PREDICT_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`predict needs MODEL and TEST.csv, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  const [model, test] = positionals as [string, string];
  const out = options.get('out');
  if (out === true) throw new UsageError('--out needs a value');
  const predictions = await predictFile(resolve(model), resolve(test), io.signal ? { signal: io.signal } : {});
  for (const u of predictions.unknownCategories) {
    io.stderr.write(`mllab: ${safeText(u.name, 60)}: ${u.cells} value${u.cells === 1 ? '' : 's'} the model never saw (read as missing), e.g. ${u.examples.map((e) => JSON.stringify(safeText(e, 30))).join(', ')}\n`);
  }
  const lines = [predictions.header.map(csvField).join(','), ...predictions.rows.map((r) => r.map(csvField).join(','))];
  const text = lines.join('\n') + '\n';
  if (out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  const path = resolve(out);
  try {
    await writeFileAtomic(nodeStoreFs, path, text);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new UserError('BAD_ARGUMENT', `cannot write ${path}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
  io.stderr.write(`${predictions.rows.length} predictions written to ${out}\n`);
  return 0;
}
