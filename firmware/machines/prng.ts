/**
 * A pure xorshift32 generator. Its whole state is one uint32 kept in machine context and advanced
 * by `assign`, so a device's randomness (wake jitter) is a function of its seed: the same seed
 * gives the same wake times on every run and every board. Only shifts and xors: cheap on small
 * boards.
 */

/** xorshift32 has one fixed point, 0; a zero seed is replaced by this constant. */
const ZERO_SEED_REPLACEMENT = 0x9e3779b9;

/** A valid (non-zero uint32) generator state from any number. */
export function prngSeed(seed: number): number {
  let s = (Math.floor(seed) ^ 0x5bd1e995) >>> 0 || ZERO_SEED_REPLACEMENT;
  // A few warm-up steps spread small consecutive seeds (1, 2, 3 …) apart.
  for (let i = 0; i < 4; i++) s = prngNext(s).state;
  return s;
}

/** One step: the next state and a value in [0, 1). */
export function prngNext(state: number): { state: number; value: number } {
  let x = state >>> 0 || ZERO_SEED_REPLACEMENT;
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  return { state: x, value: x / 4294967296 };
}

/** An integer in [-spread, +spread] and the next state. */
export function prngJitter(state: number, spread: number): { state: number; jitter: number } {
  const { state: next, value } = prngNext(state);
  const jitter = spread <= 0 ? 0 : Math.round((2 * value - 1) * spread);
  return { state: next, jitter };
}
