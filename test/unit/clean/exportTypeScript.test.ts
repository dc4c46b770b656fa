// The exported arquero program against ML Lab's own apply on the same messy data and Recipe (every op):
// run with tsx in a child process, same columns, same rows, text identical, numbers within 1e-9 relative,
// same unknown counts per step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyRecipeToFile, readLayout } from '../../../src/core/clean/applyFile.js';
import { exportTypeScript } from '../../../src/core/clean/exportTypeScript.js';
import { fitRecipeForFile } from '../../../src/core/clean/sample.js';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../../../src/protocol/profile.js';
import { RECIPE_SCHEMA_VERSION } from '../../../src/protocol/recipe.js';
import type { ApplyReport, Recipe, StepChoice } from '../../../src/protocol/recipe.js';
import { messyCsv } from '../../fixtures/clean/messyData.js';
import { EVERYTHING, differences, readCsv } from '../../fixtures/clean/outputComparison.js';

const ROOT = resolve(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-clean-ts-'));
  // The program imports 'arquero': resolve it from the repository's node_modules.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'arquero'), join(dir, 'node_modules', 'arquero'), 'dir');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function runProgram(name: string, recipe: Recipe, source: string): { status: number | null; stderr: string; out: string } {
  const program = join(dir, `${name}.ts`);
  writeFileSync(program, exportTypeScript(recipe, { dialect: readLayout(source).dialect }));
  const out = join(dir, `${name}.arquero.csv`);
  const r = spawnSync(process.execPath, [TSX, program, source, out], { encoding: 'utf8', timeout: 120_000, cwd: dir });
  return { status: r.status, stderr: r.stderr, out };
}

async function compare(name: string, source: string, choices: StepChoice[]): Promise<{ stderr: string; report: ApplyReport }> {
  const profile = await profileFile(source, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  const recipe = fitRecipeForFile(source, profile, choices, { missingTokens: [...DEFAULT_MISSING_TOKENS], sourceName: `${name}.csv`, sampleRows: 1500 });
  const ours = join(dir, `${name}.mllab.csv`);
  const report = await applyRecipeToFile(source, recipe, ours);
  const run = runProgram(name, recipe, source);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(differences(readCsv(ours), readCsv(run.out)), []);
  return { stderr: run.stderr, report };
}

function unknownLines(stderr: string): string[] {
  return [...stderr.matchAll(/^step (\d+) \((\w+)\) (.*?): (\d+) unknown/gm)].map((m) => `${Number(m[1]) - 1} ${m[2]} ${m[3]} ${m[4]}`);
}

test('arquero program = ML Lab on 3000 messy rows, every op, unknown counts alike', async () => {
  const source = join(dir, 'messy.csv');
  writeFileSync(source, messyCsv(3000));
  const { stderr, report } = await compare('messy', source, EVERYTHING);
  const ours = report.unknown.map((u) => `${u.step} ${u.op} ${u.column} ${u.count}`);
  assert.ok(ours.length >= 2, `some unknowns to compare: ${ours.join('; ')}`);
  assert.deepEqual(unknownLines(stderr), ours);
  assert.ok(report.rowsOut > report.rowsIn * 0.9, 'the oversample step wrote rows');
});

test('arquero program = ML Lab on test/fixtures/clean/messy.csv (currency, case variants, constant column)', async () => {
  const source = join(ROOT, 'test', 'fixtures', 'clean', 'messy.csv');
  await compare('fixture', source, [
    { op: 'dropColumns', columns: ['const'], reason: 'constant' },
    { op: 'parseNumbers', column: 'price' },
    { op: 'trimWhitespace', columns: ['city'] },
    { op: 'unifyCase', column: 'city' },
    { op: 'impute', column: 'income', strategy: 'mean', indicator: true },
    { op: 'parseBooleans', column: 'active' },
    { op: 'dateFeatures', column: 'joined', dropColumn: true },
    { op: 'oneHot', column: 'city' },
    { op: 'scale', column: 'price', method: 'minMax' },
  ]);
});

test('arquero program reads the dialect it was given: semicolons, no header, CRLF, quoted line breaks, blank lines', async () => {
  const source = join(dir, 'semi.csv');
  writeFileSync(source, '1;x;"a\r\nb"\r\n\r\n2;;"say ""hi"""\r\n3;y;plain\r\n3;y;plain\r\n4;z;\r\n');
  await compare('semi', source, [
    { op: 'dropDuplicateRows' },
    { op: 'impute', column: 'column_2', strategy: 'mode', indicator: true },
    { op: 'ordinal', column: 'column_2' },
  ]);
});

test('an unknown value under the "error" policy stops the program with one line and writes nothing', () => {
  const source = join(dir, 'bad.csv');
  writeFileSync(source, 'a,b\n1,x\nten,y\n');
  const recipe: Recipe = {
    schemaVersion: RECIPE_SCHEMA_VERSION,
    source: { file: 'bad.csv', rows: 2, columns: [] },
    missingTokens: [],
    steps: [{ op: 'scale', column: 'a', method: 'standard', center: 1, scale: 2, onUnknown: 'error' }],
  };
  const run = runProgram('bad', recipe, source);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /column "a": "ten" is not a number \(step 1, scale/);
  assert.equal(existsSync(run.out), false);
});

test('hand-checked: standard scaling and a one-hot on three rows', () => {
  const source = join(dir, 'hand.csv');
  writeFileSync(source, 'x,c\n1,p\n3,q\n,r\n');
  const recipe: Recipe = {
    schemaVersion: RECIPE_SCHEMA_VERSION,
    source: { file: 'hand.csv', rows: 3, columns: [] },
    missingTokens: [],
    steps: [
      { op: 'scale', column: 'x', method: 'standard', center: 2, scale: 4, onUnknown: 'missing' },
      { op: 'oneHot', column: 'c', categories: ['p', 'q'], otherColumn: false, onUnknown: 'missing' },
    ],
  };
  const run = runProgram('hand', recipe, source);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readFileSync(run.out, 'utf8'), 'x,c_p,c_q\n-0.25,1,0\n0.25,0,1\n,0,0\n');
  assert.match(run.stderr, /step 2 \(oneHot\) c: 1 unknown value\(s\) made missing, e\.g\. \["r"\]/);
});

test('a missing input file is one clear line', () => {
  const source = join(dir, 'hand.csv');
  writeFileSync(source, 'x\n1\n');
  const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'hand.csv', rows: 1, columns: [] }, missingTokens: [], steps: [] };
  const program = join(dir, 'nofile.ts');
  writeFileSync(program, exportTypeScript(recipe, { dialect: readLayout(source).dialect }));
  const r = spawnSync(process.execPath, [TSX, program, join(dir, 'nope.csv'), join(dir, 'nofile.out.csv')], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^clean: cannot read .*nope\.csv: ENOENT\n$/);
});

test('the exported program type-checks under strict TypeScript (every op, SMOTE included)', async () => {
  const source = join(dir, 'typed.csv');
  writeFileSync(source, messyCsv(400));
  const profile = await profileFile(source, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  const choices: StepChoice[] = [...EVERYTHING.slice(0, -1), { op: 'smote', column: 'active', k: 3 }];
  const recipe = fitRecipeForFile(source, profile, choices, { missingTokens: [...DEFAULT_MISSING_TOKENS], sourceName: 'typed.csv' });
  const program = join(dir, 'typed.ts');
  writeFileSync(program, exportTypeScript(recipe, { dialect: readLayout(source).dialect }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const flags = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types')];
  const r = spawnSync(process.execPath, [tsc, ...flags, program], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
