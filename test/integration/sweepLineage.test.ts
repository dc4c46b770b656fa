// A model trained on a cleaned dataset version takes the source's raw rows: `mllab predict` replays the
// version's Recipe (its row-by-row steps) before the model sees them. Checked end to end through the built
// CLI: predictions on the raw file equal predictions on the cleaned file by the same model without its
// lineage, and differ from feeding the raw rows in unreplayed (so the Recipe really ran).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFile, repoRoot } from './builtFiles.js';
import { DatasetVersions } from '../../src/core/store/datasetVersions.js';
import { hashFile } from '../../src/core/store/profileCache.js';
import { nodeStoreFs } from '../../src/core/store/atomicFile.js';
import { DATASET_VERSION_SCHEMA_VERSION } from '../../src/protocol/datasetVersion.js';
import { parseRecipe } from '../../src/core/clean/recipe.js';

let cli: string;
let work: string;

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8' });
  assert.equal(r.status, 0, `mllab ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

before(() => {
  cli = builtFile('cli.js');
  work = mkdtempSync(join(tmpdir(), 'mllab-lineage-'));
  const rows = JSON.parse(readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
  const columns = Object.keys(rows[0]!);
  writeFileSync(join(work, 'penguins.csv'), [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n') + '\n');
});
after(() => rmSync(work, { recursive: true, force: true }));

test('predict replays a cleaned version’s Recipe on raw rows, skipping training-only and target steps', async () => {
  run(['clean', 'penguins.csv', '--auto', '--out', 'auto.csv', '--save-recipe', 'auto.recipe.json']);
  const recipe = parseRecipe(readFileSync(join(work, 'auto.recipe.json'), 'utf8'));
  // A scale step moves Body Mass far from its raw range; dedupe and a step on the target must not run at predict time.
  recipe.steps.unshift({ op: 'dropDuplicateRows' });
  recipe.steps.push({ op: 'scale', column: 'Body Mass (g)', method: 'standard', center: 4200, scale: 800, onUnknown: 'missing' });
  recipe.steps.push({ op: 'unifyCase', column: 'Species', mapping: { Adelie: 'adelie', Chinstrap: 'chinstrap', Gentoo: 'gentoo' } });
  writeFileSync(join(work, 'recipe.json'), JSON.stringify(recipe));
  run(['clean', 'penguins.csv', '--recipe', 'recipe.json', '--out', 'penguins.clean.csv']);

  const hash = await hashFile(nodeStoreFs, join(work, 'penguins.clean.csv'));
  await new DatasetVersions(join(work, '.mllab')).save({
    schemaVersion: DATASET_VERSION_SCHEMA_VERSION,
    hash,
    path: 'penguins.clean.csv',
    name: 'penguins.clean.csv',
    parent: { hash: 'f'.repeat(64), path: 'penguins.csv' },
    recipe,
    report: null,
    rows: 344,
    createdAt: new Date().toISOString(),
  });

  const out = run(['sweep', 'penguins.clean.csv', '--target', 'Species', '--models', 'gbdt', '--trials', '2', '--folds', '2', '--no-ensemble', '--workspace', work]);
  const modelPath = (JSON.parse(out.trim().split('\n').at(-1)!) as { model: string }).model;
  const pkg = JSON.parse(readFileSync(modelPath, 'utf8')) as { lineage?: { recipe: { steps: unknown[] } }; target: { classes: string[] } };
  assert.ok(pkg.lineage, 'the model records the version’s Recipe');
  assert.deepEqual(pkg.target.classes, ['adelie', 'chinstrap', 'gentoo']);

  const { lineage: _dropped, ...bare } = pkg;
  writeFileSync(join(work, 'bare.json'), JSON.stringify(bare));
  const fromRaw = run(['predict', modelPath, 'penguins.csv']);
  const fromCleaned = run(['predict', 'bare.json', 'penguins.clean.csv']);
  const rawUnreplayed = run(['predict', 'bare.json', 'penguins.csv']);
  assert.equal(fromRaw.trim().split('\n').length, 345, 'one prediction per raw row (dedupe is training-only)');
  assert.equal(fromRaw, fromCleaned);
  assert.notEqual(fromRaw, rawUnreplayed, 'the scale step changes what the model sees');
});
