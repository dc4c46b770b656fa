// Cleaning through the real worker (dist/worker.js), driven by the WorkerClient the extension uses:
// Apply writes the cleaned file, its version record (parent hash, Recipe) and its cached profile; a cancel
// leaves nothing; an existing output is refused unless forced; preview writes nothing; code export.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '../../src/core/errors.js';
import { parseRecipe } from '../../src/core/clean/recipe.js';
import { ProfileCache } from '../../src/core/store/profileCache.js';
import { WorkerClient } from '../../src/extension/workerClient.js';
import type { DatasetVersion } from '../../src/protocol/datasetVersion.js';
import type { DatasetProfile } from '../../src/protocol/profile.js';
import type { StepChoice } from '../../src/protocol/recipe.js';
import type { CleanPhase } from '../../src/protocol/worker.js';
import { builtFile } from './builtFiles.js';

const OPTIONS = { missingTokens: ['NA'], threads: 1 };
const SOURCE = 'id,income,city\n1,10,A\n2,NA,B\n3,30,A\n4,,B\n5,50,A\n';
// Median of the known incomes 10, 30, 50 is 30: both missing cells (NA and empty) become 30.
const CLEANED = 'id,income,city\n1,10,A\n2,30,B\n3,30,A\n4,30,B\n5,50,A\n';
const IMPUTE: StepChoice[] = [{ op: 'impute', column: 'income', strategy: 'median', indicator: false }];

let workspace: string;
let mllab: string;
let data: string;
let source: string;
let out: string;
let worker: WorkerClient;
let profile: DatasetProfile;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const quiet = (): void => undefined;

before(async () => {
  worker = new WorkerClient({ workerPath: builtFile('worker.js'), log: { info: quiet, warn: quiet, error: quiet }, idleMs: 0 });
});
after(async () => {
  await worker.dispose();
});

beforeEach(async () => {
  if (workspace) rmSync(workspace, { recursive: true, force: true });
  workspace = mkdtempSync(join(tmpdir(), 'mllab-clean-'));
  mllab = join(workspace, '.mllab');
  data = join(workspace, 'data');
  mkdirSync(data);
  source = join(data, 'loans.csv');
  out = join(data, 'loans.clean.csv');
  writeFileSync(source, SOURCE);
  profile = (await worker.profile({ path: source, options: OPTIONS, cacheDir: null, useCache: false })).profile;
});

after(() => rmSync(workspace, { recursive: true, force: true }));

test('apply writes the cleaned file, the version record with parent hash and Recipe, the Recipe file and the cached profile', async () => {
  const phases: CleanPhase[] = [];
  const result = await worker.applyClean(
    { path: source, profile, choices: IMPUTE, recipe: null, out, force: false, options: OPTIONS, mllabDir: mllab, cacheProfile: true },
    { onProgress: (p) => phases.push(p.phase) },
  );
  assert.equal(readFileSync(out, 'utf8'), CLEANED);
  assert.equal(readFileSync(source, 'utf8'), SOURCE, 'the source is never modified');

  const hash = sha256(CLEANED);
  assert.equal(result.version.hash, hash);
  const record = JSON.parse(readFileSync(join(mllab, 'datasets', `${hash}.json`), 'utf8')) as DatasetVersion;
  assert.deepEqual(record.parent, { hash: sha256(SOURCE), path: 'data/loans.csv' });
  assert.equal(record.path, 'data/loans.clean.csv');
  assert.equal(record.name, 'loans.clean.csv');
  assert.equal(record.rows, 5);
  assert.deepEqual(record.recipe?.steps, [{ op: 'impute', column: 'income', strategy: 'median', value: 30, indicator: false, onUnknown: 'missing' }]);
  assert.equal(record.report?.rowsIn, 5);
  const recipeFile = parseRecipe(readFileSync(join(mllab, 'datasets', `${hash}.recipe.json`), 'utf8'));
  assert.deepEqual(recipeFile.steps, record.recipe?.steps);

  // The new file's profile: no missing income, and it is in the cache under the new file's name.
  assert.equal(result.profile?.rows, 5);
  assert.equal(result.profile?.file.path, out);
  assert.equal(result.profile?.columns.find((c) => c.name === 'income')?.missing, 0);
  assert.equal(result.cacheNotice, null);
  assert.ok(existsSync(join(mllab, 'profiles', `${hash}.json`)));
  const cached = await new ProfileCache(mllab).lookup(out, OPTIONS);
  assert.equal(cached?.rows, 5);

  assert.deepEqual(phases.filter((p, i) => phases.indexOf(p) === i), ['fitting', 'hashing', 'profiling']);
  assert.deepEqual(readdirSync(data).sort(), ['loans.clean.csv', 'loans.csv'], 'no staging or temp file is left');

  // The lineage is found from the file's content; the source is no version.
  assert.equal((await worker.lookupVersion({ path: out, mllabDir: mllab }))?.hash, hash);
  assert.equal(await worker.lookupVersion({ path: source, mllabDir: mllab }), null);
  // With the profile's counts: a version of other counts cannot be this file (no hashing needed).
  assert.equal((await worker.lookupVersion({ path: out, mllabDir: mllab, rows: 5, columns: 3 }))?.hash, hash);
  assert.equal(await worker.lookupVersion({ path: out, mllabDir: mllab, rows: 6, columns: 3 }), null);
});

