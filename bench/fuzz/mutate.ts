/**
 * Mutations: bytes (bit flip, byte set/insert/delete, interesting values, truncation, splicing,
 * chunk duplication) and text (character edits, line edits, deep nesting, YAML aliases, huge
 * numbers, unknown keys, splicing). Structure-aware object mutations (a field set to a wrong type
 * or an out-of-range number, a key removed or added) for JSON/YAML documents.
 */
import type { Rng } from './prng.ts';

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x0c, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xfd, 0xfe, 0xff];

/** One byte-level mutation of `a` (a fresh array), `other` a corpus item to splice from. */
export function mutateBytesOnce(rng: Rng, a: Uint8Array, other: Uint8Array): Uint8Array {
  const n = a.length;
  const at = rng.int(n + 1);
  switch (rng.int(10)) {
    case 0:
    case 1: {
      // bit flip
      if (n === 0) return a;
      const out = a.slice();
      out[rng.int(n)]! ^= 1 << rng.int(8);
      return out;
    }
    case 2: {
      // byte set (random or interesting)
      if (n === 0) return a;
      const out = a.slice();
      out[rng.int(n)] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.byte();
      return out;
    }
    case 3: {
      // insert 1..4 bytes
      const k = rng.range(1, 4);
      const out = new Uint8Array(n + k);
      out.set(a.subarray(0, at), 0);
      for (let i = 0; i < k; i++) out[at + i] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.byte();
      out.set(a.subarray(at), at + k);
      return out;
    }
    case 4: {
      // delete 1..4 bytes
      const k = Math.min(rng.range(1, 4), n - Math.min(at, n));
      const out = new Uint8Array(n - k);
      out.set(a.subarray(0, at), 0);
      out.set(a.subarray(at + k), at);
      return out;
    }
    case 5:
      // truncation
      return a.slice(0, at);
    case 6: {
      // splice: our head, the other's tail
      const cut = rng.int(other.length + 1);
      const out = new Uint8Array(at + other.length - cut);
      out.set(a.subarray(0, at), 0);
      out.set(other.subarray(cut), at);
      return out;
    }
    case 7: {
      // duplicate a chunk
      if (n === 0) return a;
      const start = rng.int(n);
      const len = rng.range(1, Math.min(16, n - start));
      const out = new Uint8Array(n + len);
      out.set(a.subarray(0, start + len), 0);
      out.set(a.subarray(start), start + len);
      return out;
    }
    case 8: {
      // a 16- or 32-bit field set to an edge value (both byte orders)
      if (n < 2) return a;
      const out = a.slice();
      const p = rng.int(n - 1);
      const v = rng.pick([0x00, 0xff, 0x7f, 0x80]);
      out[p] = v;
      out[p + 1] = rng.chance(0.5) ? v : v ^ 0x80;
      return out;
    }
    default: {
      // overwrite a run with random bytes
      if (n === 0) return a;
      const out = a.slice();
      const start = rng.int(n);
      const len = rng.range(1, Math.min(8, n - start));
      for (let i = 0; i < len; i++) out[start + i] = rng.byte();
      return out;
    }
  }
}

/**
 * A fuzz input from a corpus of real byte strings: sometimes a real input untouched (the ok
 * path), sometimes random bytes, mostly 1–4 mutations of a real one.
 */
export function fuzzBytes(rng: Rng, corpus: readonly Uint8Array[], maxRandom = 64): Uint8Array {
  const roll = rng.int(100);
  if (roll < 4) return rng.pick(corpus);
  if (roll < 12) return rng.bytes(rng.length(maxRandom));
  let a = rng.pick(corpus);
  const count = rng.chance(0.6) ? 1 : rng.range(2, 4);
  for (let i = 0; i < count; i++) a = mutateBytesOnce(rng, a, rng.pick(corpus));
  return a;
}

