import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnNames, detectEncoding, looksBinary, sniffDialect, sniffLayout } from '../../../src/core/csv/dialect.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

test('sniffs comma, semicolon, tab and pipe, ignoring delimiters inside quotes', () => {
  assert.equal(sniffDialect(b('a,b,c\n1,2,3\n4,5,6\n')).delimiter, ',');
  assert.equal(sniffDialect(b('name;value\n"a;b;c";1,5\nc;2,5\nd;3,0\n')).delimiter, ';');
  assert.equal(sniffDialect(b('a\tb\n"x,y,z"\t1\nq\t2\n')).delimiter, '\t');
  assert.equal(sniffDialect(b('a|b\nx, y|1\nz, w|2\n')).delimiter, '|');
});

test('a forced delimiter wins', () => {
  assert.equal(sniffDialect(b('a;b,c\n1;2,3\n'), '|').delimiter, '|');
});

test('header detection: text over numbers is a header, numbers in the first row are data', () => {
  assert.equal(sniffDialect(b('name,age\nann,31\nbob,42\n')).header, true);
  assert.equal(sniffDialect(b('1,2\n3,4\n')).header, false);
  assert.equal(sniffDialect(b('2021-01-01,x\n2021-01-02,y\n')).header, false);
  // Year-like names: the text name over a numeric column gives the header away.
  assert.equal(sniffDialect(b('id,2019,2020\n1,5,6\n2,7,8\n')).header, true);
  assert.equal(sniffDialect(b('1,abc,2\n3,def,4\n')).header, false);
});

test('line endings, BOM and encoding', () => {
  assert.equal(sniffDialect(b('a,b\r\n1,2\r\n')).lineEnding, 'crlf');
  assert.equal(sniffDialect(b('a,b\r1,2\r')).lineEnding, 'cr');
  assert.equal(sniffDialect(b('a,b\n1,2\n')).lineEnding, 'lf');
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b('id,name\n1,x\n')]);
  const d = sniffDialect(bom);
  assert.equal(d.bom, true);
  assert.equal(d.encoding, 'utf-8');
  assert.equal(detectEncoding(b('café')), 'utf-8');
  assert.equal(detectEncoding(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])), 'latin1');
  // A multi-byte character cut off by the end of the sample is still UTF-8.
  assert.equal(detectEncoding(Buffer.from([0x61, 0xc3])), 'utf-8');
});

test('binary bytes are recognised', () => {
  assert.equal(looksBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])), true);
  assert.equal(looksBinary(b('a,b\n1,2\n')), false);
  assert.throws(() => sniffLayout(Buffer.from([1, 2, 3, 0, 5]), true), { name: 'UserError', code: 'BINARY_FILE' });
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]);
  assert.throws(() => sniffLayout(utf16, true), { code: 'BINARY_FILE', message: /UTF-16/ });
});

test('layout: data start and header lines skip the header record', () => {
  const text = 'a,"b\nc"\n1,2\n';
  const l = sniffLayout(b(text), true);
  assert.equal(l.dataStart, text.indexOf('1,2'));
  assert.equal(l.headerLines, 2);
  assert.deepEqual(l.headerFields, ['a', 'b\nc']);
  const bare = sniffLayout(b('1,2,3\n4,5,6\n'), true);
  assert.equal(bare.dataStart, 0);
  assert.equal(bare.fieldCount, 3);
  assert.equal(bare.headerFields, null);
});

test('column names: empty ones are numbered, repeats made unique like pandas', () => {
  assert.deepEqual(columnNames(['a', '', 'a', 'b', 'a'], 5), ['a', 'column_2', 'a.1', 'b', 'a.2']);
  assert.deepEqual(columnNames(null, 3), ['column_1', 'column_2', 'column_3']);
  assert.deepEqual(columnNames(['x', 'x.1', 'x'], 3), ['x', 'x.1', 'x.2']);
});
