// predict.mjs, the runnable entry of an exported model package: `node predict.mjs input.csv > predictions.csv`
// with nothing but Node ≥ 20. scripts/build.mjs bundles this file with everything it reaches (the CSV
// reader, the Recipe replay, every model family, TensorFlow.js) into dist/predict.mjs, and an export copies
// that file into the package beside model.json. It is `mllab predict model.json input.csv`: the same code
// reads, predicts and writes, so the output is the same byte for byte.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError, diskFullError } from '../core/errors.js';
import { parseOptions, UsageError } from '../cli/args.js';
import { runPredict } from '../cli/predictCommand.js';
import type { CliIo } from '../cli/profileCommand.js';

export const PACKAGE_PREDICT_HELP = `Usage: node predict.mjs INPUT.csv [--out PREDICTIONS.csv]

Predicts every row of INPUT.csv with the model in this folder (model.json). Columns are matched by name
(schema.json lists them); extra columns, the target among them, are ignored; a category the model never
saw is read as missing and reported on stderr.

  --out FILE   write the predictions here (default: stdout)
  -h, --help   show this help

Output: CSV in input row order with a "prediction" column, and for classification one "proba_<class>"
column per class. Exit codes: 0 done, 1 bad input, 2 usage error, 130 interrupted.
`;

const SPEC = { help: { takesValue: false }, out: { takesValue: true } };

/** Runs the package's prediction; `dir` is the package folder (where model.json is). Returns the exit code. */
export async function runPackagePredict(argv: string[], dir: string, io: CliIo): Promise<number> {
  try {
    const { options, positionals } = parseOptions(argv, SPEC);
    if (options.has('help')) {
      io.stdout.write(PACKAGE_PREDICT_HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`one INPUT.csv is needed, got ${positionals.length} arguments`);
    return await runPredict([join(dir, 'model.json'), ...argv], io);
  } catch (thrown) {
    const e = diskFullError(thrown) ?? thrown;
    if (e instanceof UsageError) {
      io.stderr.write(`predict.mjs: ${e.message}\nTry 'node predict.mjs --help'.\n`);
      return 2;
    }
    if (isUserError(e)) {
      io.stderr.write(e.code === 'CANCELLED' ? 'predict.mjs: cancelled\n' : `predict.mjs: ${e.message}\n`);
      return e.code === 'CANCELLED' ? 130 : 1;
    }
    const error = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`predict.mjs: unexpected error: ${error.message}${io.env.MLLAB_DEBUG ? `\n${error.stack ?? ''}` : ' (set MLLAB_DEBUG=1 for details)'}\n`);
    return 1;
  }
}

/** Run as a script (not imported by a test): the bundle's banner defines __filename from import.meta.url. */
function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === __filename;
  } catch {
    return false;
  }
}

if (isMain()) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  void runPackagePredict(process.argv.slice(2), __dirname, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then((code) => {
    process.exitCode = code;
  });
}
