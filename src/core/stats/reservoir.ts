// A seeded uniform sample of a stream of numbers in bounded memory (Vitter's algorithm R): the first
// `capacity` values are kept, then value i replaces a random slot with probability capacity / i. The same
// seed and stream give the same sample, so a drift check is repeatable.
import { seededRandom } from '../clean/random.js';

export class Reservoir {
  private readonly values: Float64Array;
  private readonly next: () => number;
  /** Values offered so far. */
  seen = 0;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    this.values = new Float64Array(capacity);
    this.next = seededRandom(seed);
  }

  add(x: number): void {
    if (this.seen < this.capacity) this.values[this.seen] = x;
    else {
      const slot = Math.floor(this.next() * (this.seen + 1));
      if (slot < this.capacity) this.values[slot] = x;
    }
    this.seen++;
  }

  get sampled(): boolean {
    return this.seen > this.capacity;
  }

  /** The kept values, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.values.slice(0, Math.min(this.seen, this.capacity)).sort();
  }
}
