/**
 * Loading scenarios: files (YAML or JSON), text, plain objects and the built-ins in
 * `sim/scenarios/`. Every problem becomes a `ScenarioError` whose message is one line naming the
 * file, the line (when known), the path of the bad field and what was expected vs found:
 *
 *   sim/scenarios/x.yaml:14: outages[0].duration: expected a duration like '30m', '3h' or seconds, found "3 hours"
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { aliasBombAt, jsonTooDeepAt, MAX_ALIAS_COUNT, MAX_NESTING, MAX_SCENARIO_BYTES, MAX_TOKEN_RUN, yamlLexicalProblemAt, yamlTooDeepAt } from './resource-limits.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

export type ScenarioFormat = 'yaml' | 'json';

/** One problem in a scenario. */
export interface ScenarioProblem {
  file: string | undefined;
  /** 1-based line in the file, when known. */
  line: number | undefined;
  /** Path of the field, e.g. 'outages[0].duration' ('' for the whole file). */
  path: string;
  /** What is wrong: "expected …, found …", "unknown key '…' …" or a syntax error. */
  text: string;
  /** The whole line: "file:line: path: text". */
  message: string;
}

/**
 * A scenario that cannot be used. The message is the first problem (in file order) as one line,
 * with a count of any others; `problems` has them all.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly file: string | undefined,
    readonly problems: ScenarioProblem[],
  ) {
    const first = problems[0]?.message ?? `${file ?? 'scenario'}: invalid scenario`;
    super(problems.length > 1 ? `${first} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : first);
  }
}

export const DEFAULT_SCENARIO = 'han-outage-prepay';

const BUILTIN_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

function problem(file: string | undefined, line: number | undefined, path: string, text: string): ScenarioProblem {
  const where = [file === undefined ? undefined : line === undefined ? file : `${file}:${line}`, path === '' ? undefined : path]
    .filter((x) => x !== undefined)
    .join(': ');
  return { file, line, path, text, message: where === '' ? text : `${where}: ${text}` };
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Reads a scenario file: JSON by `.json`, YAML by `.yaml` / `.yml`. */
export function loadScenarioFile(path: string): Scenario {
  const ext = extname(path).toLowerCase();
  const format: ScenarioFormat | undefined = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  if (!format) {
    throw new ScenarioError(path, [problem(path, undefined, '', `expected a scenario file ending in .yaml, .yml or .json, found ${ext === '' ? 'no extension' : `'${ext}'`}`)]);
  }
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_SCENARIO_BYTES) throw new ScenarioError(path, [problem(path, undefined, '', `expected a scenario of at most ${MAX_SCENARIO_BYTES} bytes, found ${size} bytes`)]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, [problem(path, undefined, '', code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(err)})`)]);
  }
  return parseScenario(text, path, format);
}

/** Parses and validates scenario text; `fileLabel` is what error messages call the file. */
export function parseScenario(text: string, fileLabel: string, format: ScenarioFormat): Scenario {
  const lexical = format === 'yaml' ? yamlLexicalProblemAt(text) : undefined;
  if (lexical?.problem === 'properties') {
    throw new ScenarioError(fileLabel, [problem(fileLabel, lineAt(text, lexical.offset), '', `expected at most one anchor (&) and one tag (!) on a value, found more than ${MAX_NESTING} in a row`)]);
  }
  if (lexical?.problem === 'run') {
    throw new ScenarioError(fileLabel, [problem(fileLabel, lineAt(text, lexical.offset), '', `expected a value within every ${MAX_TOKEN_RUN} brackets, commas, indicators, anchors and tags in a row, found more (stray tokens)`)]);
  }
  const tooDeep = format === 'json' ? jsonTooDeepAt(text) : (lexical?.offset ?? yamlTooDeepAt(text));
  if (tooDeep !== undefined) {
    throw new ScenarioError(fileLabel, [problem(fileLabel, lineAt(text, tooDeep), '', `expected at most ${MAX_NESTING} levels of nesting (a scenario's deepest field is 4 down), found more`)]);
  }
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const msg = (err as Error).message;
      const pos = /at position (\d+)/.exec(msg);
      const line = pos ? lineAt(text, Number(pos[1])) : /end of JSON input/.test(msg) ? lineAt(text, text.length) : undefined;
      const what = msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/,? ?(in JSON )?at position \d+/, '').replace(/ in JSON$/, '');
      throw new ScenarioError(fileLabel, [problem(fileLabel, line, '', `not valid JSON: ${what}`)]);
    }
    // JSON is YAML: reparse for line numbers (ignored if the YAML reading disagrees).
    const doc = parseDocument(text, { uniqueKeys: false });
    return resolveScenario(value, fileLabel, { text, doc: doc.errors.length === 0 ? doc : undefined });
  }
  // Not prettyErrors: yaml prettifies every error, copying the error's whole line each time, so a
  // 1 MiB line of 20,000+ stray tokens took minutes (quadratic). Only the first error is shown: its
  // line and column come from a LineCounter, as yaml's own prettifier finds them.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const pos = err.pos[0] === -1 ? undefined : lineCounter.linePos(err.pos[0]);
    const line = pos?.line ?? lineAt(text, err.pos[0]);
    const col = pos?.col;
    const what = err.message.split('\n')[0] ?? err.message;
    throw new ScenarioError(fileLabel, [problem(fileLabel, line, '', `YAML syntax error: ${what}${col !== undefined ? ` (column ${col})` : ''}`)]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws rather than reports: an alias bomb ("Excessive alias count …") or an alias of no anchor.
    const message = (err as Error).message;
    if (!/excessive alias count/i.test(message)) throw new ScenarioError(fileLabel, [problem(fileLabel, undefined, '', `YAML error: ${message.split('\n')[0]}`)]);
    const where = aliasBombAt(doc);
    const what = `expected aliases (*name) that copy at most ${MAX_ALIAS_COUNT} values in all, found more (refused as an alias bomb)`;
    throw new ScenarioError(fileLabel, [problem(fileLabel, where && lineAt(text, where.offset), where ? formatPath([where.key]) : '', what)]);
  }
  return resolveScenario(value, fileLabel, { text, doc });
}

