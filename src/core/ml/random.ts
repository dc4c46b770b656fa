// Seeds for everything random in the AutoML engine. One generator (the cleaning step's mulberry32, so a
// seed means the same stream everywhere) and one way to derive independent seeds from (seed, trial, fold…).
export { seededRandom } from '../clean/random.js';

/** murmur3's 32-bit finaliser: every input bit changes about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit seed from several numbers, e.g. mixSeed(seed, trial, fold). Order matters (mixSeed(1, 2) ≠
 * mixSeed(2, 1)), and nearby inputs give unrelated seeds, so streams seeded from neighbouring trials or
 * folds do not overlap the way seed, seed + 1, … streams of a counter-based generator would. Parts are
 * taken as 32-bit integers (non-integers are truncated, negatives wrap).
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // Numbers beyond 32 bits keep their high part too.
    const lo = p >>> 0;
    const hi = Math.floor(Math.abs(p) / 4294967296) >>> 0;
    h = fmix32((h ^ lo) + 0x7f4a7c15);
    if (hi !== 0) h = fmix32((h ^ hi) + 0x165667b1);
  }
  return fmix32(h ^ parts.length);
}

/** Fisher–Yates shuffle of `a` in place with `next` (uniform in [0, 1)). */
export function shuffleInPlace(a: Int32Array, next: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
