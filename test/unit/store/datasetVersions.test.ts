import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetVersions } from '../../../src/core/store/datasetVersions.js';
import { nodeStoreFs } from '../../../src/core/store/atomicFile.js';
import type { StoreFs } from '../../../src/core/store/atomicFile.js';
import { parseRecipe } from '../../../src/core/clean/recipe.js';
import type { DatasetVersion } from '../../../src/protocol/datasetVersion.js';
import type { Recipe } from '../../../src/protocol/recipe.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const PARENT = 'c'.repeat(64);

let root: string;
let mllab: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-versions-'));
  mllab = join(root, '.mllab');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const recipe: Recipe = {
  schemaVersion: 1,
  source: { file: 'loans.csv', rows: 3, columns: [{ name: 'income', type: 'numeric' }] },
  missingTokens: ['NA'],
  steps: [{ op: 'impute', column: 'income', strategy: 'median', value: 42, indicator: false, onUnknown: 'missing' }],
};

function version(hash: string, createdAt: string, extra: Partial<DatasetVersion> = {}): DatasetVersion {
  return {
    schemaVersion: 1,
    hash,
    path: 'data/loans.clean.csv',
    name: 'loans.clean.csv',
    parent: { hash: PARENT, path: 'data/loans.csv' },
    recipe,
    report: null,
    rows: 3,
    createdAt,
    ...extra,
  };
}

test('save then get: the record comes back as written, and the Recipe is saved beside it as a replayable file', async () => {
  const store = new DatasetVersions(mllab);
  const v = version(HASH_A, '2026-01-01T00:00:00.000Z');
  await store.save(v);
  assert.deepEqual(await store.get(HASH_A), v);
  assert.deepEqual(readdirSync(join(mllab, 'datasets')).sort(), [`${HASH_A}.json`, `${HASH_A}.recipe.json`]);
  const replay = parseRecipe(readFileSync(join(mllab, 'datasets', `${HASH_A}.recipe.json`), 'utf8'));
  assert.deepEqual(replay.steps, recipe.steps);
  const onDisk = JSON.parse(readFileSync(join(mllab, 'datasets', `${HASH_A}.json`), 'utf8')) as DatasetVersion;
  assert.deepEqual(onDisk.parent, { hash: PARENT, path: 'data/loans.csv' });
});

test('a source dataset (no parent, no Recipe) writes no Recipe file', async () => {
  const store = new DatasetVersions(mllab);
  await store.save(version(HASH_A, '2026-01-01T00:00:00.000Z', { parent: null, recipe: null }));
  assert.deepEqual(readdirSync(join(mllab, 'datasets')), [`${HASH_A}.json`]);
  assert.equal((await store.get(HASH_A))?.parent, null);
});

test('get: unknown hash, a hash that is not one, broken JSON and another schema version are all "no version"', async () => {
  const store = new DatasetVersions(mllab);
  assert.equal(await store.get(HASH_A), null);
  assert.equal(await store.get('../../etc/passwd'), null);
  mkdirSync(join(mllab, 'datasets'), { recursive: true });
  writeFileSync(join(mllab, 'datasets', `${HASH_A}.json`), '{"schemaVersion": 1, "hash": ');
  assert.equal(await store.get(HASH_A), null);
  writeFileSync(join(mllab, 'datasets', `${HASH_B}.json`), JSON.stringify({ ...version(HASH_B, 'x'), schemaVersion: 99 }));
  assert.equal(await store.get(HASH_B), null);
  // A record copied under another hash's name does not answer for it.
  writeFileSync(join(mllab, 'datasets', `${HASH_A}.json`), JSON.stringify(version(HASH_B, 'x')));
  assert.equal(await store.get(HASH_A), null);
});

test('list: newest first, skipping unreadable records and Recipe files; empty when there is no folder', async () => {
  const store = new DatasetVersions(mllab);
  assert.deepEqual(await store.list(), []);
  await store.save(version(HASH_A, '2026-01-01T00:00:00.000Z'));
  await store.save(version(HASH_B, '2026-03-01T00:00:00.000Z'));
  writeFileSync(join(mllab, 'datasets', `${'d'.repeat(64)}.json`), 'not json');
  writeFileSync(join(mllab, 'datasets', 'notes.txt'), 'hello');
  assert.deepEqual(
    (await store.list()).map((v) => v.hash),
    [HASH_B, HASH_A],
  );
});

test('rename changes only the name; an empty name or an unknown version is a user error', async () => {
  const store = new DatasetVersions(mllab);
  const v = version(HASH_A, '2026-01-01T00:00:00.000Z');
  await store.save(v);
  const renamed = await store.rename(HASH_A, '  before the audit ');
  assert.equal(renamed.name, 'before the audit');
  assert.deepEqual(await store.get(HASH_A), { ...v, name: 'before the audit' });
  await assert.rejects(store.rename(HASH_A, '   '), { name: 'UserError', code: 'BAD_ARGUMENT' });
  await assert.rejects(store.rename(HASH_B, 'x'), { name: 'UserError', code: 'NOT_FOUND' });
});

test('delete removes the record and its Recipe, and is fine when they are already gone', async () => {
  const store = new DatasetVersions(mllab);
  await store.save(version(HASH_A, '2026-01-01T00:00:00.000Z'));
  await store.save(version(HASH_B, '2026-01-02T00:00:00.000Z'));
  await store.delete(HASH_A);
  assert.equal(existsSync(join(mllab, 'datasets', `${HASH_A}.json`)), false);
  assert.equal(existsSync(join(mllab, 'datasets', `${HASH_A}.recipe.json`)), false);
  assert.notEqual(await store.get(HASH_B), null);
  await store.delete(HASH_A);
  await assert.rejects(store.delete('nope'), { code: 'BAD_ARGUMENT' });
});

test('a failed write leaves the previous record whole and no temp file behind', async () => {
  let failRename = false;
  const fs: StoreFs = {
    ...nodeStoreFs,
    rename: (from, to) => (failRename ? Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })) : nodeStoreFs.rename(from, to)),
  };
  const store = new DatasetVersions(mllab, fs);
  const v = version(HASH_A, '2026-01-01T00:00:00.000Z');
  await store.save(v);
  failRename = true;
  // The store's own write reports a full disk as DISK_FULL naming the record (not the temp file).
  await assert.rejects(store.rename(HASH_A, 'new name'), (e: unknown) => (e as { code?: string }).code === 'DISK_FULL' && (e as Error).message.includes(`writing ${join(mllab, 'datasets', `${HASH_A}.json`)}.`));
  assert.deepEqual(await store.get(HASH_A), v);
  assert.deepEqual(readdirSync(join(mllab, 'datasets')).filter((n) => n.endsWith('.tmp')), []);
});
