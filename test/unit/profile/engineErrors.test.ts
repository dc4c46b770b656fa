import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../../../src/protocol/profile.js';

const options = { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 };
const tmp = mkdtempSync(path.join(tmpdir(), 'mllab-errors-'));

function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

/** Enough rows that the full pass runs after the preview (the hooks get a chance to interfere). */
function bigFile(name: string): string {
  const lines = ['a,b'];
  for (let i = 0; i < 8000; i++) lines.push(`${i},v${i % 7}`);
  return file(name, lines.join('\n') + '\n');
}

test('empty file', async () => {
  await assert.rejects(profileFile(file('empty.csv', ''), options), { name: 'UserError', code: 'EMPTY_FILE', message: /empty/ });
  await assert.rejects(profileFile(file('blank.csv', '\n\n\n'), options), { code: 'EMPTY_FILE' });
});

test('header only', async () => {
  await assert.rejects(profileFile(file('header.csv', 'a,b,c\n'), options), { code: 'NO_DATA_ROWS', message: /has a header but no data rows/ });
});

test('a binary file named .csv', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
  await assert.rejects(profileFile(file('image.csv', Buffer.concat([png, Buffer.alloc(100, 7)])), options), { code: 'BINARY_FILE', message: /binary/ });
});

test('an unbalanced quote names the line where it opened', async () => {
  await assert.rejects(profileFile(file('quote.csv', 'a,b\n1,x\n2,"oops\n3,y\n4,z\n'), options), { code: 'UNBALANCED_QUOTE', message: /line 3\b/ });
});

test('nonexistent path and a directory', async () => {
  await assert.rejects(profileFile(path.join(tmp, 'nope.csv'), options), { code: 'NOT_FOUND', message: /not found/ });
  const dir = path.join(tmp, 'dir.csv');
  mkdirSync(dir);
  await assert.rejects(profileFile(dir, options), { code: 'NOT_A_FILE' });
});

test('a file changed or deleted during the pass', async () => {
  const changed = bigFile('changed.csv');
  await assert.rejects(profileFile(changed, options, { onPreview: () => appendFileSync(changed, '9,z\n') }), { code: 'FILE_CHANGED', message: /changed/ });
  const deleted = bigFile('deleted.csv');
  await assert.rejects(profileFile(deleted, options, { onPreview: () => unlinkSync(deleted) }), { code: 'FILE_CHANGED', message: /deleted/ });
});

test('cancel before the start, after the preview, and while the single-thread pass runs', async () => {
  const f = bigFile('cancel.csv');
  const early = new AbortController();
  early.abort();
  await assert.rejects(profileFile(f, options, { signal: early.signal }), { code: 'CANCELLED' });
  const atPreview = new AbortController();
  await assert.rejects(profileFile(f, options, { signal: atPreview.signal, onPreview: () => atPreview.abort() }), { code: 'CANCELLED' });
  // Abort from outside while the pass is between buffers: it yields to the event loop there.
  const lines = ['a,b'];
  for (let i = 0; i < 300000; i++) lines.push(`${i},v${i % 7}`);
  const large = file('cancel-large.csv', lines.join('\n') + '\n');
  const during = new AbortController();
  await assert.rejects(profileFile(large, options, { signal: during.signal, onPreview: () => setImmediate(() => during.abort()) }), { code: 'CANCELLED' });
});

test('cancel while threads run terminates them', async () => {
  const f = bigFile('cancel-threads.csv');
  // A thread script that never answers stands in for a long pass.
  const stuck = file('stuck.js', 'setInterval(() => {}, 1000);\n');
  const ac = new AbortController();
  const run = profileFile(f, options, { signal: ac.signal, threadScript: stuck, splitPoints: [4, 20000], onProgress: () => ac.abort() });
  await assert.rejects(run, { code: 'CANCELLED' });
});
