/**
 * The field schemas every section is built from, and the issue conventions of the scenario format
 * (see schema.ts): an issue's message is the *expected* part of "expected X, found Y".
 */
import { z } from 'zod';
import { TIMER_MAX_MS } from './device-limits.ts';
import { formatDuration, parseDuration, parseIsoTime, parseTimeOfDay } from './time.ts';

/** What an issue raised in a transform may carry besides its message (the expected part). */
export interface IssueParams {
  found?: string;
  resolved?: string;
}

export type Ctx = z.core.$RefinementCtx<unknown>;

export function fail(ctx: Ctx, expected: string, params?: IssueParams, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: expected, ...(params ? { params } : {}), ...(path ? { path } : {}) });
}

export const E = {
  name: "lower-case letters, digits and '-' (like 'han-outage-prepay')",
  seed: 'an integer ≥ 0',
  duration: "a duration like '30m', '3h' or seconds",
  signedDuration: "a signed duration like '-5m', '90s' or seconds",
  start: "an ISO 8601 UTC time like '2026-01-15T00:00:00Z'",
  at: "an ISO 8601 UTC time like '2026-01-15T17:30:00Z' or an offset from start like '+20h'",
  timeOfDay: "a time of day 'HH:MM' (00:00 to 23:59)",
  eui: "an EUI-64 of 16 hex digits like '00DB1234567890A3'",
  bool: 'true or false',
};

export const nameText = z.string({ error: E.name }).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: E.name });

export function num(expected: string, ok: (v: number) => boolean = () => true) {
  return z.number({ error: expected }).refine(ok, { error: expected });
}

export const bool = () => z.boolean({ error: E.bool });

export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  const expected = values.length === 2 ? `'${values[0]}' or '${values[1]}'` : `one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return z.enum(values, { error: expected });
}

const stringOrNumber = (expected: string) =>
  z.custom<string | number>((v) => typeof v === 'string' || typeof v === 'number', { error: expected });

/** A duration field → ms. `positive`: must be > 0. `signed`: may be negative. `timer`: a device waits it on a timer. */
export function duration(opts: { positive?: boolean; signed?: boolean; timer?: boolean } = {}) {
  const expected = opts.signed ? E.signedDuration : E.duration;
  return stringOrNumber(expected).transform((v, ctx) => {
    const ms = parseDuration(v, { signed: opts.signed ?? false });
    if (ms === undefined) {
      fail(ctx, expected);
      return z.NEVER;
    }
    if (opts.positive && ms <= 0) {
      fail(ctx, 'a duration longer than 0');
      return z.NEVER;
    }
    // The same bound a board's config has (boards/config/device-config-schema.ts): a scenario's devices are ones a board could run.
    if (opts.timer && ms > TIMER_MAX_MS) {
      fail(ctx, `a duration of at most ${formatDuration(TIMER_MAX_MS)} (the longest a board's timer waits)`);
      return z.NEVER;
    }
    return ms;
  });
}

/** A time as given: absolute (epoch ms) or relative to the scenario start ('+20h'). */
export type TimeRef = { abs: number } | { rel: number };

export function absTime(expected: string) {
  return z.string({ error: expected }).transform((v, ctx) => {
    const ms = parseIsoTime(v);
    if (ms === undefined) {
      fail(ctx, expected);
      return z.NEVER;
    }
    return ms;
  });
}

export const timeRef = () =>
  z.string({ error: E.at }).transform((v, ctx): TimeRef => {
    const text = v.trim();
    if (text.startsWith('+')) {
      const ms = parseDuration(text.slice(1));
      if (ms !== undefined) return { rel: ms };
    } else {
      const ms = parseIsoTime(text);
      if (ms !== undefined) return { abs: ms };
    }
    fail(ctx, E.at);
    return z.NEVER;
  });

export const eui = () =>
  z
    .custom<string>((v) => typeof v === 'string' || typeof v === 'number', { error: E.eui })
    .transform((v, ctx) => {
      if (typeof v === 'number') {
        fail(ctx, `${E.eui} (quote it: YAML read it as a number)`);
        return z.NEVER;
      }
      if (!/^[0-9A-Fa-f]{16}$/.test(v)) {
        fail(ctx, E.eui);
        return z.NEVER;
      }
      return v.toUpperCase();
    });

export const timeOfDay = () =>
  z.string({ error: E.timeOfDay }).transform((v, ctx) => {
    const ms = parseTimeOfDay(v);
    if (ms === undefined) {
      fail(ctx, E.timeOfDay);
      return z.NEVER;
    }
    return ms;
  });

function closest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(1, Math.floor(key.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** One line per unknown key, in the order of `keys`: "unknown key 'x' (did you mean 'y'?); known keys: a, b". */
export function unknownKeyMessage(keys: string[], known: string[]): string {
  return keys
    .map((k) => {
      const guess = closest(k, known);
      return `unknown key '${k}'${guess ? ` (did you mean '${guess}'?)` : ''}; known keys: ${known.join(', ')}`;
    })
    .join('\n');
}

/** A strict object: unknown keys are errors naming the key and the known ones. */
export function strict<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeyMessage(iss.keys, known) : `a mapping of ${what}`),
  });
}

export function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: `a list of ${what}` });
}
