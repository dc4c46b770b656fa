import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS, type DatasetProfile, type ProfileProgress } from '../../../src/protocol/profile.js';

const fixture = (name: string): string => path.join(__dirname, '../../fixtures/csv', name);
const options = { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 };
const tmp = mkdtempSync(path.join(tmpdir(), 'mllab-threads-'));

/** The profile without run info, floats to 12 significant digits (merged moments differ in the last bits). */
function comparable(p: DatasetProfile): unknown {
  const { run: _run, ...rest } = p;
  return JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
}

async function sameAcrossSplits(file: string, splits: number[]): Promise<DatasetProfile> {
  const single = await profileFile(file, options);
  const threaded = await profileFile(file, options, { splitPoints: splits });
  assert.equal(threaded.run.threads, splits.length);
  assert.deepEqual(comparable(threaded), comparable(single));
  return threaded;
}

function dataStartOf(text: string): number {
  return text.indexOf('\n') + 1;
}

test('two threads give the same profile as one when a quoted field with line breaks straddles the split', async () => {
  const file = fixture('quoted-newlines.csv');
  const text = readFileSync(file, 'utf8');
  // Inside record 20's quoted text, after its last embedded line break: the next line break ends the
  // record, so the guess is right while the record straddles the split.
  const inside = text.indexOf('"quoted"" three",20') + 3;
  const p = await sameAcrossSplits(file, [dataStartOf(text), inside]);
  assert.equal(p.rows, 40);
});

test('the guess reads past a quoted line break when the records after it say so', async () => {
  const file = fixture('quoted-newlines.csv');
  const text = readFileSync(file, 'utf8');
  // Just after the embedded line break of record 20: only the inside-quotes reading gives 3-field records.
  const inside = text.indexOf('line two, with comma', text.indexOf('line one 20'));
  const p = await sameAcrossSplits(file, [dataStartOf(text), inside]);
  assert.equal(p.rows, 40);
});

test('a wrong guess (a quoted field whose lines look like records) is detected and the pass redone', async () => {
  const file = path.join(tmp, 'fooling.csv');
  const lines = ['id,a,b'];
  for (let i = 0; i < 50; i++) lines.push(`${i},a${i},b${i}`);
  // 40 lines inside one quoted field, each shaped like a record: reading from inside it, both guesses see
  // well-formed records, and the tie goes to the wrong one. The copies would also count as duplicates.
  lines.push('50,"' + Array.from({ length: 40 }, () => 'x,y,z').join('\n') + '",end');
  for (let i = 51; i < 100; i++) lines.push(`${i},a${i},b${i}`);
  const content = lines.join('\n') + '\n';
  writeFileSync(file, content);
  const split = content.indexOf('x,y,z') + 6;
  const p = await sameAcrossSplits(file, [dataStartOf(content), split]);
  assert.equal(p.rows, 100);
  assert.equal(p.duplicateRows, 0);
});

test('several threads over a mixed file with duplicates, ragged rows and missing values', async () => {
  const file = path.join(tmp, 'mixed.csv');
  const lines = ['id,num,cat,when,text'];
  for (let i = 0; i < 3000; i++) {
    // Rows repeat every 1000 (duplicates), except the ragged ones.
    const j = i % 1000;
    const num = j % 17 === 0 ? 'NA' : String((j * 37) % 101);
    const cat = ['red', 'green', 'blue', ''][j % 4];
    const when = `2021-0${1 + (j % 9)}-1${j % 10}`;
    const text = j % 5 === 0 ? `"multi\nline, ${j % 50}"` : `t${j % 200}`;
    lines.push(i % 250 === 7 ? `${i},${num}` : `${j},${num},${cat},${when},${text}`);
  }
  const content = lines.join('\n') + '\n';
  writeFileSync(file, content);
  const start = dataStartOf(content);
  const len = content.length - start;
  const p = await sameAcrossSplits(file, [start, start + Math.floor(len / 3), start + Math.floor((2 * len) / 3) + 11]);
  assert.equal(p.rows, 3000);
  // Progress ends at the whole file and every row.
  const seen: ProfileProgress[] = [];
  await profileFile(file, options, { splitPoints: [start, start + Math.floor(len / 2)], onProgress: (x) => seen.push(x) });
  const last = seen.at(-1);
  assert.ok(last);
  assert.equal(last.bytesDone, content.length);
  assert.equal(last.bytesTotal, content.length);
  assert.equal(last.rowsDone, 3000);
  assert.ok(seen.every((x, i) => i === 0 || x.bytesDone >= seen[i - 1]!.bytesDone));
  assert.ok(p.duplicateRows > 0);
  assert.equal(p.ragged.count, 12);
});

