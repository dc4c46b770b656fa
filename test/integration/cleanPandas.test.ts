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
import { profileFile } from '../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../../src/protocol/profile.js';
import type { Recipe, StepChoice } from '../../src/protocol/recipe.js';
import { messyCsv } from '../fixtures/clean/messyData.js';
import { EVERYTHING, differences, readCsv } from '../fixtures/clean/outputComparison.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import pandas, numpy; print(pandas.__version__)'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with pandas and numpy (apt-get install python3-pandas)`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-clean-py-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

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
