// `mllab clean FILE (--recipe R.json | --auto) --out OUT.csv`: replays a saved Recipe, or fits the default
// suggestions on the file, and streams the file through it into a new CSV. Every output (cleaned CSV,
// Recipe, Python script) is checked before the long pass and written whole or not at all.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { diskFullError, UserError } from '../core/errors.js';
import { applyRecipeToFile, checkOutput, readLayout } from '../core/clean/applyFile.js';
import { exportPython } from '../core/clean/exportPython.js';
import { parseRecipe, recipeToJson } from '../core/clean/recipe.js';
import { fitRecipeForFile } from '../core/clean/sample.js';
import { defaultChoices, suggestCleaning } from '../core/clean/suggestions.js';
import { profileFile } from '../core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../protocol/profile.js';
import { formatCount } from '../protocol/profileFormat.js';
import type { ApplyReport, Recipe } from '../protocol/recipe.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';

export const CLEAN_HELP = `Usage: mllab clean FILE (--recipe R.json | --auto) --out OUT.csv [options]

Clean a CSV/TSV file into a new CSV, streaming (any size). The source is never modified.

  --recipe R.json        replay a saved Recipe (fitted steps) on FILE
  --auto                 profile FILE and apply the default suggestions (duplicates, empty/constant/ID
                         columns, numbers/booleans/dates kept as text, spaces, case variants, missing values)
  --out OUT.csv          where the cleaned CSV goes (required)
  --save-recipe R.json   also write the Recipe that was applied
  --export-python P.py   also write the Recipe as a pandas script (python3 P.py IN.csv OUT.csv)
  --force                replace existing output files
  --missing-tokens LIST  with --auto: comma-separated values read as missing (default: ${DEFAULT_MISSING_TOKENS.filter((t) => t !== '').join(',')})
  --delimiter CHAR       field delimiter of FILE, e.g. ";" or tab (default: detected)
  --json                 print the apply report as JSON
  -h, --help             show this help

The output is comma-separated UTF-8 with a header; missing values are written as empty fields.
Values a step was not fitted for (a new category, text in a number column) are counted and listed.
Exit codes: 0 done, 1 bad input, 2 usage error, 130 interrupted.
`;

export interface CleanArgs {
  file: string;
  recipe: string | null;
  auto: boolean;
  out: string;
  saveRecipe: string | null;
  exportPython: string | null;
  force: boolean;
  missingTokens: string[] | null;
  delimiter: string | null;
  json: boolean;
}

const CLEAN_SPEC = {
  help: { takesValue: false },
  recipe: { takesValue: true },
  auto: { takesValue: false },
  out: { takesValue: true },
  'save-recipe': { takesValue: true },
  'export-python': { takesValue: true },
  force: { takesValue: false },
  'missing-tokens': { takesValue: true },
  delimiter: { takesValue: true },
  json: { takesValue: false },
};

/** Returns null when the user asked for help. */
export function parseCleanArgs(argv: readonly string[]): CleanArgs | null {
  const { options, positionals } = parseOptions(argv, CLEAN_SPEC);
  if (options.has('help')) return null;
  if (positionals.length === 0) throw new UsageError('clean needs a FILE');
  if (positionals.length > 1) throw new UsageError(`clean takes one FILE, got ${positionals.length}`);
  const text = (name: string): string | null => {
    const v = options.get(name);
    return typeof v === 'string' ? v : null;
  };
  const recipe = text('recipe');
  const auto = options.has('auto');
  if (recipe === null && !auto) throw new UsageError('clean needs --recipe R.json or --auto');
  if (recipe !== null && auto) throw new UsageError('give --recipe or --auto, not both');
  const out = text('out');
  if (out === null) throw new UsageError('clean needs --out OUT.csv');
  const tokens = text('missing-tokens');
  if (tokens !== null && recipe !== null) throw new UsageError('--missing-tokens goes with --auto; a Recipe carries its own');
  const delimiterValue = text('delimiter');
  let delimiter: string | null = null;
  if (delimiterValue !== null) {
    delimiter = delimiterValue === '\\t' || delimiterValue.toLowerCase() === 'tab' ? '\t' : delimiterValue;
    if ([...delimiter].length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new UsageError(`--delimiter must be one character (or "tab"), got "${delimiterValue}"`);
    }
  }
  return {
    file: positionals[0] ?? '',
    recipe,
    auto,
    out,
    saveRecipe: text('save-recipe'),
    exportPython: text('export-python'),
    force: options.has('force'),
    missingTokens: tokens === null ? null : tokens.split(',').map((t) => t.trim()),
    delimiter,
    json: options.has('json'),
  };
}

