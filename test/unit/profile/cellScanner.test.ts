import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordScanner } from '../../../src/core/csv/scanner.js';
import { CELL_BYTES, CELL_NUMBER, CELL_TEXT, CellScanner } from '../../../src/core/profile/cellScanner.js';
import { parseNumber, parsedInteger, textKey, textKeyOut } from '../../../src/core/profile/cellValues.js';

const CELLS = [
  '0', '-0', '+3', '12', '-7.25', '.5', '5.', '1e5', '2E-3', '1.5e-30', '1e22', '1e23', '1e-22', '1e-23', '00012',
  '12345678901234567890', '9007199254740993', '3e400', '-', '+', '.', '1e', '1e+', '12a', '1.2.3', ' 8', '9 ', '',
  'NA', 'abc', 'café', '日本', '2020-01-02', 'true', '"7"', '"a""b"', '-999',
];

/** Scans `line` with both scanners: fields must agree, and each fast-path cell must match the byte-level readers. */
function check(line: string, mixed: number, missingFirstBytes: string): number[] {
  const buf = Buffer.from(line + '\n', 'utf8');
  const cols = line.split(',').length;
  const flags = new Uint8Array(cols).fill(mixed);
  const first = new Uint8Array(256);
  for (const c of missingFirstBytes) first[c.charCodeAt(0)] = 1;
  const fast = new CellScanner(44, flags, first);
  const plain = new RecordScanner(44);
  assert.equal(fast.scan(buf, 0, buf.length, false), plain.scan(buf, 0, buf.length, false));
  assert.equal(fast.fieldCount, plain.fieldCount);
  const kinds: number[] = [];
  for (let i = 0; i < plain.fieldCount; i++) {
    assert.equal(fast.starts[i], plain.starts[i]);
    assert.equal(fast.ends[i], plain.ends[i]);
    assert.equal(fast.flags[i], plain.flags[i]);
    const s = plain.starts[i]!;
    const e = plain.ends[i]!;
    const k = fast.kind[i]!;
    kinds.push(k);
    if (k === CELL_NUMBER) {
      const v = parseNumber(buf, s, e);
      assert.ok(v === v, `${buf.toString('utf8', s, e)} parses`);
      assert.ok(Object.is(fast.num[i], v), `${buf.toString('utf8', s, e)}: ${fast.num[i]} vs ${v}`);
      assert.equal(fast.integer[i], parsedInteger ? 1 : 0);
    } else if (k === CELL_TEXT) {
      const chars = textKey(buf, s, e);
      assert.equal(fast.keyLo[i]! >>> 0, textKeyOut[0]);
      assert.equal(fast.keyHi[i]! >>> 0, textKeyOut[1]);
      assert.equal(fast.chars[i], chars);
    }
  }
  return kinds;
}

test('number columns: clean numbers are parsed as parseNumber does, everything else is left to the bytes', () => {
  // Past 2^53 or 1e±22 the exact fast formula does not hold (1.5e-30, 1e23): those go to parseNumber's slow path.
  const kinds = check(CELLS.join(','), 0, 'N?');
  const expectNumber = ['0', '-0', '+3', '12', '-7.25', '.5', '5.', '1e5', '2E-3', '1e22', '1e-22', '00012', '-999'];
  CELLS.forEach((c, i) => assert.equal(kinds[i], expectNumber.includes(c) ? CELL_NUMBER : CELL_BYTES, c));
});

test('number columns: a cell starting with a missing token byte takes the byte-level path', () => {
  const kinds = check('-999,-5,7', 0, '-');
  assert.deepEqual(kinds, [CELL_BYTES, CELL_BYTES, CELL_NUMBER]);
});

test('text columns: unquoted cells are hashed as textKey hashes them', () => {
  const kinds = check(CELLS.join(','), 1, 'N?');
  CELLS.forEach((c, i) => assert.equal(kinds[i], c.startsWith('"') ? CELL_BYTES : CELL_TEXT, c));
});

test('a record cut by the end of the buffer is not finished until the input ends', () => {
  const buf = Buffer.from('12,abc,3.5', 'utf8');
  const fast = new CellScanner(44, new Uint8Array(3), new Uint8Array(256));
  assert.equal(fast.scan(buf, 0, buf.length, false), -1);
  assert.equal(fast.scan(buf, 0, buf.length, true), buf.length);
  assert.equal(fast.kind[2], CELL_NUMBER);
  assert.equal(fast.num[2], 3.5);
});
