// SMOTE: neighbours and synthetic points checked by hand on a tiny table, class counts after = the ratio,
// seeded (same seed, same rows), fitted from choices, and the same rows from the streaming apply, the
// in-memory reference and the exported Python and TypeScript programs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyRecipeToFile, readLayout } from '../../../src/core/clean/applyFile.js';
import { exportPython } from '../../../src/core/clean/exportPython.js';
import { exportTypeScript } from '../../../src/core/clean/exportTypeScript.js';
import { parseRecipe, recipeToJson } from '../../../src/core/clean/recipe.js';
import { applyRecipeInMemory, tableFromRecords, tableToCsv } from '../../../src/core/clean/reference.js';
import { fitRecipeForFile } from '../../../src/core/clean/sample.js';
import { nearestNeighbours } from '../../../src/core/clean/smote.js';
import { DEFAULT_SUGGESTION_OPTIONS, suggestCleaning } from '../../../src/core/clean/suggestions.js';
import { compileRecipe } from '../../../src/core/clean/steps.js';
import { readRecords } from '../../../src/core/csv/index.js';
import { isUserError } from '../../../src/core/errors.js';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { RECIPE_SCHEMA_VERSION } from '../../../src/protocol/recipe.js';
import type { Recipe, RecipeStep } from '../../../src/protocol/recipe.js';

const ROOT = resolve(__dirname, '..', '..', '..');
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-smote-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'arquero'), join(dir, 'node_modules', 'arquero'), 'dir');
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Minority "b": four points named b0..b3; majority "a": ten rows.
const B_POINTS: [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [10, 10],
];
// With k = 1, by hand (squared distances; ties to the earlier row):
// b0 -> b1 (1, tie with b2 at 1), b1 -> b0 (1 vs 2 and 181), b2 -> b0 (1), b3 -> b1 (181, tie with b2; b0 is 200).
const NEAREST_K1 = [1, 0, 0, 1];

function tinyCsv(): string {
  const lines = ['name,x,y,label'];
  B_POINTS.forEach(([x, y], i) => lines.push(`b${i},${x},${y},b`));
  for (let i = 0; i < 10; i++) lines.push(`a${i},${i},${-i},a`);
  return lines.join('\n') + '\n';
}

function recipe(step: Partial<Extract<RecipeStep, { op: 'smote' }>> = {}): Recipe {
  return {
    schemaVersion: RECIPE_SCHEMA_VERSION,
    source: { file: 'tiny.csv', rows: 14, columns: [] },
    missingTokens: [],
    steps: [{ op: 'smote', column: 'label', features: ['x', 'y'], classes: ['b'], ratio: 1, k: 1, seed: 7, ...step }],
  };
}

async function apply(name: string, csv: string, r: Recipe): Promise<string[][]> {
  const source = join(dir, `${name}.csv`);
  writeFileSync(source, csv);
  const out = join(dir, `${name}.out.csv`);
  await applyRecipeToFile(source, r, out, { force: true });
  return [...readRecords(out, readLayout(out).dialect, { includeHeader: true })];
}

test('nearest neighbours, by hand: squared Euclidean, itself excluded, ties to the earlier point', () => {
  B_POINTS.forEach((_, i) => assert.deepEqual(nearestNeighbours(B_POINTS, i, 1), [NEAREST_K1[i]]));
  assert.deepEqual(nearestNeighbours(B_POINTS, 3, 3), [1, 2, 0]);
  assert.deepEqual(nearestNeighbours(B_POINTS, 0, 2), [1, 2]);
});

test('nearest neighbours = a full sort by (distance, index), on a small grid full of ties', () => {
  let seed = 5;
  const r = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 5);
  const points = Array.from({ length: 60 }, () => [r(), r(), r()]);
  for (const k of [1, 3, 6, 59, 80]) {
    for (let i = 0; i < points.length; i += 7) {
      const d = (j: number): number => points[j]!.reduce((s, x, f) => s + (x - points[i]![f]!) ** 2, 0);
      const expected = points.map((_, j) => j).filter((j) => j !== i).sort((a, b) => d(a) - d(b) || a - b).slice(0, k);
      assert.deepEqual(nearestNeighbours(points, i, k), expected, `k ${k}, point ${i}`);
    }
  }
});

