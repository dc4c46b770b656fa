import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileCache, PROFILE_CACHE_SCHEMA_VERSION } from '../../../src/core/store/profileCache.js';
import { nodeStoreFs, stableStringify } from '../../../src/core/store/atomicFile.js';
import type { StoreFs } from '../../../src/core/store/atomicFile.js';
import { PROFILE_SCHEMA_VERSION } from '../../../src/protocol/profile.js';
import type { DatasetProfile, ProfileOptions } from '../../../src/protocol/profile.js';

const OPTIONS: ProfileOptions = { missingTokens: ['NA', '?'], threads: 0 };
const CONTENT = 'a,b\n1,2\n3,4\n';

let root: string;
let cacheDir: string;
let csv: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-cache-'));
  cacheDir = join(root, '.mllab');
  mkdirSync(join(root, 'data'));
  csv = join(root, 'data', 'loans.csv');
  writeFileSync(csv, CONTENT);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function profileOf(path: string, rows = 2): DatasetProfile {
  const st = statSync(path);
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    file: { path, size: st.size, mtimeMs: st.mtimeMs },
    preview: false,
    dialect: { delimiter: ',', quote: '"', header: true, encoding: 'utf-8', bom: false, lineEnding: 'lf' },
    rows,
    columnCount: 2,
    bytes: st.size,
    duplicateRows: 0,
    duplicateRowsApprox: false,
    missingPct: 0,
    ragged: { count: 0, firstLines: [], expectedFields: 2 },
    columns: [],
    correlations: { columns: [], matrix: [], note: null },
    missingCooccurrence: { columns: [], matrix: [] },
    warnings: [],
    run: { elapsedMs: 1, threads: 1, engineVersion: 'test' },
  };
}

function setMtime(path: string, seconds: number): void {
  utimesSync(path, seconds, seconds);
}

test('a miss on an empty cache, then a hit after storing, with the files laid out by content hash', async () => {
  const cache = new ProfileCache(cacheDir);
  assert.equal(await cache.lookup(csv, OPTIONS), null);

  const outcome = await cache.store(csv, profileOf(csv), OPTIONS);
  assert.deepEqual(outcome, { stored: true, sha256: sha(CONTENT) });
  assert.ok(existsSync(join(cacheDir, 'profiles', `${sha(CONTENT)}.json`)));

  const index = JSON.parse(readFileSync(join(cacheDir, 'profiles', 'index.json'), 'utf8')) as { schemaVersion: number; entries: Record<string, unknown> };
  const st = statSync(csv);
  assert.equal(index.schemaVersion, PROFILE_CACHE_SCHEMA_VERSION);
  assert.deepEqual(index.entries, { 'data/loans.csv': { size: CONTENT.length, mtimeMs: st.mtimeMs, sha256: sha(CONTENT) } });

  const hit = await cache.lookup(csv, OPTIONS);
  assert.ok(hit);
  assert.equal(hit.rows, 2);
  assert.deepEqual(hit.file, { path: csv, size: CONTENT.length, mtimeMs: st.mtimeMs });
});

test('files are written with sorted keys and no temp files are left behind', async () => {
  const cache = new ProfileCache(cacheDir);
  await cache.store(csv, profileOf(csv), OPTIONS);
  const indexText = readFileSync(join(cacheDir, 'profiles', 'index.json'), 'utf8');
  const st = statSync(csv);
  const expected = `{\n  "entries": {\n    "data/loans.csv": {\n      "mtimeMs": ${st.mtimeMs},\n      "sha256": "${sha(CONTENT)}",\n      "size": 12\n    }\n  },\n  "schemaVersion": 1\n}\n`;
  assert.equal(indexText, expected);
  assert.deepEqual(readdirSync(join(cacheDir, 'profiles')).sort(), [`${sha(CONTENT)}.json`, 'index.json'].sort());
});

test('stableStringify sorts keys at every level and keeps array order', () => {
  assert.equal(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, 0), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}\n');
});

test('same size and content but a new mtime: hashed, reused, and the index learns the new mtime', async () => {
  const cache = new ProfileCache(cacheDir);
  setMtime(csv, 1_000_000);
  await cache.store(csv, profileOf(csv), OPTIONS);
  setMtime(csv, 2_000_000);
  const hit = await cache.lookup(csv, OPTIONS);
  assert.ok(hit);
  assert.equal(hit.file.mtimeMs, 2_000_000_000);
  const index = JSON.parse(readFileSync(join(cacheDir, 'profiles', 'index.json'), 'utf8')) as { entries: Record<string, { mtimeMs: number }> };
  assert.equal(index.entries['data/loans.csv']?.mtimeMs, 2_000_000_000);
});

test('same size, new content and mtime: a miss', async () => {
  const cache = new ProfileCache(cacheDir);
  setMtime(csv, 1_000_000);
  await cache.store(csv, profileOf(csv), OPTIONS);
  writeFileSync(csv, CONTENT.replace('1,2', '5,6'));
  setMtime(csv, 2_000_000);
  assert.equal(await cache.lookup(csv, OPTIONS), null);
});

