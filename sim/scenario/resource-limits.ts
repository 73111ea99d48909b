/**
 * What a scenario file may cost to read, checked before anything recursive touches it: its size,
 * its nesting and how much its YAML aliases copy. A file past these is refused with a message
 * rather than left to exhaust the stack or the heap.
 */
import { isMap, isPair, isScalar, Lexer, Parser, type CST, type Document } from 'yaml';

/**
 * The largest scenario file read: the built-ins are 2–5 KB and a month with a top-up every hour
 * a few tens of KB, so a bigger file is something else (a log, a capture) and is refused unread.
 */
export const MAX_SCENARIO_BYTES = 1 << 20;

/**
 * The deepest nesting a scenario file may have. Its deepest field is 4 levels down
 * (devices.gsme.clock.offset); everything after parsing (the YAML composer, toJS, dropNullValues,
 * zod) recurses once per level, so a file of 200,000 '[' would overflow the stack instead of
 * being refused. 32 leaves any real mistake its field-level message.
 */
export const MAX_NESTING = 32;

/**
 * Values that YAML aliases may copy (yaml's maxAliasCount): a few anchors shared by a list of
 * top-ups stay far below it, while nine aliases of nine aliases … would expand to billions.
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * The top-level key whose value alone copies too much through aliases, for the message: the
 * usual bomb. Undefined when only the whole document does (aliases spread over many keys).
 */
export function aliasBombAt(doc: Document): { key: string; offset: number } | undefined {
  if (!isMap(doc.contents)) return undefined;
  for (const pair of doc.contents.items) {
    if (!isPair(pair) || !isScalar(pair.key) || pair.value === null) continue;
    try {
      (pair.value as { toJS(doc: Document, opts: { maxAliasCount: number }): unknown }).toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      if (/excessive alias count/i.test((err as Error).message)) return { key: String(pair.key.value), offset: pair.key.range?.[0] ?? 0 };
    }
  }
  return undefined;
}

/** Offset of the first '[' or '{' nested deeper than MAX_NESTING in JSON text, if any (no recursion: that is the point). */
export function jsonTooDeepAt(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/**
 * Offset of the first collection nested deeper than MAX_NESTING in YAML text, if any. yaml's CST
 * parser keeps its own stack for nesting by indentation, so the walk below sees any depth safely
 * (it pushes in reverse so it visits in file order); what the CST parser itself recurses on must
 * be refused before, by yamlLexicalProblemAt.
 */
export function yamlTooDeepAt(text: string): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = [...new Parser().parse(text)].reverse().map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth: outer } = stack.pop()!;
    if (!token) continue;
    const isCollection = token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
    const depth = isCollection ? outer + 1 : outer;
    if (depth > MAX_NESTING) return token.offset;
    if (token.type === 'document') stack.push({ token: token.value, depth });
    else if (isCollection) for (const item of [...token.items].reverse()) stack.push({ token: item.value, depth }, { token: item.key, depth });
  }
  return undefined;
}

/** The lexer's zero-width control tokens (document, flow-error-end, scalar markers): not in the text. */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);

/** What yamlLexicalProblemAt finds: nesting past MAX_NESTING, or a run of anchors and tags. */
export interface YamlLexicalProblem {
  offset: number;
  problem: 'nesting' | 'properties' | 'run';
}

/**
 * Structural tokens in a row with no value between that a scenario can hold: closing 32 levels,
 * a comma, and opening 32 more is about 70; 128 leaves room. A longer run is stray tokens, each one
 * a YAML error that costs the composer time (20,000 ']' or ',' took most of a second).
 */
export const MAX_TOKEN_RUN = 128;

/**
 * The first problem yaml's lexer tokens show, if any, before anything recursive or per-error
 * costly runs. yaml's CST parser recurses once per collection it opens on one line (`- - - …`,
 * `? ? ? …`, and `{ b: b: b: … }`, where each ': ' nests an implicit map in the last: 20,000 of
 * any overflowed the stack), and hangs stray '[' / '{' after a scalar on that scalar, one error
 * each. So, as nesting: flow openers not yet closed wherever they stand, and the indicators '-',
 * '?', ':' in a row on one line (within one flow entry), over MAX_NESTING. A node has at most one
 * anchor and one tag, and each extra one is a YAML error that costs the composer time (20,000
 * `!t ` took a second): over MAX_NESTING anchors and tags in a row are refused as such; and over
 * MAX_TOKEN_RUN brackets, commas, indicators, anchors, tags and document markers in a row with no
 * value between (stray ']', ',' …). The lexer is a flat loop; any real scenario is far below all
 * four counts.
 */
export function yamlLexicalProblemAt(text: string): YamlLexicalProblem | undefined {
  let offset = 0;
  let depth = 0;
  let indicators = 0;
  let properties = 0;
  let run = 0;
  for (const source of new Lexer().lex(text)) {
    const first = source.charAt(0);
    // A value (the scalar marker, a quoted or block scalar, an alias) ends a run; spaces, line
    // breaks, comments and the other control tokens do not.
    if (source === '\u001f' || first === '"' || first === "'" || first === '|' || first === '>' || first === '*') run = 0;
    else if (first !== ' ' && first !== '\t' && first !== '\n' && first !== '\r' && first !== '#' && !CONTROL_TOKENS.has(source)) {
      if (++run > MAX_TOKEN_RUN) return { offset, problem: 'run' };
    }
    if (first === '&' || first === '!') {
      if (++properties > MAX_NESTING) return { offset, problem: 'properties' };
    } else if (first !== ' ' && first !== '\t' && !CONTROL_TOKENS.has(source)) properties = 0;
    switch (source) {
      case '[':
      case '{':
        if (++depth > MAX_NESTING) return { offset, problem: 'nesting' };
        indicators = 0;
        break;
      case ']':
      case '}':
        if (depth > 0) depth--;
        indicators = 0;
        break;
      case ':':
      case '-':
      case '?':
        if (++indicators > MAX_NESTING) return { offset, problem: 'nesting' };
        break;
      default:
        if (source === ',' || first === '\n' || first === '\r') indicators = 0;
    }
    if (!CONTROL_TOKENS.has(source)) offset += source.length;
  }
  return undefined;
}
