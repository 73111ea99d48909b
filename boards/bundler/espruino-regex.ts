/**
 * Regular expressions as Espruino 2v29 runs them. Its engine (src/jswrap_regexp.c, measured on the
 * 2v29 Linux build) matches a sequence of single characters, escapes (\d \w \s and their negations,
 * \xNN, \n \t…, \. \/ and other punctuation), classes `[…]` / `[^…]` and `.`, each optionally
 * followed by a greedy `*` or `+`; `^` and `$`; `|` at the top level; plain capturing groups; flags g
 * and i. Everything else is read some other way without an error, or throws at run time:
 *
 * - `{n}` / `{n,m}` match the braces literally (`/^[0-9A-F]{16}$/` never matches an EUI-64);
 * - `?` is a literal question mark, not "optional" (`/^a?$/.test("a")` is false);
 * - `(?:…)`, lookahead, lookbehind and named groups fail; `(ab)+` repeats nothing, `|` inside a
 *   group ends the whole alternative, a group inside a group records the wrong end;
 * - lazy quantifiers, backreferences (which throw), `\b` / `\B` (always false), `\u00a3`
 *   (a literal `u`) and `\cX`; flags other than g and i (m is ignored).
 *
 * So the route rewrites what has an exact Espruino form, `X{n}` → `X…X` and `X{n,}` → `X…X+` on a
 * single character, escape, class or `.`, and refuses the rest, naming the construct. The
 * patterns are read by regexpp (ESLint's regular-expression parser): it gives each piece's exact
 * source range, so a rewrite is a splice of the original text, not a pattern printer of our own.
 */
import { RegExpParser } from '@eslint-community/regexpp';
import type { AST } from '@eslint-community/regexpp';
import { parse } from 'acorn';
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';
import { fail } from './espruino-check-error.ts';

/** What Espruino gets wrong in a pattern, at [start, end) of it; `rewrite` is its exact Espruino form where one exists. */
export interface RegExpIssue {
  construct: string;
  start: number;
  end: number;
  rewrite?: string;
}

/** Espruino keeps nine groups (MAX_GROUPS in jswrap_regexp.c); a tenth is not captured. */
const MAX_GROUPS = 9;

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** Every issue of `pattern` with `flags` on Espruino 2v29, in pattern order; a pattern JavaScript itself rejects is one issue. */
export function regExpIssues(pattern: string, flags: string): RegExpIssue[] {
  const issues: RegExpIssue[] = [];
  for (const f of flags) {
    if (f !== 'g' && f !== 'i') issues.push({ construct: `flag ${f} (Espruino 2v29 has g and i only${f === 'm' ? ': it ignores m' : ''})`, start: 0, end: 0 });
  }
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch (err) {
    return [...issues, { construct: `an invalid pattern (${(err as Error).message})`, start: 0, end: pattern.length }];
  }
  let groups = 0;
  const visit = (node: AST.Node, groupDepth: number): void => {
    switch (node.type) {
      case 'Pattern':
        for (const a of node.alternatives) visit(a, groupDepth);
        return;
      case 'Alternative':
        for (const e of node.elements) visit(e, groupDepth);
        return;
      case 'Quantifier':
        issues.push(...quantifierIssues(node));
        visit(node.element, groupDepth);
        return;
      case 'CapturingGroup':
        groups++;
        if (node.name !== null) issues.push(at(node, `named group (?<${node.name}>…)`));
        if (groupDepth > 0) issues.push(at(node, `a group inside a group ${node.raw} (Espruino records only the innermost group's end)`));
        if (groups === MAX_GROUPS + 1) issues.push(at(node, `a tenth group ${node.raw} (Espruino captures nine)`));
        if (node.alternatives.length > 1) issues.push(at(node, `| inside a group ${node.raw} (Espruino ends the whole alternative at the |)`));
        for (const a of node.alternatives) visit(a, groupDepth + 1);
        return;
      case 'Group':
        issues.push(at(node, `non-capturing group ${node.raw}`));
        return;
      case 'Assertion':
        if (node.kind === 'lookahead') issues.push(at(node, `lookahead ${node.negate ? '(?!' : '(?='}…)`));
        else if (node.kind === 'lookbehind') issues.push(at(node, `lookbehind ${node.negate ? '(?<!' : '(?<='}…)`));
        else if (node.kind === 'word') issues.push(at(node, `${node.raw} word boundary (always false on Espruino)`));
        return;
      case 'Backreference':
        issues.push(at(node, `backreference ${node.raw} (Espruino throws "Backreferences not supported")`));
        return;
      case 'Character':
        issues.push(...characterIssues(node));
        return;
      case 'CharacterSet':
        if (node.kind === 'property') issues.push(at(node, `Unicode property escape ${node.raw}`));
        return;
      case 'CharacterClass':
        issues.push(...classIssues(node));
        return;
      default:
        issues.push(at(node, `${node.raw} (${node.type})`));
    }
  };
  visit(ast, 0);
  return issues.sort((a, b) => a.start - b.start);
}

