// Duplicate rows in bounded memory: each row is reduced to a 64-bit hash (two independent 32-bit hashes
// over the cells' canonical text) kept in an open-addressing table, 8 bytes a slot at <= 0.7 load, about
// 11 bytes per distinct row instead of the row itself. Two different rows share a 64-bit hash with
// probability ~n^2 / 2^65 (1e-6 for 6 million distinct rows): then the second would be dropped as a duplicate.
import type { Cell } from './cells.js';
import type { RowSet } from './steps.js';

const MAX_LOAD = 0.7;

/** Two 32-bit hashes of the row; numbers hash by their text, so 1 and "1.0"-parsed-to-1 agree. */
export function hashRow(row: readonly Cell[]): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (const c of row) {
    // The type tag keeps null, the number 1 and the text "1" apart, and closes each cell.
    const tag = c === null ? 1 : typeof c === 'number' ? 2 : 3;
    const s = c === null ? '' : typeof c === 'number' ? String(c) : c;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      a = Math.imul(a ^ ch, 0x01000193);
      b = Math.imul((b ^ ch) + ((b << 5) | 0), 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ (0x100 + tag), 0x01000193);
    b = Math.imul(b ^ (0x100 + tag), 0x5bd1e995);
    b ^= b >>> 13;
  }
  // Final avalanche (murmur3 fmix32) so the low bits used for the slot are well mixed.
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  return [a >>> 0, b >>> 0];
}

export class RowHashSet implements RowSet {
  private slots: Uint32Array;
  private mask: number;
  private used = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = new Uint32Array(initialSlots * 2);
    this.mask = initialSlots - 1;
  }

  get size(): number {
    return this.used;
  }

  add(row: readonly Cell[]): boolean {
    const [a, b0] = hashRow(row);
    // (0, 0) marks an empty slot.
    const b = a === 0 && b0 === 0 ? 1 : b0;
    if (!this.insert(a, b)) return false;
    if (++this.used > (this.mask + 1) * MAX_LOAD) this.grow();
    return true;
  }

  private insert(a: number, b: number): boolean {
    const s = this.slots;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const x = s[2 * i]!;
      const y = s[2 * i + 1]!;
      if (x === 0 && y === 0) {
        s[2 * i] = a;
        s[2 * i + 1] = b;
        return true;
      }
      if (x === a && y === b) return false;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i]!;
      const b = old[i + 1]!;
      if (a !== 0 || b !== 0) this.insert(a, b);
    }
  }
}
