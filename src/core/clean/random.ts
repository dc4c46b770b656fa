// Mulberry32: a small seeded generator (32-bit state). Small enough to mirror exactly in the exported
// Python script, so oversampling picks the same rows in both.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many times to write a row whose class should appear `copies` times as often (>= 1). */
export function copiesOf(copies: number, next: () => number): number {
  const whole = Math.floor(copies);
  const fraction = copies - whole;
  return fraction > 0 && next() < fraction ? whole + 1 : whole;
}