test('same size, content reverted to an earlier version that has a profile: a hit', async () => {
  const cache = new ProfileCache(cacheDir);
  setMtime(csv, 1_000_000);
  await cache.store(csv, profileOf(csv, 2), OPTIONS);
  const other = CONTENT.replace('1,2', '5,6');
  writeFileSync(csv, other);
  setMtime(csv, 2_000_000);
  await cache.store(csv, profileOf(csv, 7), OPTIONS);
  writeFileSync(csv, CONTENT);
  setMtime(csv, 3_000_000);
  const hit = await cache.lookup(csv, OPTIONS);
  assert.equal(hit?.rows, 2);
});

test('a different size: a miss', async () => {
  const cache = new ProfileCache(cacheDir);
  await cache.store(csv, profileOf(csv), OPTIONS);
  writeFileSync(csv, CONTENT + '5,6\n');
  assert.equal(await cache.lookup(csv, OPTIONS), null);
});

test('other missing tokens or delimiter: a miss; token order and the empty token do not matter', async () => {
  const cache = new ProfileCache(cacheDir);
  await cache.store(csv, profileOf(csv), OPTIONS);
  assert.equal(await cache.lookup(csv, { ...OPTIONS, missingTokens: ['NA'] }), null);
  assert.equal(await cache.lookup(csv, { ...OPTIONS, delimiter: ';' }), null);
  assert.ok(await cache.lookup(csv, { missingTokens: ['?', '', 'NA'], threads: 4 }));
});

test('entries and indexes of another schema version are ignored', async () => {
  const cache = new ProfileCache(cacheDir);
  await cache.store(csv, profileOf(csv), OPTIONS);
  const entryPath = join(cacheDir, 'profiles', `${sha(CONTENT)}.json`);
  const entry = JSON.parse(readFileSync(entryPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(entryPath, JSON.stringify({ ...entry, schemaVersion: PROFILE_CACHE_SCHEMA_VERSION + 1 }));
  assert.equal(await cache.lookup(csv, OPTIONS), null);

  writeFileSync(entryPath, JSON.stringify({ ...entry, profile: { ...(entry.profile as object), schemaVersion: PROFILE_SCHEMA_VERSION + 1 } }));
  assert.equal(await cache.lookup(csv, OPTIONS), null);

  writeFileSync(entryPath, JSON.stringify(entry));
  assert.ok(await cache.lookup(csv, OPTIONS));
  const indexPath = join(cacheDir, 'profiles', 'index.json');
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(indexPath, JSON.stringify({ ...index, schemaVersion: 99 }));
  assert.equal(await cache.lookup(csv, OPTIONS), null);
});

test('corrupt JSON reads as a miss', async () => {
  const cache = new ProfileCache(cacheDir);
  await cache.store(csv, profileOf(csv), OPTIONS);
  writeFileSync(join(cacheDir, 'profiles', `${sha(CONTENT)}.json`), '{"schemaVersion":1,');
  assert.equal(await cache.lookup(csv, OPTIONS), null);
});

test('an index entry whose hash is a path is never followed', async () => {
  mkdirSync(join(cacheDir, 'profiles'), { recursive: true });
  const st = statSync(csv);
  writeFileSync(join(cacheDir, 'evil.json'), '{}');
  writeFileSync(
    join(cacheDir, 'profiles', 'index.json'),
    JSON.stringify({ schemaVersion: 1, entries: { 'data/loans.csv': { size: st.size, mtimeMs: st.mtimeMs, sha256: '../evil' } } }),
  );
  const reads: string[] = [];
  const spy: StoreFs = { ...nodeStoreFs, readFile: (p, enc) => (reads.push(p), nodeStoreFs.readFile(p, enc)) };
  assert.equal(await new ProfileCache(cacheDir, spy).lookup(csv, OPTIONS), null);
  assert.ok(!reads.some((p) => p.endsWith('evil.json')));
});

test('a file outside the workspace folder is neither looked up nor stored', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'mllab-outside-'));
  try {
    const file = join(outside, 'x.csv');
    writeFileSync(file, CONTENT);
    const cache = new ProfileCache(cacheDir);
    const outcome = await cache.store(file, profileOf(file), OPTIONS);
    assert.equal(outcome.stored, false);
    assert.equal(outcome.stored === false && outcome.reason, 'outsideWorkspace');
    assert.equal(existsSync(cacheDir), false);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

test('a file that changed after profiling is not stored', async () => {
  const cache = new ProfileCache(cacheDir);
  setMtime(csv, 1_000_000);
  const profile = profileOf(csv);
  setMtime(csv, 2_000_000);
  const outcome = await cache.store(csv, profile, OPTIONS);
  assert.equal(outcome.stored === false && outcome.reason, 'fileChanged');
  assert.equal(existsSync(join(cacheDir, 'profiles')), false);
});

test('a cache folder that cannot be created (.mllab is a regular file): reported, not thrown', async () => {
  // Tests run as root, so chmod cannot make a read-only folder; a path under a regular file fails for anyone.
  writeFileSync(cacheDir, 'not a folder');
  const cache = new ProfileCache(cacheDir);
  const outcome = await cache.store(csv, profileOf(csv), OPTIONS);
  assert.equal(outcome.stored, false);
  assert.equal(outcome.stored === false && outcome.reason, 'unwritable');
  assert.match(outcome.stored === false ? outcome.message : '', /^The report was not cached: .*\.mllab is not writable \((ENOTDIR|EEXIST)\)\.$/);
  assert.equal(await cache.lookup(csv, OPTIONS), null);
  assert.equal(readFileSync(cacheDir, 'utf8'), 'not a folder');
});

test('a write failure (injected EACCES) leaves no temp file, no half-written entry, and says why', async () => {
  const failing: StoreFs = {
    ...nodeStoreFs,
    rename: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })),
  };
  const cache = new ProfileCache(cacheDir, failing);
  const outcome = await cache.store(csv, profileOf(csv), OPTIONS);
  assert.equal(outcome.stored, false);
  assert.equal(outcome.stored === false && outcome.reason, 'unwritable');
  assert.match(outcome.stored === false ? outcome.message : '', /not writable \(EACCES\)/);
  assert.deepEqual(readdirSync(join(cacheDir, 'profiles')), []);
  assert.equal(await new ProfileCache(cacheDir).lookup(csv, OPTIONS), null);
});

