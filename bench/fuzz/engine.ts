/**
 * The fuzz engine: feeds each target its share of seeded inputs and classifies every outcome as
 * ok, an expected error (by a short kind label) or a crash (any other exception, or a hang: one
 * input taking longer than HANG_MS). Deterministic: the same seed, inputs and targets give the same
 * inputs and the same counts (times aside).
 */
import { DecodeError } from '../../firmware/codec/errors.ts';
import { Rng, targetSeed } from './prng.ts';

/** One input taking longer than this is reported as a hang (a crash), not failed on speed. */
export const HANG_MS = 1000;

export type FuzzInput = Uint8Array | string;

export interface FuzzTarget<I extends FuzzInput = FuzzInput> {
  name: string;
  /** What it decodes, for the report. */
  what: string;
  /** Its share of the inputs (shares are normalised over the targets run). */
  share: number;
  /** Real inputs to mutate from; built once per run. */
  corpus(): I[];
  /** One fuzz input. */
  input(rng: Rng, corpus: readonly I[]): I;
  /**
   * Decodes `input`. Returns nothing (or a promise of nothing) when it is accepted, an error kind
   * when the decoder reports a problem by value; throws when it throws.
   */
  run(input: I): string | void | Promise<string | void>;
  /** The kind of a thrown error the decoder is expected to throw, or null: a crash. */
  classify(err: unknown, input: I): string | null;
}

export interface Crash {
  input: FuzzInput;
  /** `TypeError: …`, or `hang: 1234 ms`. */
  error: string;
  stack: string | undefined;
}

export interface TargetResult {
  name: string;
  what: string;
  inputs: number;
  ok: number;
  /** Expected errors by kind. */
  errors: Map<string, number>;
  /** Crashes by kind (first line of the error). */
  crashKinds: Map<string, number>;
  crashes: number;
  /** The first few crashing inputs. */
  samples: Crash[];
  /** Wall time spent in the decoder (input generation excluded), ms. */
  decodeMs: number;
  /** The slowest single input, ms, and that input. */
  slowestMs: number;
  slowestInput: FuzzInput | undefined;
}

export interface FuzzOptions {
  /** Inputs over all the targets, split by share. */
  inputs: number;
  seed: number;
  targets: readonly FuzzTarget[];
  /** Crashing inputs kept per target. */
  keep?: number;
  /** One input over this many ms is a hang (default HANG_MS). */
  hangMs?: number;
  onProgress?: (r: TargetResult) => void;
  /** Called before a target's first input and after every 1,024th, outside the decoder's time: for progress lines. */
  onInputs?: (target: string, done: number, count: number) => void;
}

/** Each target's number of inputs: `total` split by share, the remainder to the first targets. */
export function splitInputs(total: number, targets: readonly FuzzTarget[]): number[] {
  const sum = targets.reduce((s, t) => s + t.share, 0);
  const counts = targets.map((t) => Math.floor((total * t.share) / sum));
  let rest = total - counts.reduce((s, c) => s + c, 0);
  for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]!++;
  return counts;
}

/** A DecodeError as a kind: what was expected, numbers and hex folded so similar ones group. */
export function decodeErrorKind(err: DecodeError): string {
  const expected = err.expected
    .replace(/0x[0-9A-Fa-f]+/g, 'HEX')
    .replace(/\d+/g, 'N')
    .replace(/HEX/g, '0x…')
    .split(/[(:]/)[0]!
    .trim();
  return `DecodeError: ${expected.length > 60 ? `${expected.slice(0, 59)}…` : expected}`;
}

/**
 * The kind of a DecodeError thrown decoding `input`, or null when it is not a well-formed one (an
 * offset outside the input): a decoder bug, reported as a crash.
 */
export function classifyDecodeError(err: unknown, input: FuzzInput): string | null {
  if (!(err instanceof DecodeError)) return null;
  if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > input.length) return null;
  return decodeErrorKind(err);
}

function errorLine(err: unknown): string {
  if (err instanceof DecodeError) return `DecodeError with offset ${err.offset}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message.split('\n')[0]!.slice(0, 200)}`;
  return `thrown ${typeof err}: ${String(err).slice(0, 200)}`;
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export async function runTarget(
  target: FuzzTarget,
  count: number,
  seed: number,
  keep = 5,
  hangMs = HANG_MS,
  onInputs?: (target: string, done: number, count: number) => void,
): Promise<TargetResult> {
  const rng = new Rng(targetSeed(seed, target.name));
  const corpus = target.corpus();
  const result: TargetResult = { name: target.name, what: target.what, inputs: 0, ok: 0, errors: new Map(), crashKinds: new Map(), crashes: 0, samples: [], decodeMs: 0, slowestMs: 0, slowestInput: undefined };
  const crash = (input: FuzzInput, error: string, stack: string | undefined) => {
    result.crashes++;
    bump(result.crashKinds, error.replace(/\d+/g, 'N').slice(0, 120));
    if (result.samples.length < keep) result.samples.push({ input, error, stack });
  };
  for (let i = 0; i < count; i++) {
    if (onInputs && (i & 1023) === 0) onInputs(target.name, i, count);
    const input = target.input(rng, corpus);
    const start = performance.now();
    let kind: string | void = undefined;
    let failure: unknown;
    let threw = false;
    try {
      const r = target.run(input);
      kind = r instanceof Promise ? await r : r;
    } catch (err) {
      threw = true;
      failure = err;
    }
    const ms = performance.now() - start;
    result.decodeMs += ms;
    if (ms > result.slowestMs) {
      result.slowestMs = ms;
      result.slowestInput = input;
    }
    result.inputs++;
    if (ms > hangMs) {
      crash(input, `hang: ${Math.round(ms)} ms for one input`, undefined);
      continue;
    }
    if (threw) {
      let expected: string | null;
      try {
        expected = target.classify(failure, input);
      } catch {
        expected = null;
      }
      if (expected === null) crash(input, errorLine(failure), failure instanceof Error ? failure.stack : undefined);
      else bump(result.errors, expected);
    } else if (typeof kind === 'string') bump(result.errors, kind);
    else result.ok++;
  }
  return result;
}

/** Runs every target its share of `inputs`, in order. */
export async function runFuzz(o: FuzzOptions): Promise<TargetResult[]> {
  const counts = splitInputs(o.inputs, o.targets);
  const out: TargetResult[] = [];
  for (let i = 0; i < o.targets.length; i++) {
    const r = await runTarget(o.targets[i]!, counts[i]!, o.seed, o.keep, o.hangMs, o.onInputs);
    o.onProgress?.(r);
    out.push(r);
  }
  return out;
}
