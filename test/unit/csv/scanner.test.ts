import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordScanner, FIELD_ESCAPED, unescapeField, QUOTE } from '../../../src/core/csv/scanner.js';

/** Scans every record of `text` with the scanner and decodes the fields (the reference is the literal). */
function scanAll(text: string, delimiter = ','): { records: string[][]; lines: number[] } {
  const buf = Buffer.from(text, 'utf8');
  const sc = new RecordScanner(delimiter.charCodeAt(0));
  const records: string[][] = [];
  const lines: number[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const end = sc.scan(buf, pos, buf.length, true);
    assert.ok(end > pos, 'the scanner advances');
    const fields: string[] = [];
    for (let i = 0; i < sc.fieldCount; i++) {
      const s = sc.starts[i]!;
      const e = sc.ends[i]!;
      if (sc.flags[i]! & FIELD_ESCAPED) {
        const out = new Uint8Array(e - s);
        const n = unescapeField(buf, s, e, QUOTE, out);
        fields.push(Buffer.from(out.subarray(0, n)).toString('utf8'));
      } else fields.push(buf.toString('utf8', s, e));
    }
    records.push(fields);
    lines.push(sc.lines);
    pos = end;
  }
  return { records, lines };
}

test('plain fields, empty fields and a trailing delimiter', () => {
  assert.deepEqual(scanAll('a,b,c\n1,,3\n,,\n').records, [
    ['a', 'b', 'c'],
    ['1', '', '3'],
    ['', '', ''],
  ]);
});

test('quoted fields keep delimiters, doubled quotes and line breaks', () => {
  const { records, lines } = scanAll('x,"a,b","say ""hi""","two\nlines"\n');
  assert.deepEqual(records, [['x', 'a,b', 'say "hi"', 'two\nlines']]);
  assert.deepEqual(lines, [2]);
});

test('LF, CRLF and lone CR all end a record; a last record may lack a line break', () => {
  assert.deepEqual(scanAll('a\r\nb\rc\nd').records, [['a'], ['b'], ['c'], ['d']]);
  assert.deepEqual(scanAll('1,"x\r\ny"\r\n2,z\r\n').records, [
    ['1', 'x\r\ny'],
    ['2', 'z'],
  ]);
});

test('other delimiters', () => {
  assert.deepEqual(scanAll('a;b\n"1;2";3\n', ';').records, [
    ['a', 'b'],
    ['1;2', '3'],
  ]);
  assert.deepEqual(scanAll('a\tb\n', '\t').records, [['a', 'b']]);
});

test('an incomplete record asks for more input instead of guessing', () => {
  const sc = new RecordScanner(44);
  const buf = Buffer.from('1,"open\nstill open');
  assert.equal(sc.scan(buf, 0, buf.length, false), -1);
  const partial = Buffer.from('1,2');
  assert.equal(sc.scan(partial, 0, partial.length, false), -1);
  // A CR at the end of the bytes may be the first half of CRLF.
  const cr = Buffer.from('1,2\r');
  assert.equal(sc.scan(cr, 0, cr.length, false), -1);
  assert.equal(sc.scan(cr, 0, cr.length, true), 4);
});

test('an unclosed quote at the end of input is reported with the line it opened on', () => {
  const sc = new RecordScanner(44);
  const buf = Buffer.from('1,2,"never\nclosed\nat all');
  const end = sc.scan(buf, 0, buf.length, true);
  assert.equal(end, buf.length);
  assert.equal(sc.unclosedQuote, true);
  assert.equal(sc.unclosedQuoteLine, 0);
  const sc2 = new RecordScanner(44);
  const buf2 = Buffer.from('"a\nb",x,"never\nclosed');
  sc2.scan(buf2, 0, buf2.length, true);
  assert.equal(sc2.unclosedQuote, true);
  assert.equal(sc2.unclosedQuoteLine, 1);
});

test('blank lines are recognised, a quoted empty field is not blank', () => {
  const sc = new RecordScanner(44);
  const buf = Buffer.from('\n""\n');
  sc.scan(buf, 0, buf.length, true);
  assert.equal(sc.isBlank(), true);
  sc.scan(buf, 1, buf.length, true);
  assert.equal(sc.isBlank(), false);
});

test('many fields grow the field arrays', () => {
  const row = Array.from({ length: 300 }, (_, i) => `f${i}`);
  assert.deepEqual(scanAll(row.join(',') + '\n').records, [row]);
});
