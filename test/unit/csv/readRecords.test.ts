import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readRecords, sniffDialect } from '../../../src/core/csv/index.js';

const fixture = (name: string): string => path.join(__dirname, '../../fixtures/csv', name);

function read(name: string): string[][] {
  const file = fixture(name);
  return [...readRecords(file, sniffDialect(readFileSync(file)))];
}

test('reads quoted commas, doubled quotes and quoted newlines', () => {
  const rows = read('basic.csv');
  assert.equal(rows.length, 8);
  assert.deepEqual(rows[1], ['2', '20', 'ny ', 'false', '2021-02-10', 'a, b']);
  assert.equal(rows[3]![5], 'multi\nline');
  assert.equal(rows[4]![5], 'say "hi"');
});

test('CRLF with a quoted CRLF, lone CR, BOM, latin-1', () => {
  assert.deepEqual(read('crlf.csv'), [
    ['1', 'two\r\nlines'],
    ['3', 'x'],
  ]);
  assert.deepEqual(read('cr.csv'), [
    ['1', 'x'],
    ['2', 'y'],
    ['3', 'z'],
  ]);
  assert.deepEqual(read('bom.csv'), [
    ['1', 'café'],
    ['2', 'naïve'],
  ]);
  assert.deepEqual(read('latin1.csv'), [
    ['José', 'Málaga'],
    ['Renée', 'Zürich'],
    ['Ana', 'París'],
  ]);
});

test('the header can be included', () => {
  const file = fixture('pipe.csv');
  const rows = [...readRecords(file, sniffDialect(readFileSync(file)), { includeHeader: true })];
  assert.deepEqual(rows, [
    ['name', 'value'],
    ['x', '1'],
    ['y|z', '2'],
    ['w', '3'],
  ]);
});

test('an unclosed quote is an error naming its line, not a swallowed tail', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mllab-read-')), 'open.csv');
  writeFileSync(file, 'a,b\n1,x\n2,"y\n3,z\n');
  const dialect = sniffDialect(readFileSync(file));
  assert.throws(() => [...readRecords(file, dialect)], { name: 'UserError', code: 'UNBALANCED_QUOTE', message: /line 3\b/ });
});