function at(node: AST.Node, construct: string): RegExpIssue {
  return { construct, start: node.start, end: node.end };
}

/** A single character, escape, class or `.`: what Espruino can repeat. */
function isSingle(element: AST.QuantifiableElement): boolean {
  return element.type === 'Character' || element.type === 'CharacterSet' || element.type === 'CharacterClass';
}

function quantifierIssues(q: AST.Quantifier): RegExpIssue[] {
  const x = q.element.raw;
  const quantifier = q.raw.slice(x.length);
  if (!q.greedy) return [at(q, `lazy quantifier ${quantifier}`)];
  if (!isSingle(q.element)) return [at(q, `quantifier ${quantifier} on ${q.element.raw} (Espruino repeats only a single character, escape, class or .)`)];
  if (quantifier === '*' || quantifier === '+') return [];
  if (quantifier === '?') return [at(q, `? quantifier in ${q.raw} (Espruino 2v29 has no ?: it matches a literal '?')`)];
  // {n}, {n,}, {n,m}: braces Espruino would match literally.
  if (q.min === q.max) return [{ ...at(q, `${quantifier} quantifier in ${q.raw}`), rewrite: x.repeat(q.min) }];
  if (q.max === Infinity) return [{ ...at(q, `${quantifier} quantifier in ${q.raw}`), rewrite: q.min === 0 ? x + '*' : x.repeat(q.min - 1) + x + '+' }];
  return [at(q, `${quantifier} quantifier in ${q.raw} (Espruino 2v29 has no {n,m} and no ? to write it with)`)];
}

/** Escapes Espruino reads differently: it knows \xNN, \0, \d \w \s… and takes any other escaped character as itself. */
function characterIssues(c: AST.Character): RegExpIssue[] {
  const raw = c.raw;
  if (/^\\u/.test(raw)) return [at(c, `${raw} escape (Espruino reads \\u as the letter u; write \\x${c.value <= 0xff ? c.value.toString(16).padStart(2, '0') : 'NN'})`)];
  if (/^\\c/.test(raw)) return [at(c, `${raw} control escape`)];
  if (/^\\(?:[1-9]|0\d)/.test(raw)) return [at(c, `${raw} octal escape (Espruino reads \\1…\\9 as a backreference and throws)`)];
  if (c.value > 0xff) return [at(c, `character ${raw} beyond \\xff (Espruino strings are bytes)`)];
  return [];
}

function classIssues(cls: AST.CharacterClass): RegExpIssue[] {
  if (cls.unicodeSets) return [at(cls, `set notation ${cls.raw}`)];
  const issues: RegExpIssue[] = [];
  const elements = cls.elements;
  elements.forEach((e, i) => {
    if (e.type === 'Character') {
      issues.push(...characterIssues(e));
      // Espruino looks for the next alternative by scanning for | without skipping classes.
      if (e.raw === '|') issues.push(at(e, `| inside a class ${cls.raw} (write \\|: Espruino takes a bare | there for the next alternative)`));
      // [\d-z]: Espruino starts a range at the '-' after a class escape.
      const before = elements[i - 1];
      if (e.raw === '-' && i < elements.length - 1 && before && before.type === 'CharacterSet') issues.push(at(e, `- after ${before.raw} in ${cls.raw} (Espruino reads a range there)`));
    } else if (e.type === 'CharacterClassRange') {
      issues.push(...characterIssues(e.min), ...characterIssues(e.max));
    } else if (e.type === 'CharacterSet' && e.kind === 'property') {
      issues.push(at(e, `Unicode property escape ${e.raw}`));
    }
  });
  return issues;
}

