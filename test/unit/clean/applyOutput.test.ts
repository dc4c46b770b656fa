// The apply's output buffer: lines longer than the buffer, multi-byte text across buffer boundaries, and
// every row written once and in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRecipeToFile } from '../../../src/core/clean/applyFile.js';
import { RECIPE_SCHEMA_VERSION } from '../../../src/protocol/recipe.js';
import type { Recipe } from '../../../src/protocol/recipe.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-apply-out-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'x.csv', rows: 0, columns: [] }, missingTokens: [], steps: [{ op: 'trimWhitespace', columns: ['text'] }] };

test('a 2 MB field and 30,000 rows of multi-byte text come out exactly as written (minus the trimmed spaces)', async () => {
  const long = 'é'.repeat(1_000_000) + 'z';
  const lines = ['n,text', `0,${long}`];
  for (let i = 1; i <= 30_000; i++) lines.push(`${i}, ${'日本語'.repeat(i % 7)}€${i} `);
  const source = join(dir, 'in.csv');
  writeFileSync(source, lines.join('\n') + '\n');
  const out = join(dir, 'out.csv');
  const report = await applyRecipeToFile(source, recipe, out);
  assert.equal(report.rowsOut, 30_001);
  const expected = ['n,text', `0,${long}`];
  for (let i = 1; i <= 30_000; i++) expected.push(`${i},${'日本語'.repeat(i % 7)}€${i}`);
  assert.equal(readFileSync(out, 'utf8'), expected.join('\n') + '\n');
});