test('synthetic rows lie between their base row and its nearest neighbour, other columns copied from the base', async () => {
  const rows = await apply('tiny', tinyCsv(), recipe());
  assert.deepEqual(rows[0], ['name', 'x', 'y', 'label']);
  const data = rows.slice(1);
  assert.equal(data.length, 14 + 6, 'class b grows from 4 to 10 rows');
  assert.deepEqual(data.slice(0, 14).map((r) => r[0]), [...B_POINTS.map((_, i) => `b${i}`), ...Array.from({ length: 10 }, (_, i) => `a${i}`)], 'the data first, unchanged');
  for (const [name, xs, ys, label] of data.slice(14)) {
    assert.equal(label, 'b');
    const base = Number(name!.slice(1));
    const [x0, y0] = B_POINTS[base]!;
    const [x1, y1] = B_POINTS[NEAREST_K1[base]!]!;
    const x = Number(xs);
    const y = Number(ys);
    // The same fraction of the way on both features.
    const gap = x1 !== x0 ? (x - x0) / (x1 - x0) : (y - y0) / (y1 - y0);
    assert.ok(gap >= 0 && gap < 1, `${name}: gap ${gap}`);
    assert.ok(Math.abs(x - (x0 + gap * (x1 - x0))) < 1e-12 && Math.abs(y - (y0 + gap * (y1 - y0))) < 1e-12, `${name} (${x}, ${y}) is on the segment to b${NEAREST_K1[base]}`);
  }
});

test('class counts after = ratio x the largest class (rounded half up); a class already there is left alone', async () => {
  const count = (rows: string[][], c: string): number => rows.slice(1).filter((r) => r[3] === c).length;
  const half = await apply('half', tinyCsv(), recipe({ ratio: 0.5 }));
  assert.equal(count(half, 'b'), 5);
  assert.equal(count(half, 'a'), 10);
  const most = await apply('most', tinyCsv(), recipe({ ratio: 0.75 }));
  assert.equal(count(most, 'b'), 8, '7.5 rounds to 8');
  const none = await apply('none', tinyCsv(), recipe({ ratio: 0.4 }));
  assert.equal(none.length, 15, '4 rows already reach 0.4 x 10');
});

test('same seed, same rows; another seed, other rows', async () => {
  const a = await apply('s1', tinyCsv(), recipe({ k: 3 }));
  const b = await apply('s2', tinyCsv(), recipe({ k: 3 }));
  const c = await apply('s3', tinyCsv(), recipe({ k: 3, seed: 8 }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.slice(15), c.slice(15));
});

test('rows with a missing or non-numeric feature are neither base nor neighbour; fewer than 2 usable rows is a clear error', async () => {
  const csv = 'x,y,label\n0,0,b\n2,2,b\n,5,b\nq,1,b\n1,1,a\n2,2,a\n3,3,a\n4,4,a\n5,5,a\n6,6,a\n';
  const rows = await apply('holes', csv, recipe({ k: 5 }));
  for (const [x, y] of rows.slice(11)) assert.equal(Number(x), Number(y), 'on the segment from (0,0) to (2,2)');
  assert.equal(rows.length, 1 + 10 + 2);
  await assert.rejects(apply('one', 'x,label\n1,b\n,b\n1,a\n2,a\n3,a\n', { ...recipe(), steps: [{ op: 'smote', column: 'label', features: ['x'], classes: ['b'], ratio: 1, k: 5, seed: 1 }] }), (e) => isUserError(e) && /class "b" .* 1 row\(s\).*at least 2/.test(e.message));
});

test('SMOTE must be the last step, and its fields are checked when a Recipe is loaded', () => {
  const bad = (steps: unknown[]): string => recipeToJson({ ...recipe(), steps } as Recipe);
  const s = recipe().steps[0]!;
  assert.throws(() => parseRecipe(bad([s, { op: 'dropDuplicateRows' }])), /must be the last step/);
  assert.throws(() => parseRecipe(bad([{ ...s, ratio: 1.5 }])), /ratio/);
  assert.throws(() => parseRecipe(bad([{ ...s, k: 0 }])), /"k"/);
  assert.deepEqual(parseRecipe(recipeToJson(recipe())), recipe());
  assert.throws(() => compileRecipe([s, { op: 'dropDuplicateRows' }], ['name', 'x', 'y', 'label'], () => ({ add: () => true })), /must be the last step/);
  assert.throws(() => compileRecipe([{ ...s, features: ['x', 'label'] } as RecipeStep], ['name', 'x', 'y', 'label'], () => ({ add: () => true })), /cannot be one of its features/);
});

/** A bigger two-class table with a one-hot feature, fitted from choices. */
function mixedCsv(): string {
  const lines = ['id,size,weight,colour,label'];
  let s = 11;
  const r = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < 300; i++) {
    const minority = r() < 0.15;
    const size = (minority ? 5 : 0) + r() * 3;
    const weight = r() < 0.03 ? '' : ((minority ? -2 : 1) + r()).toFixed(4);
    lines.push(`${i},${size.toFixed(3)},${weight},${['red', 'green', 'blue'][Math.floor(r() * 3)]},${minority ? 'yes' : 'no'}`);
  }
  return lines.join('\n') + '\n';
}