/** `pattern` with every issue that has a rewrite rewritten; throws on the first that has none. */
function rewritePattern(pattern: string, flags: string, refuse: (construct: string) => never): string {
  let out = '';
  let at = 0;
  for (const issue of regExpIssues(pattern, flags)) {
    if (issue.rewrite === undefined) refuse(issue.construct);
    out += pattern.slice(at, issue.start) + issue.rewrite;
    at = issue.end;
  }
  return out + pattern.slice(at);
}

export interface RegExpSite {
  node: AnyNode;
  /** The pattern and flags, or null when the program computes them (not checkable here). */
  pattern: string | null;
  flags: string | null;
  /** How it is written: the literal, or the call. */
  shown: string;
  literal: boolean;
}

/** Every regular expression of an ES5 program: literals, and `new RegExp(…)` / `RegExp(…)` calls. */
export function regExpSites(ast: AnyNode, code: string): RegExpSite[] {
  const sites: RegExpSite[] = [];
  walk(ast, (node) => {
    const regex = node['regex'] as { pattern: string; flags: string } | undefined;
    if (node.type === 'Literal' && regex) {
      sites.push({ node, pattern: regex.pattern, flags: regex.flags, shown: code.slice(node.start, node.end), literal: true });
    }
    if ((node.type === 'NewExpression' || node.type === 'CallExpression') && (node['callee'] as AnyNode).type === 'Identifier' && (node['callee'] as AnyNode)['name'] === 'RegExp') {
      const [p, f] = node['arguments'] as AnyNode[];
      const text = (a: AnyNode | undefined, absent: string | null): string | null =>
        a === undefined ? absent : a.type === 'Literal' && typeof a['value'] === 'string' ? (a['value'] as string) : null;
      sites.push({ node, pattern: text(p, ''), flags: text(f, ''), shown: code.slice(node.start, node.end), literal: false });
    }
  });
  return sites;
}

function shownAs(site: RegExpSite): string {
  return site.literal ? `regular expression ${site.shown}` : `${site.shown.length > 60 ? site.shown.slice(0, 57) + '…' : site.shown}`;
}

/** The first construct of `site` Espruino would not run as written, or null. */
export function regExpProblem(site: RegExpSite): string | null {
  if (site.pattern === null || site.flags === null) {
    return `${shownAs(site)}: a pattern or flags computed at run time (the build can check only string literals against Espruino's regex engine)`;
  }
  const issue = regExpIssues(site.pattern, site.flags)[0];
  if (!issue) return null;
  return `${shownAs(site)}: ${issue.construct}${issue.rewrite !== undefined ? ' (the Espruino route rewrites this; it was left as written)' : ''}`;
}

/**
 * The Espruino route's regex step (on ES5, before minifying): every `{n}` / `{n,}` on a single
 * element written out as Espruino runs it, in literals and in `RegExp` string arguments; throws an
 * Es5CheckError naming the first construct that has no Espruino form, and where it is.
 */
export function espruinoRegExps(code: string): string {
  // 'latest': a lookbehind or named group SWC leaves in a literal is then this step's to name,
  // not a syntax error of the ES5 parse.
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AnyNode;
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const site of regExpSites(ast, code)) {
    if (site.pattern === null || site.flags === null) fail(code, regExpProblem(site)!, site.node.start);
    const pattern = rewritePattern(site.pattern, site.flags, (construct) => fail(code, `${shownAs(site)}: ${construct}`, site.node.start));
    if (pattern === site.pattern) continue;
    if (site.literal) {
      edits.push({ start: site.node.start, end: site.node.end, text: `/${pattern}/${site.flags}` });
    } else {
      const arg = (site.node['arguments'] as AnyNode[])[0]!;
      edits.push({ start: arg.start, end: arg.end, text: JSON.stringify(pattern) });
    }
  }
  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    out += code.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + code.slice(at);
}