test('an existing output is refused (nothing written) unless forced; cacheProfile false caches nothing', async () => {
  writeFileSync(out, 'keep me\n');
  const params = { path: source, profile, choices: IMPUTE, recipe: null, out, force: false, options: OPTIONS, mllabDir: mllab, cacheProfile: true };
  await assert.rejects(worker.applyClean(params), (e: unknown) => isUserError(e) && e.code === 'OUTPUT_EXISTS');
  assert.equal(readFileSync(out, 'utf8'), 'keep me\n');
  assert.equal(existsSync(join(mllab, 'datasets')), false);
  // Forced; with the profile cache turned off the version is recorded but no profile is cached.
  await worker.applyClean({ ...params, force: true, cacheProfile: false });
  assert.equal(readFileSync(out, 'utf8'), CLEANED);
  assert.ok(existsSync(join(mllab, 'datasets', `${sha256(CLEANED)}.json`)));
  assert.equal(existsSync(join(mllab, 'profiles')), false);
});

test('cancel during the apply leaves no file, no record, no cached profile', async () => {
  const big = join(data, 'big.csv');
  const stream = createWriteStream(big);
  stream.write('id,income,city\n');
  for (let block = 0; block < 12; block++) {
    let chunk = '';
    for (let i = block * 25_000; i < (block + 1) * 25_000; i++) chunk += `${i},${i % 13 === 0 ? 'NA' : i % 997},c${i % 5}\n`;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'close');
  const bigProfile = (await worker.profile({ path: big, options: OPTIONS, cacheDir: null, useCache: false })).profile;
  const abort = new AbortController();
  const bigOut = join(data, 'big.clean.csv');
  await assert.rejects(
    worker.applyClean(
      { path: big, profile: bigProfile, choices: IMPUTE, recipe: null, out: bigOut, force: false, options: OPTIONS, mllabDir: mllab, cacheProfile: true },
      { signal: abort.signal, onProgress: (p) => p.phase === 'applying' && abort.abort() },
    ),
    (e: unknown) => isUserError(e) && e.code === 'CANCELLED',
  );
  assert.equal(abort.signal.aborted, true, 'the apply reported progress before it was cancelled');
  assert.deepEqual(readdirSync(data).sort(), ['big.csv', 'loans.csv']);
  assert.equal(existsSync(join(mllab, 'datasets')), false);
  assert.equal(existsSync(join(mllab, 'profiles')), false);
});

test('suggest and preview come back from the worker and write nothing; both code exports name the column', async () => {
  const suggestions = await worker.suggestCleaning(profile);
  assert.ok(suggestions.some((s) => s.choice.op === 'impute' && s.column === 'income'));
  const { recipe, preview } = await worker.previewClean({ path: source, profile, choices: IMPUTE, missingTokens: OPTIONS.missingTokens });
  assert.deepEqual(recipe.steps, [{ op: 'impute', column: 'income', strategy: 'median', value: 30, indicator: false, onUnknown: 'missing' }]);
  const income = preview.affected.find((a) => a.name === 'income');
  assert.equal(income?.before?.missing, 2);
  assert.equal(income?.after?.missing, 0);
  assert.deepEqual(readdirSync(data), ['loans.csv']);
  assert.equal(existsSync(mllab), false);

  const python = await worker.exportCode({ recipe, language: 'python', dialect: profile.dialect });
  assert.match(python, /^#!\/usr\/bin\/env python3/);
  assert.match(python, /income/);
  const typescript = await worker.exportCode({ recipe, language: 'typescript', dialect: profile.dialect });
  assert.match(typescript, /arquero/);
  assert.match(typescript, /income/);
});

test('a Recipe that drops every row still writes its (header-only) file and version; the profile is null with a notice', async () => {
  const empty = join(data, 'gaps.csv');
  writeFileSync(empty, 'a,b\n1,\n2,NA\n');
  const gapsProfile = (await worker.profile({ path: empty, options: OPTIONS, cacheDir: null, useCache: false })).profile;
  const target = join(data, 'gaps.clean.csv');
  const result = await worker.applyClean({
    path: empty,
    profile: gapsProfile,
    choices: [{ op: 'dropRowsMissing', columns: ['b'] }],
    recipe: null,
    out: target,
    force: false,
    options: OPTIONS,
    mllabDir: mllab,
    cacheProfile: false,
  });
  assert.equal(readFileSync(target, 'utf8'), 'a,b\n');
  assert.equal(result.version.rows, 0);
  assert.equal(result.version.hash, sha256('a,b\n'));
  assert.equal(result.profile, null);
  assert.match(result.cacheNotice ?? '', /^Not profiled: /);
});

test('a preview naming a column the file lacks is a one-line user error', async () => {
  await assert.rejects(
    worker.previewClean({ path: source, profile, choices: [{ op: 'impute', column: 'salary', strategy: 'mean', indicator: false }], missingTokens: OPTIONS.missingTokens }),
    (e: unknown) => isUserError(e) && !e.message.includes('\n'),
  );
});