test('fitted from choices: features are the numeric columns as earlier steps leave them; classes below the ratio', async () => {
  const source = join(dir, 'mixed.csv');
  writeFileSync(source, mixedCsv());
  const profile = await profileFile(source, { missingTokens: [], threads: 1 });
  const fitted = fitRecipeForFile(source, profile, [{ op: 'oneHot', column: 'colour' }, { op: 'smote', column: 'label', seed: 3 }], { missingTokens: [], sourceName: 'mixed.csv' });
  const step = fitted.steps[1]!;
  assert.equal(step.op, 'smote');
  if (step.op !== 'smote') return;
  assert.deepEqual([...step.features].sort(), ['colour_blue', 'colour_green', 'colour_red', 'id', 'size', 'weight']);
  assert.deepEqual(step.features.slice(0, 3), ['id', 'size', 'weight'], 'in column order');
  assert.deepEqual([step.classes, step.k, step.ratio, step.seed], [['yes'], 5, 1, 3]);
});

test('streaming apply = in-memory reference = exported Python = exported TypeScript, with SMOTE after one-hot', async () => {
  const source = join(dir, 'mixed.csv');
  writeFileSync(source, mixedCsv());
  const profile = await profileFile(source, { missingTokens: [], threads: 1 });
  const fitted = fitRecipeForFile(source, profile, [{ op: 'dropColumns', columns: ['id'], reason: 'ID' }, { op: 'oneHot', column: 'colour' }, { op: 'smote', column: 'label', k: 4, seed: 99 }], { missingTokens: [], sourceName: 'mixed.csv' });
  const ours = join(dir, 'mixed.mllab.csv');
  const report = await applyRecipeToFile(source, fitted, ours);
  const text = readFileSync(ours, 'utf8');
  const layout = readLayout(source);
  const records = [...readRecords(source, layout.dialect)];
  const reference = applyRecipeInMemory(fitted, tableFromRecords(layout.columns, records, []));
  assert.equal(tableToCsv(reference.table), text);
  const labels = text.trim().split('\n').slice(1).map((l) => l.split(',').at(-1));
  assert.equal(labels.filter((l) => l === 'yes').length, labels.filter((l) => l === 'no').length, 'balanced');
  assert.equal(report.rowsOut, labels.length);

  const ts = join(dir, 'mixed.ts');
  writeFileSync(ts, exportTypeScript(fitted, { dialect: layout.dialect }));
  const tsOut = join(dir, 'mixed.ts.csv');
  const t = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ts, source, tsOut], { encoding: 'utf8', cwd: dir });
  assert.equal(t.status, 0, t.stderr);
  assert.equal(readFileSync(tsOut, 'utf8'), text, 'same JavaScript arithmetic: identical text');

  const probe = spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { encoding: 'utf8' });
  if (probe.status !== 0) return;
  const py = join(dir, 'mixed.py');
  writeFileSync(py, exportPython(fitted, { dialect: layout.dialect }));
  const pyOut = join(dir, 'mixed.py.csv');
  const p = spawnSync('/usr/bin/python3', [py, source, pyOut], { encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  // Same draws and the same float operations in the same order: identical text.
  assert.equal(readFileSync(pyOut, 'utf8'), text);
});

test('a named target with a small class is offered SMOTE as an alternative to random oversampling', async () => {
  const source = join(dir, 'suggest.csv');
  writeFileSync(source, mixedCsv());
  const profile = await profileFile(source, { missingTokens: [], threads: 1 });
  const s = suggestCleaning(profile, { ...DEFAULT_SUGGESTION_OPTIONS, target: 'label' }).find((x) => x.choice.op === 'oversample');
  assert.ok(s?.alternatives.some((a) => a.choice?.op === 'smote' && a.choice.column === 'label'));
});
