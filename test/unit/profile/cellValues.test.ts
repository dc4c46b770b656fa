import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTextKey, textKey, textKeyOut } from '../../../src/core/profile/cellValues.js';

test('textKey counts characters (code points) of UTF-8 text of every length and alignment', () => {
  const samples = ['', 'a', 'US', 'abc', 'abcd', 'Lober', 'é', 'café', 'naïve façade', '€ 3', '£12', '日本語テキスト', 'a😀b', '😀😀😀😀', 'x'.repeat(37) + 'ü'];
  for (const text of samples) {
    const bytes = Buffer.from(text, 'utf8');
    // Misaligned copies too: the word loop must not depend on where the cell starts.
    for (const pad of [0, 1, 2, 3]) {
      const buf = new Uint8Array(pad + bytes.length + 5).fill(0x80);
      buf.set(bytes, pad);
      assert.equal(textKey(buf, pad, pad + bytes.length), [...text].length, `${text} at +${pad}`);
    }
  }
});

test('textKey: same bytes give the same key anywhere; distinct texts give distinct keys, tagged as text', () => {
  const keyOf = (buf: Uint8Array, s: number, e: number): string => {
    textKey(buf, s, e);
    assert.ok(isTextKey(textKeyOut[1]!));
    return `${textKeyOut[0]},${textKeyOut[1]}`;
  };
  const a = Buffer.from('xx2017-10-05 12:12:59');
  const b = Buffer.from('2017-10-05 12:12:59yyy');
  assert.equal(keyOf(a, 2, a.length), keyOf(b, 0, 19));
  // Near-identical values (one byte or one swapped word apart, prefixes) must not share a key.
  const seen = new Set<string>();
  const texts: string[] = [];
  for (let i = 0; i < 100_000; i++) texts.push(`P${i}`, `2017-${i}`, `${i}`.padStart(8, '0'), `user_${i}@example.com`);
  texts.push('abcdefgh', 'efghabcd', 'abcdefg', 'abcdefghi', 'a', 'aa', 'aaaa', 'aaaaaaaa');
  for (const t of texts) seen.add(keyOf(Buffer.from(t), 0, Buffer.byteLength(t)));
  assert.equal(seen.size, texts.length);
});

test('parseIsoDate: fixed-layout dates and date-times agree with Date.UTC, invalid ones are NaN', async () => {
  const { parseIsoDate } = await import('../../../src/core/profile/cellValues.js');
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pad = (v: number, w: number): string => String(v).padStart(w, '0');
  for (let i = 0; i < 20000; i++) {
    const y = 1000 + rnd(2000);
    const mo = rnd(14);
    const d = rnd(33);
    const hh = rnd(26);
    const mi = rnd(61);
    const sec = rnd(62);
    const sep = ['T', ' ', 't'][rnd(3)]!;
    const date = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
    const withTime = `${date}${sep}${pad(hh, 2)}:${pad(mi, 2)}:${pad(sec, 2)}`;
    const day = new Date(Date.UTC(y, mo - 1, d));
    const validDay = mo >= 1 && mo <= 12 && d >= 1 && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
    const dateMs = validDay ? Date.UTC(y, mo - 1, d) : NaN;
    const timeMs = validDay && hh <= 24 && mi <= 59 && sec <= 60 ? Date.UTC(y, mo - 1, d, hh, mi, sec) : NaN;
    const a = Buffer.from(date);
    const b = Buffer.from(withTime);
    assert.ok(Object.is(parseIsoDate(a, 0, a.length), dateMs), date);
    assert.ok(Object.is(parseIsoDate(b, 0, b.length), timeMs), withTime);
  }
  // Other layouts still go through the general reader.
  const other = (t: string): number => parseIsoDate(Buffer.from(t), 0, t.length);
  assert.equal(other('2020/01/02'), Date.UTC(2020, 0, 2));
  assert.equal(other('2020-1-2'), Date.UTC(2020, 0, 2));
  assert.equal(other('2020-01-02 03:04+01'), Date.UTC(2020, 0, 2, 2, 4));
  assert.equal(other('2020-01-02T03:04:05Z'), Date.UTC(2020, 0, 2, 3, 4, 5));
  assert.ok(Number.isNaN(other('2020-01-0x')));
  assert.ok(Number.isNaN(other('2020-01-02 03:04:0x')));
});
