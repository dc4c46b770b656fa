// The preview behind the editor's Suggestions section: the Recipe run over a sample of rows in memory, the
// before/after statistics of the columns it touches and the first cleaned rows. Nothing is written.
import type { DatasetProfile } from '../../protocol/profile.js';
import type { PreviewColumnStats, Recipe, RecipePreview, StepChoice } from '../../protocol/recipe.js';
import { formatCell } from './cells.js';
import type { Cell } from './cells.js';
import { fitRecipe, statsFromCells } from './fit.js';
import type { FitOptions, FitSample } from './fit.js';
import { sampleFile } from './sample.js';
import { RowHashSet } from './rowHashes.js';
import { compileRecipe } from './steps.js';

function columnStats(name: string, cells: readonly Cell[]): PreviewColumnStats {
  const s = statsFromCells(cells, true);
  const missing = cells.length - s.count;
  return { name, count: s.count, missing, mean: s.numeric ? s.mean : null, std: s.numeric ? s.std : null, min: s.numeric ? s.min : null, max: s.numeric ? s.max : null, distinct: s.distinct, top: s.top.slice(0, 5) };
}

function touchedColumns(recipe: Recipe): Set<string> {
  const out = new Set<string>();
  for (const s of recipe.steps) {
    if ('column' in s) out.add(s.column);
    if ('columns' in s) for (const c of s.columns) out.add(c);
  }
  return out;
}

export function previewRecipe(recipe: Recipe, sample: FitSample, maxRows = 20): RecipePreview {
  const compiled = compileRecipe(recipe.steps, sample.columns, () => new RowHashSet());
  const out: Cell[][] = [];
  sample.rows.forEach((r, i) => {
    const row = compiled.run([...r], i + 1);
    if (row) for (let n = compiled.copies(); n > 0; n--) out.push(row);
  });
  out.push(...compiled.finish());
  const report = compiled.report(sample.rows.length, out.length);
  const touched = touchedColumns(recipe);
  const names = [...new Set([...sample.columns.filter((c) => touched.has(c) || !compiled.columns.includes(c)), ...compiled.columns.filter((c) => touched.has(c) || !sample.columns.includes(c))])];
  const affected = names.map((name) => {
    const b = sample.columns.indexOf(name);
    const a = compiled.columns.indexOf(name);
    return {
      name,
      before: b < 0 ? null : columnStats(name, sample.rows.map((r) => r[b]!)),
      after: a < 0 ? null : columnStats(name, out.map((r) => r[a]!)),
    };
  });
  return {
    sampleRows: sample.rows.length,
    complete: sample.complete,
    affected,
    columns: compiled.columns,
    rows: out.slice(0, maxRows).map((r) => r.map(formatCell)),
    report,
  };
}

/**
 * The worker's preview job: fits the chosen steps (profile, plus the sample where needed) and runs them
 * over a bounded sample of the file. Returns the fitted Recipe too, so Apply can use exactly what was shown.
 */
export function previewChoicesForFile(
  path: string,
  profile: DatasetProfile,
  choices: readonly StepChoice[],
  options: FitOptions & { delimiter?: string; sampleRows?: number; previewRows?: number },
): { recipe: Recipe; preview: RecipePreview } {
  const sample = sampleFile(path, options.missingTokens, options.sampleRows ?? 10_000, options.delimiter);
  const recipe = fitRecipe(profile, choices, options, sample);
  return { recipe, preview: previewRecipe(recipe, sample, options.previewRows) };
}