/**
 * Validates plain data (as read from a file, or built in code) and resolves it. `source`, when
 * given, lets errors name line numbers.
 */
export function resolveScenario(value: unknown, fileLabel?: string, source?: { text: string; doc: Document | undefined }): Scenario {
  const data = dropNullValues(value);
  const result = scenarioSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, data, fileLabel, source));
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  throw new ScenarioError(fileLabel, problems);
}

/** Names of the built-in scenarios (`sim/scenarios/*.yaml`), sorted. */
export function listBuiltinScenarios(): string[] {
  return readdirSync(BUILTIN_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** A built-in scenario by name (`han-outage-prepay`, `matrix-legacy-gpf`, …). */
export function builtinScenario(name: string): Scenario {
  const names = listBuiltinScenarios();
  const label = `sim/scenarios/${name}.yaml`;
  if (!names.includes(name)) {
    throw new ScenarioError(undefined, [problem(undefined, undefined, '', `unknown built-in scenario '${name}'; expected one of: ${names.join(', ')}`)]);
  }
  return parseScenario(readFileSync(`${BUILTIN_DIR}${name}.yaml`, 'utf8'), label, 'yaml');
}

// ---------------------------------------------------------------------------------------------
// Issues → problems

/** `key: ` with no value in YAML (null) means "use the default": drop null mapping values. */
function dropNullValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullValues);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty, not assignment: a key "__proto__" must stay a key (and be refused as unknown), not become the prototype.
    for (const [k, v] of Object.entries(value)) if (v !== null) Object.defineProperty(out, k, { value: dropNullValues(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown, file: string | undefined, source: { text: string; doc: Document | undefined } | undefined): ScenarioProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const lines = issue.message.split('\n');
    return issue.keys.map((key, i) =>
      problem(file, source && lineOf(source, [...path, key], true), formatPath([...path, key]), lines[i] ?? lines[0] ?? `unknown key '${key}'`),
    );
  }
  const raw = valueAt(data, path);
  const params = (issue.code === 'custom' ? issue.params : undefined) as { found?: string; resolved?: string } | undefined;
  let found: string;
  if (params?.found !== undefined) found = params.found;
  else if (params?.resolved !== undefined) {
    if (typeof raw !== 'string' && typeof raw !== 'number') found = params.resolved;
    else if (raw === params.resolved) found = JSON.stringify(raw);
    else found = `${JSON.stringify(raw)} (${/^\d/.test(params.resolved) ? '= ' : ''}${params.resolved})`;
  } else found = describeValue(raw, path.length === 0);
  return [problem(file, source && lineOf(source, path, false), formatPath(path), `expected ${issue.message}, found ${found}`)];
}

/** `outages[0].duration`, `devices.gsme.clock`, `["odd key"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function describeValue(v: unknown, topLevel: boolean): string {
  if (v === undefined) return topLevel ? 'an empty document' : 'nothing';
  if (v === null) return topLevel ? 'an empty document' : 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line of the node at `path` in the YAML/JSON document; for a missing node, the line of the
 * nearest ancestor. `atKey`: the line of the last segment's key (an unknown key) rather than its value.
 */
function lineOf(source: { text: string; doc: Document | undefined }, path: readonly (string | number)[], atKey: boolean): number | undefined {
  const { doc, text } = source;
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let line = rangeLine(text, node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) return line;
      const keyLine = rangeLine(text, pair.key);
      if (atKey && i === path.length - 1) return keyLine ?? line;
      node = pair.value;
      line = rangeLine(text, node) ?? keyLine ?? line;
      // A key with no value (null) sits on the key's line.
      if (node === null || (isScalar(node) && node.value === null)) line = keyLine ?? line;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return line;
      line = rangeLine(text, node) ?? line;
    } else {
      return line;
    }
  }
  return line;
}

function rangeLine(text: string, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? lineAt(text, range[0]) : undefined;
}
