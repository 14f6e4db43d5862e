/**
 * The run's seeded random number generator (xoshiro128**, seeded by splitmix32).
 *
 * One seed owns all randomness of a run. Components draw from named streams
 * derived from that seed (`derive('arrivals/0')`) rather than from one shared
 * sequence, so that changing how often one component draws (say, the random
 * router) does not shift another component's draws (the arrivals). That gives
 * common random numbers across policies: every heuristic in `compare` sees the
 * same requests at the same times for the same seed.
 *
 * The state is four 32-bit words, so it can be checkpointed and restored exactly.
 * Which seeds a run, a validation or a demonstration uses, and the streams
 * training and evaluation derive, are in seeds.ts.
 */
export type RngState = readonly [number, number, number, number];

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** A seeded stream of random numbers (see the top of this file): `next()` in [0, 1), `int(n)`, `normal()`, and `derive(label)` for an independent named stream. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  private constructor(readonly seed: number) {}

  /** A generator for `seed` (a non-negative safe integer); different seeds give unrelated sequences. */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    const rng = new Rng(seed);
    // Every state word depends on the low half (the first output is a function of
    // s1 alone, so s1 must vary with ordinary seeds), and (s0, s1) is a bijection
    // of (low, high): distinct seeds always give distinct states.
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    rng.s0 = mix32(low, 1);
    rng.s1 = mix32(high ^ mix32(low, 5), 2);
    rng.s2 = mix32(low, 3);
    rng.s3 = mix32(high ^ mix32(low, 6), 4);
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0) rng.s0 = 1;
    return rng;
  }

  static fromState(seed: number, state: RngState): Rng {
    const rng = new Rng(seed);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state;
    return rng;
  }

  /** An independent stream named `label`, derived from this generator's seed (not its position). */
  derive(label: string): Rng {
    // FNV-1a over "seed/label": stable across runs and platforms.
    const key = `${this.seed}/${label}`;
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return Rng.fromSeed(h >>> 0);
  }

  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 = s2 ^ s0;
    this.s3 = s3 ^ s1;
    this.s1 = s1 ^ this.s2;
    this.s0 = s0 ^ this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `items` in place (Fisher-Yates, one draw per position from the end) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** Standard normal draw (Box-Muller; the second value is discarded so the state stays four words). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential draw with the given rate (exact inverse CDF). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }
}

/** splitmix32-style finalizer of x + k * golden ratio: a bijection on 32-bit words for each k. */
function mix32(x: number, k: number): number {
  let z = (x + Math.imul(k, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