test('the ragged line numbers and an unclosed quote are located in the whole file, not the range', async () => {
  const file = path.join(tmp, 'late-quote.csv');
  const lines = ['a,b'];
  for (let i = 0; i < 400; i++) lines.push(i === 300 ? `${i}` : `${i},x${i}`);
  lines.push('401,"never closed');
  lines.push('402,y');
  const content = lines.join('\n') + '\n';
  writeFileSync(file, content);
  const splits = [dataStartOf(content), Math.floor(content.length / 2)];
  const expected = { name: 'UserError', code: 'UNBALANCED_QUOTE', message: /line 402\b/ };
  await assert.rejects(profileFile(file, options), expected);
  await assert.rejects(profileFile(file, options, { splitPoints: splits }), expected);

  const ok = path.join(tmp, 'ragged-late.csv');
  writeFileSync(ok, lines.slice(0, -2).join('\n') + '\n');
  const p = await sameAcrossSplits(ok, [dataStartOf(content), Math.floor(content.length / 2)]);
  assert.deepEqual(p.ragged.firstLines, [302]);
});

test('CRLF and lone-CR files split between threads like LF files', async () => {
  for (const eol of ['\r\n', '\r']) {
    const file = path.join(tmp, `eol-${eol.length}.csv`);
    const lines = ['id,text,n'];
    for (let i = 0; i < 600; i++) lines.push(i % 3 === 0 ? `${i},"two${eol}lines",${i % 7}` : `${i},t${i % 9},${i % 7}`);
    const content = lines.join(eol) + eol;
    writeFileSync(file, content);
    const start = content.indexOf(eol) + eol.length;
    // Splits on a CR, on the LF of a CRLF, and inside quotes.
    const cr = content.indexOf('\r', Math.floor(content.length / 4));
    const quoted = content.indexOf('two', Math.floor(content.length / 2)) + 4;
    const p = await sameAcrossSplits(file, [start, cr, cr + 1 === quoted ? cr + 2 : cr + 1, quoted].sort((a, b) => a - b));
    assert.equal(p.rows, 600);
  }
});

test('duplicate rows are counted exactly past the row-hash batches, on one thread and several', async () => {
  const file = path.join(tmp, 'many-duplicates.csv');
  const lines = ['k,v'];
  // 1000 rows: 300 distinct (k, v) pairs, each pair i at rows i, i + 300, i + 600 (and i + 900 for i < 100):
  // 1000 - 300 = 700 duplicates, spread across many batches of row hashes and across the thread split.
  for (let r = 0; r < 1000; r++) lines.push(`${r % 300},v${(r % 300) * 7}`);
  const content = lines.join('\n') + '\n';
  writeFileSync(file, content);
  const single = await profileFile(file, options);
  assert.equal(single.rows, 1000);
  assert.equal(single.duplicateRows, 700);
  assert.equal(single.duplicateRowsApprox, false);
  const split = content.indexOf('\n', Math.floor(content.length * 0.37)) + 1;
  const threaded = await profileFile(file, options, { splitPoints: [dataStartOf(content), split] });
  assert.equal(threaded.duplicateRows, 700);
});