test('an index write failure after the entry was written still reports, and a later lookup misses cleanly', async () => {
  const failing: StoreFs = {
    ...nodeStoreFs,
    writeFile: (p, data) => (p.includes('index.json') ? Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })) : nodeStoreFs.writeFile(p, data)),
  };
  const outcome = await new ProfileCache(cacheDir, failing).store(csv, profileOf(csv), OPTIONS);
  assert.equal(outcome.stored === false && outcome.reason, 'unwritable');
  assert.ok(!readdirSync(join(cacheDir, 'profiles')).some((n) => n.endsWith('.tmp')));
  assert.equal(await new ProfileCache(cacheDir).lookup(csv, OPTIONS), null);
});

test('checkWritable: true for a fresh workspace (and leaves no probe), false with the reason when .mllab is a file', async () => {
  assert.deepEqual(await new ProfileCache(cacheDir).checkWritable(), { writable: true });
  assert.deepEqual(readdirSync(join(cacheDir, 'profiles')), []);
  const blocked = join(root, 'blocked');
  mkdirSync(blocked);
  writeFileSync(join(blocked, '.mllab'), '');
  const check = await new ProfileCache(join(blocked, '.mllab')).checkWritable();
  assert.equal(check.writable, false);
  assert.match(check.writable ? '' : check.message, /^The report was not cached: .* is not writable \((ENOTDIR|EEXIST)\)\.$/);
});

test('temp files left by a killed writer are swept once stale; fresh ones (a writer at work) are kept', async () => {
  const profiles = join(cacheDir, 'profiles');
  mkdirSync(profiles, { recursive: true });
  const stale = join(profiles, 'index.json.123.abcd.tmp');
  const fresh = join(profiles, 'index.json.456.ef01.tmp');
  writeFileSync(stale, '{"half":');
  writeFileSync(fresh, '{"half":');
  setMtime(stale, Date.now() / 1000 - 3600);
  await new ProfileCache(cacheDir).store(csv, profileOf(csv), OPTIONS);
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(fresh), true);
});

test('store with a hash the caller already computed does not read the file again, and the entry is found by lookup', async () => {
  let reads = 0;
  const fs: StoreFs = {
    ...nodeStoreFs,
    readChunks: (path) => {
      reads++;
      return nodeStoreFs.readChunks(path);
    },
  };
  const cache = new ProfileCache(cacheDir, fs);
  assert.deepEqual(await cache.store(csv, profileOf(csv), OPTIONS, sha(CONTENT)), { stored: true, sha256: sha(CONTENT) });
  assert.equal(reads, 0);
  assert.equal((await cache.lookup(csv, OPTIONS))?.rows, 2);
  // Something that is not a hash is ignored: the file is hashed as usual.
  assert.deepEqual(await cache.store(csv, profileOf(csv), OPTIONS, '../x'), { stored: true, sha256: sha(CONTENT) });
  assert.equal(reads, 1);
});

test('knownHash: the indexed hash while size and mtime match, null once the file changes or was never stored', async () => {
  const cache = new ProfileCache(cacheDir);
  assert.equal(await cache.knownHash(csv), null);
  await cache.store(csv, profileOf(csv), OPTIONS);
  assert.equal(await cache.knownHash(csv), sha(CONTENT));
  setMtime(csv, 1_000_000);
  assert.equal(await cache.knownHash(csv), null);
  assert.equal(await cache.knownHash(join(root, '..', 'outside.csv')), null);
});
