// The exported pandas script against ML Lab's own apply on the same messy data and Recipe (every op):
// same columns, same rows, text cells identical, numbers within 1e-9 relative. Needs /usr/bin/python3 with
// pandas and numpy (Debian python3-pandas); skipped, visibly, without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRecipeToFile, readLayout } from '../../src/core/clean/applyFile.js';
import { exportPython } from '../../src/core/clean/exportPython.js';
import { fitRecipeForFile } from '../../src/core/clean/sample.js';
import { readRecords } from '../../src/core/csv/index.js';
import { profileFile } from '../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../../src/protocol/profile.js';
import type { Recipe, StepChoice } from '../../src/protocol/recipe.js';
import { messyCsv } from '../fixtures/clean/messyData.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import pandas, numpy; print(pandas.__version__)'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with pandas and numpy (apt-get install python3-pandas)`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-clean-py-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const EVERYTHING: StepChoice[] = [
  { op: 'dropDuplicateRows' },
  { op: 'parseNumbers', column: 'price' },
  { op: 'dateFeatures', column: 'joined', dropColumn: false },
  { op: 'parseBooleans', column: 'active' },
  { op: 'trimWhitespace', columns: ['city', 'note'] },
  { op: 'unifyCase', column: 'city' },
  { op: 'groupRare', column: 'city', minShare: 0.1 },
  { op: 'impute', column: 'income', strategy: 'median', indicator: true },
  { op: 'impute', column: 'price', strategy: 'mean', indicator: false },
  { op: 'impute', column: 'note', strategy: 'constant', indicator: true, constant: 'none' },
  { op: 'flagOutliers', column: 'income' },
  { op: 'clip', column: 'income', method: 'iqr' },
  { op: 'clip', column: 'price', method: 'percentile', percentile: 5 },
  { op: 'yeoJohnson', column: 'score' },
  { op: 'log1p', column: 'price' },
  { op: 'scale', column: 'income', method: 'robust' },
  { op: 'scale', column: 'score', method: 'standard' },
  { op: 'scale', column: 'id', method: 'minMax' },
  { op: 'oneHot', column: 'city', maxCategories: 3 },
  { op: 'frequency', column: 'note' },
  { op: 'ordinal', column: 'active' },
  { op: 'dropRowsMissing', columns: ['joined_year'] },
  { op: 'oversample', column: 'city_other', ratio: 1, seed: 12345 },
];

function readCsv(path: string): string[][] {
  return [...readRecords(path, readLayout(path).dialect, { includeHeader: true })];
}

/** Cell-by-cell: equal text, or two numbers within 1e-9 relative. Returns the first few differences. */
function differences(ours: string[][], theirs: string[][]): string[] {
  const out: string[] = [];
  if (ours.length !== theirs.length) out.push(`rows: ${ours.length} vs ${theirs.length}`);
  for (let i = 0; i < Math.min(ours.length, theirs.length) && out.length < 10; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (a.length !== b.length) out.push(`line ${i + 1}: ${a.length} vs ${b.length} fields`);
    for (let j = 0; j < a.length && out.length < 10; j++) {
      const x = a[j]!;
      const y = b[j] ?? '<none>';
      if (x === y) continue;
      const nx = Number(x);
      const ny = Number(y);
      const close = x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) && Math.abs(nx - ny) <= 1e-9 * Math.max(Math.abs(nx), Math.abs(ny));
      if (!close) out.push(`line ${i + 1}, ${ours[0]![j]}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    }
  }
  return out;
}

async function compare(name: string, csv: string, choices: StepChoice[]): Promise<{ recipe: Recipe; stderr: string; report: Awaited<ReturnType<typeof applyRecipeToFile>> }> {
  const source = join(dir, `${name}.csv`);
  writeFileSync(source, csv);
  const profile = await profileFile(source, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  const recipe = fitRecipeForFile(source, profile, choices, { missingTokens: [...DEFAULT_MISSING_TOKENS], sourceName: `${name}.csv`, sampleRows: 1500 });
  const ours = join(dir, `${name}.mllab.csv`);
  const report = await applyRecipeToFile(source, recipe, ours);
  const script = join(dir, `${name}.py`);
  writeFileSync(script, exportPython(recipe, { dialect: readLayout(source).dialect }));
  const theirs = join(dir, `${name}.pandas.csv`);
  const py = spawnSync(PYTHON, [script, source, theirs], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(py.status, 0, py.stderr);
  assert.deepEqual(differences(readCsv(ours), readCsv(theirs)), []);
  return { recipe, stderr: py.stderr, report };
}

test('pandas script = ML Lab on 3000 messy rows, every op, unknown counts alike', { skip }, async () => {
  const { stderr, report } = await compare('messy', messyCsv(3000), EVERYTHING);
  // The script reports the same unknown counts per step.
  const theirs = [...stderr.matchAll(/^step (\d+) \((\w+)\) (.*?): (\d+) unknown/gm)].map((m) => `${Number(m[1]) - 1} ${m[2]} ${m[3]} ${m[4]}`);
  const ours = report.unknown.map((u) => `${u.step} ${u.op} ${u.column} ${u.count}`);
  assert.ok(ours.length >= 2, `some unknowns to compare: ${ours.join('; ')}`);
  assert.deepEqual(theirs, ours);
});

test('pandas script = ML Lab with ordinary suggestions on test/fixtures/clean/messy.csv-like data', { skip }, async () => {
  const csv = 'a,b,c\n1,x,2021-01-02\n2,,2021-01-03\n2,,2021-01-03\nNA,"q,r",\n';
  await compare('tiny', csv, [
    { op: 'dropDuplicateRows' },
    { op: 'impute', column: 'a', strategy: 'mean', indicator: true },
    { op: 'impute', column: 'b', strategy: 'mode', indicator: false },
    { op: 'dateFeatures', column: 'c' },
  ]);
});