function readRecipeFile(path: string): Recipe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UserError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', code === 'ENOENT' ? `Recipe ${path} does not exist.` : `Cannot read the Recipe ${path} (${code ?? (e as Error).message}).`);
  }
  return parseRecipe(text, basename(path));
}

/** Whole or nothing: a temp file beside the target, renamed over it. */
function writeWhole(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file was never created.
    }
    throw diskFullError(e, path) ?? new UserError('BAD_ARGUMENT', `Cannot write ${path} (${(e as { code?: string }).code ?? (e as Error).message}).`);
  }
}

function summary(report: ApplyReport, recipe: Recipe, out: string): string {
  const lines = [
    `Cleaned ${formatCount(report.rowsIn)} rows -> ${formatCount(report.rowsOut)} rows, ${report.columns.length} columns, ${recipe.steps.length} step${recipe.steps.length === 1 ? '' : 's'}: ${out}`,
  ];
  if (report.duplicateRowsDropped) lines.push(`  ${formatCount(report.duplicateRowsDropped)} duplicate row${report.duplicateRowsDropped === 1 ? '' : 's'} dropped`);
  if (report.rowsDroppedMissing) lines.push(`  ${formatCount(report.rowsDroppedMissing)} row${report.rowsDroppedMissing === 1 ? '' : 's'} dropped for missing values`);
  if (report.raggedRows) lines.push(`  ${report.raggedRows} row${report.raggedRows === 1 ? '' : 's'} had a different number of fields than the header: short ones padded with missing values, extra fields not written`);
  const { added, missing } = report.columnChanges;
  if (added.length) lines.push(`  column${added.length === 1 ? '' : 's'} not in the Recipe's source, passed through: ${added.join(', ')}`);
  if (missing.length) lines.push(`  column${missing.length === 1 ? '' : 's'} of the Recipe's source missing from this file: ${missing.join(', ')}`);
  for (const u of report.unknown) {
    lines.push(`  step ${u.step + 1} (${u.op}) ${u.column}: ${u.count} unknown value${u.count === 1 ? '' : 's'} ${u.policy}, e.g. ${u.examples.map((x) => JSON.stringify(x)).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

function checkExtraOutput(path: string, force: boolean, others: string[]): void {
  const full = resolve(path);
  if (others.some((o) => resolve(o) === full)) throw new UserError('BAD_ARGUMENT', `${path} is named for two outputs (or is the input).`);
  const folder = dirname(full);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot write ${path}: the folder ${folder} does not exist.`);
  const st = statSync(full, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot write ${path}: it is a folder.`);
  if (st && !force) throw new UserError('OUTPUT_EXISTS', `${path} already exists (use --force to replace it).`);
}

export async function runClean(argv: string[], io: CliIo): Promise<number> {
  const args = parseCleanArgs(argv);
  if (!args) {
    io.stdout.write(CLEAN_HELP);
    return 0;
  }
  const file = resolve(args.file);
  // Every output is checked before the pass: a typo in the last option must not cost a 2 GB run.
  checkOutput(args.out, file, args.force);
  if (args.saveRecipe) checkExtraOutput(args.saveRecipe, args.force, [args.out, file]);
  if (args.exportPython) checkExtraOutput(args.exportPython, args.force, [args.out, file, ...(args.saveRecipe ? [args.saveRecipe] : [])]);
  const layout = readLayout(file, args.delimiter ?? undefined);

  let recipe: Recipe;
  if (args.recipe !== null) recipe = readRecipeFile(args.recipe);
  else {
    const missingTokens = args.missingTokens ?? [...DEFAULT_MISSING_TOKENS];
    const profile = await profileFile(file, { missingTokens, threads: 0, ...(args.delimiter === null ? {} : { delimiter: args.delimiter }) }, io.signal ? { signal: io.signal } : {});
    recipe = fitRecipeForFile(file, profile, defaultChoices(suggestCleaning(profile)), {
      missingTokens,
      sourceName: basename(file),
      ...(args.delimiter === null ? {} : { delimiter: args.delimiter }),
    });
  }

  const report = await applyRecipeToFile(file, recipe, args.out, {
    force: args.force,
    ...(args.delimiter === null ? {} : { delimiter: args.delimiter }),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (args.saveRecipe) writeWhole(resolve(args.saveRecipe), recipeToJson(recipe));
  if (args.exportPython) writeWhole(resolve(args.exportPython), exportPython(recipe, { dialect: layout.dialect }));

  if (args.json) io.stdout.write(JSON.stringify(report) + '\n');
  else {
    io.stdout.write(summary(report, recipe, args.out));
    if (args.saveRecipe) io.stdout.write(`Recipe written to ${args.saveRecipe}\n`);
    if (args.exportPython) io.stdout.write(`Python script written to ${args.exportPython}\n`);
  }
  return 0;
}
