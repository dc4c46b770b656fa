// A bounded, reproducible sample of a file's rows for the fits the profile cannot answer (see fit.ts):
// reservoir sampling (Algorithm R) with a fixed-seed generator, so the same file gives the same Recipe.
import type { DatasetProfile } from '../../protocol/profile.js';
import type { Recipe, StepChoice } from '../../protocol/recipe.js';
import { trimCell } from './cells.js';
import type { Cell } from './cells.js';
import { fitRecipe, needsSample } from './fit.js';
import type { FitOptions, FitSample } from './fit.js';
import { dataRecords, readLayout } from './applyFile.js';
import { readCells } from './steps.js';
import { seededRandom } from './random.js';

export const DEFAULT_SAMPLE_ROWS = 50_000;
/** Wide files get fewer rows: the sample holds at most this many cells (about 100 MB of short strings). */
export const MAX_SAMPLE_CELLS = 2_000_000;

export function sampleFile(path: string, missingTokens: readonly string[], maxRows = DEFAULT_SAMPLE_ROWS, delimiter?: string): FitSample {
  const layout = readLayout(path, delimiter);
  const missing = new Set(['', ...missingTokens.map(trimCell)]);
  const width = layout.columns.length;
  maxRows = Math.min(maxRows, Math.max(100, Math.floor(MAX_SAMPLE_CELLS / Math.max(1, width))));
  const rows: Cell[][] = [];
  const next = seededRandom(0x5eed);
  let seen = 0;
  for (const fields of dataRecords(path, layout.dialect)) {
    seen++;
    if (rows.length < maxRows) rows.push(readCells(fields, width, missing));
    else {
      const j = Math.floor(next() * seen);
      if (j < maxRows) rows[j] = readCells(fields, width, missing);
    }
  }
  return { columns: layout.columns, rows, complete: seen <= maxRows };
}

/** Fits the choices, reading a sample of the file only when some fit needs one. */
export function fitRecipeForFile(path: string, profile: DatasetProfile, choices: readonly StepChoice[], options: FitOptions & { delimiter?: string; sampleRows?: number }): Recipe {
  const sample = needsSample(choices, profile) ? sampleFile(path, options.missingTokens, options.sampleRows, options.delimiter) : null;
  return fitRecipe(profile, choices, options, sample);
}