const INTERESTING_CHARS = ['/', '#', '+', ':', '-', ' ', '\n', '\t', '\0', '"', "'", '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '\\', '0', '9', 'a', 'F', 'é', '\u2028', '\ud800', '😀'];
const HUGE_NUMBERS = ['1e309', '-1e309', '1e300', '99999999999999999999', '-0', '0x7fffffff', '2147483648', '4294967296', '9007199254740993', '.nan', 'NaN', '.inf', '-.inf', '1.5', '-1', '0', '1e-400'];
const YAML_ALIAS_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';

function insertAt(s: string, at: number, what: string): string {
  return s.slice(0, at) + what + s.slice(at);
}

/** One text-level mutation of `s`; `other` a corpus item to splice from. */
export function mutateTextOnce(rng: Rng, s: string, other: string): string {
  const n = s.length;
  const at = rng.int(n + 1);
  switch (rng.int(14)) {
    case 0:
      // insert a character
      return insertAt(s, at, rng.chance(0.6) ? rng.pick(INTERESTING_CHARS) : String.fromCharCode(rng.range(0x20, 0x7e)));
    case 1:
      // delete 1..8 characters
      return s.slice(0, at) + s.slice(at + rng.range(1, 8));
    case 2:
      // replace a character
      return s.slice(0, at) + rng.pick(INTERESTING_CHARS) + s.slice(at + 1);
    case 3:
      // truncation
      return s.slice(0, at);
    case 4: {
      // splice
      const cut = rng.int(other.length + 1);
      return s.slice(0, at) + other.slice(cut);
    }
    case 5: {
      // delete or duplicate a line
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      if (rng.chance(0.5)) lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 6: {
      // deep nesting (flow style: valid in JSON and YAML), or a long run of one structural token
      // (stray brackets, ': ' that nest implicit maps, anchors, tags, commas)
      const depth = rng.pick([8, 31, 33, 64, 1000, 20000]);
      const open = rng.pick(['[', '{"a":', '{', ': ', '&a ', '!t ', ',', ']', '? ', '- ']).repeat(depth);
      return rng.chance(0.5) ? insertAt(s, at, open) : open + s;
    }
    case 7: {
      // YAML anchors and aliases: a bomb, an alias of no anchor, or an anchor reused
      const what = rng.pick([YAML_ALIAS_BOMB, '*nope', 'x: &x 1\ny: *x\n', '&a [*a]', '<<: *a\n']);
      return rng.chance(0.5) ? what + s : insertAt(s, at, what);
    }
    case 8: {
      // huge or odd numbers in place of a number
      const m = /-?\d+(\.\d+)?/g;
      const spots: number[] = [];
      let hit: RegExpExecArray | null;
      while ((hit = m.exec(s)) !== null && spots.length < 64) spots.push(hit.index);
      if (spots.length === 0) return insertAt(s, at, rng.pick(HUGE_NUMBERS));
      const i = rng.pick(spots);
      const len = /^-?\d+(\.\d+)?/.exec(s.slice(i))![0].length;
      return s.slice(0, i) + rng.pick(HUGE_NUMBERS) + s.slice(i + len);
    }
    case 9: {
      // an unknown key at the start of a line (keeping that line's indent)
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      const indent = /^\s*/.exec(lines[i]!)![0];
      lines.splice(i, 0, `${indent}${rng.pick(['zzz', '__proto__', 'constructor', 'toString', 'seed', 'extra'])}: ${rng.pick(HUGE_NUMBERS)}`);
      return lines.join('\n');
    }
    case 10:
      // a tab or odd indentation
      return insertAt(s, at, rng.pick(['\t', '   ', '\n  ', '\n- ']));
    case 11: {
      // a long run
      return insertAt(s, at, rng.pick(['a', '9', ' ', '-', '\n']).repeat(rng.pick([100, 5000])));
    }
    case 12:
      // a quote or bracket dropped in
      return insertAt(s, at, rng.pick(['"', "'", '[', ']', '{', '}', '`', '|']));
    default:
      // a random ASCII character overwritten
      return s.slice(0, at) + String.fromCharCode(rng.range(0, 0x7f)) + s.slice(at + 1);
  }
}

/** A random string: printable ASCII and the interesting characters. */
export function randomText(rng: Rng, max: number): string {
  const n = rng.length(max);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.chance(0.2) ? rng.pick(INTERESTING_CHARS) : String.fromCharCode(rng.range(0x20, 0x7e));
  return s;
}

/** Like fuzzBytes for text. */
export function fuzzText(rng: Rng, corpus: readonly string[], maxRandom = 128): string {
  const roll = rng.int(100);
  if (roll < 4) return rng.pick(corpus);
  if (roll < 10) return randomText(rng, maxRandom);
  let s = rng.pick(corpus);
  const count = rng.chance(0.6) ? 1 : rng.range(2, 3);
  for (let i = 0; i < count; i++) s = mutateTextOnce(rng, s, rng.pick(corpus));
  return s;
}

const ODD_VALUES: readonly unknown[] = [-1, 0, 1, 1e300, -1e300, 2 ** 53 + 2, 0.5, 'fast', '', 'x'.repeat(300), null, true, [], {}, [1, 2, 3], { a: 1 }, '00DB48FFFE00A001', '00db48fffe00a001', 'gsme', 'legacy', '30m', 'P1D'];

/** One of ODD_VALUES, copied: the mutated document must not share (and later mutate) the list's objects. */
function odd(rng: Rng): unknown {
  return structuredClone(rng.pick(ODD_VALUES));
}

/** Paths of every value in a JSON-like tree (bounded). */
function paths(v: unknown, prefix: (string | number)[], out: (string | number)[][]): void {
  if (out.length > 200) return;
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out)));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([...prefix, k]), paths(x, [...prefix, k], out);
}

/**
 * A structure-aware mutation of a JSON-like document (deep-copied): a value set to an odd one
 * (wrong type, out of range, huge), a key deleted, an unknown key added, a list emptied.
 */
export function mutateObject(rng: Rng, doc: unknown): unknown {
  const root = structuredClone(doc);
  const count = rng.chance(0.7) ? 1 : rng.range(2, 3);
  for (let i = 0; i < count; i++) {
    // Paths afresh each time: an earlier mutation may have removed or replaced a branch.
    const all: (string | number)[][] = [];
    paths(root, [], all);
    if (all.length === 0) break;
    const path = rng.pick(all);
    let parent = root as Record<string | number, unknown>;
    for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    switch (rng.int(4)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        break;
      case 1:
        if (!Array.isArray(parent)) parent[rng.pick(['zzz', 'extra', 'Seed', 'devices', 'config'])] = odd(rng);
        else parent.push(odd(rng));
        break;
      default: {
        const old = parent[key];
        parent[key] = typeof old === 'number' && rng.chance(0.5) ? rng.pick([old + 1, old - 1, -old, old * 1e6, 0, -1, 1e300, 2 ** 31, 0.5]) : odd(rng);
      }
    }
  }
  return root;
}
