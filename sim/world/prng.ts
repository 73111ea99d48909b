/**
 * A small seeded pseudo-random generator for the simulated world: xoshiro128** seeded through
 * cyrb128 from `hanlab:{seed}:{label}`. Everything random in a run (consumption noise, frame loss,
 * wake jitter…) comes from a stream forked off one root, so a run is reproducible from its seed.
 *
 * `fork(label)` derives a stream from the root seed and the label path only, never from the
 * parent's current state: forking does not consume the parent, and adding a new random consumer
 * (a new fork) does not shift any other consumer's sequence.
 */
export interface Prng {
  /** The root seed this stream was derived from. */
  readonly seed: number;
  /** The fork path ('' for the root, 'faults/outage:gsme-gpf:…' for a fork of a fork). */
  readonly label: string;
  /** Next unsigned 32-bit integer. */
  next(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** True with probability p (p ≤ 0: never, p ≥ 1: always, without drawing). */
  chance(p: number): boolean;
  /** An independent stream derived from (seed, this label path, label). */
  fork(label: string): Prng;
}

/** cyrb128: four 32-bit hashes of a string (public domain, bryc). */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

class Xoshiro128ss implements Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly seed: number,
    readonly label: string,
  ) {
    [this.a, this.b, this.c, this.d] = cyrb128(`hanlab:${seed}:${label}`);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  float(): number {
    return this.next() / 4294967296;
  }

  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`Prng.int: expected integers lo ≤ hi, found ${lo}, ${hi}`);
    }
    const span = hi - lo + 1;
    if (span <= 4294967296) {
      // Rejection sampling: unbiased for any span up to 2^32.
      const limit = 4294967296 - (4294967296 % span);
      let x = this.next();
      while (x >= limit) x = this.next();
      return lo + (x % span);
    }
    return lo + Math.floor((this.next() * 4294967296 + this.next()) / 2 ** 64 * span);
  }

  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  fork(label: string): Prng {
    return new Xoshiro128ss(this.seed, this.label === '' ? label : `${this.label}/${label}`);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The root stream of a run. `seed` is an integer ≥ 0 (the scenario's seed or the CLI's --seed). */
export function createPrng(seed: number, label = ''): Prng {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`createPrng: expected an integer seed ≥ 0, found ${seed}`);
  return new Xoshiro128ss(seed, label);
}
