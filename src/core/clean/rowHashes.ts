// Duplicate rows in bounded memory: each row is reduced to a 64-bit hash (two independent 32-bit hashes
// over the cells' canonical text) kept in an open-addressing table, 8 bytes a slot at <= 0.75 load, about
// 11 bytes per distinct row instead of the row itself (sized from the file, grown by 1.5x when short). Two different rows share a 64-bit hash with
// probability ~n^2 / 2^65 (1e-6 for 6 million distinct rows): then the second would be dropped as a duplicate.
import type { Cell } from './cells.js';
import type { RowSet } from './steps.js';

const MAX_LOAD = 0.75;
/** Growth factor: 1.5 rather than 2 keeps the old and new tables together (while rehashing) under 2.5x the old. */
const GROWTH = 1.5;

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
  /** Slot count; any size (not a power of two), so a table sized from an estimate wastes little. */
  private size: number;
  private used = 0;

  /** `expectedRows`: distinct rows expected (e.g. from the file size); the table grows past it if needed. */
  constructor(expectedRows = 50_000) {
    this.size = Math.max(16, Math.ceil(expectedRows / MAX_LOAD));
    this.slots = new Uint32Array(this.size * 2);
  }

  get count(): number {
    return this.used;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  add(row: readonly Cell[]): boolean {
    const [a, b0] = hashRow(row);
    // (0, 0) marks an empty slot.
    const b = a === 0 && b0 === 0 ? 1 : b0;
    if (!this.insert(a, b)) return false;
    if (++this.used > this.size * MAX_LOAD) this.grow();
    return true;
  }

  private insert(a: number, b: number): boolean {
    const s = this.slots;
    const n = this.size;
    // The hash's position in [0, 2^32) scaled to the table: uniform for any table size.
    for (let i = Math.floor((a / 4294967296) * n); ; i = i + 1 === n ? 0 : i + 1) {
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
    this.size = Math.ceil(this.size * GROWTH);
    this.slots = new Uint32Array(this.size * 2);
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i]!;
      const b = old[i + 1]!;
      if (a !== 0 || b !== 0) this.insert(a, b);
    }
  }
}
