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
