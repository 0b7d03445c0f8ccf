/**
 * Seeded randomness for the tweet generator: small, fast and reproducible across platforms.
 * Not for anything secret.
 */

// Bound once: under Jest's vm context every `Math.` lookup in a hot loop is a slow global access.
const { imul, floor, pow } = Math;

/** Mixes two 32-bit integers into a well-spread 32-bit seed (murmur3's finalizer). */
export function mixSeed(a: number, b: number): number {
  let h = imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed for item `index` of a stream: each item gets its own generator, so skipping is O(1). */
export function itemSeed(seed: number, index: number): number {
  const high = floor(index / 0x1_0000_0000);
  return mixSeed(mixSeed(seed, index >>> 0), high);
}

/** mulberry32: one 32-bit word of state, passes the usual statistical batteries for this use. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  reseed(seed: number): this {
    this.state = seed >>> 0;
    return this;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new RangeError("cannot pick from an empty list");
    return item;
  }
}

/**
 * Zipf-distributed ranks: rank r (0-based) has weight 1 / (r + 1)^exponent, so a few items are
 * very common and most are rare, as with words and authors in a real stream.
 */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(
    readonly size: number,
    exponent: number,
  ) {
    if (size < 1) throw new RangeError("a Zipf distribution needs at least one rank");
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let rank = 0; rank < size; rank++) {
      total += 1 / pow(rank + 1, exponent);
      this.cumulative[rank] = total;
    }
    for (let rank = 0; rank < size; rank++) this.cumulative[rank] = (this.cumulative[rank] ?? 0) / total;
  }

  /** Probability of `rank`, for tests and tuning. */
  probability(rank: number): number {
    return (this.cumulative[rank] ?? 1) - (rank === 0 ? 0 : (this.cumulative[rank - 1] ?? 0));
  }

  /** The item at a Zipf-distributed rank of `items` (ranked most common first, `size` long). */
  pick<T>(random: Random, items: readonly T[]): T {
    const item = items[this.sample(random)];
    if (item === undefined) throw new RangeError(`a Zipf of ${this.size} ranks cannot pick from ${items.length} items`);
    return item;
  }

  /** A 0-based rank. */
  sample(random: Random): number {
    const u = random.next();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] ?? 1) > u) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
