/**
 * The house's floors (issue 14): every top-level source folder imports only folders on lower floors,
 * firmware/ (the lowest) imports no other folder and no Node API, and no import cycle runs between
 * top-level folders. test/ and bench/ sit above everything and may import anything, so they are not
 * read. A new top-level folder must be given a floor here (the test says which is missing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Floor of each top-level source folder: a folder may import only folders on a lower floor. */
export const FLOORS: Record<string, number> = {
  firmware: 0, // device code: no Node APIs, no I/O
  han: 1, // the HAN topic scheme and its MQTT transports (brokers, in-process bus, identities)
  dcc: 1, // the DCC's side: SMI database, E45/E46 files, DP146 coverage
  sim: 2, // the simulator: scenario, world, clock, supplier (WAN), run, report
  fleet: 3, // many homes: populations, fleet runs and their workers, the NATS cluster behind MQTT
  boards: 3, // one folder per board, and their tooling: config, bundler, runner
  hil: 4, // hardware in the loop: conformance suites against a device under test
  live: 4, // the dashboard: a run's web page (a live run or a recording), served to a browser
  cli: 5, // the hanlab command
  bin: 6, // the executable that starts the CLI
};

/** Folders not read: they may import anything (and nothing below imports them). */
const UNCHECKED = new Set(['test', 'bench', 'docs']);

/** Output folders git ignores (dist/ of `hanlab build`, coverage/, …): made by runs, not source. */
const IGNORED = new Set(
  readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .flatMap((line) => /^\/?([\w.-]+)\/$/.exec(line.trim())?.[1] ?? []),
);

export interface Edge {
  /** The importing file, relative to the repository root ('sim/run/home.ts'). */
  from: string;
  /** The imported file, relative to the repository root. */
  to: string;
}

/** Relative import specifiers of a TS/JS source: static imports and re-exports, side-effect and dynamic imports (type positions too). */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const statement = /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (let m = statement.exec(source); m; m = statement.exec(source)) out.push((m[1] ?? m[2])!);
  for (const line of source.split('\n')) {
    const t = line.trimStart();
    if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) continue;
    for (const m of line.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

function topOf(file: string): string {
  return file.split('/')[0]!;
}

/** Every file of the checked folders and its relative imports, resolved to repository paths. */
export function readGraph(): { files: Map<string, string>; edges: Edge[]; bare: { from: string; spec: string }[] } {
  const files = new Map<string, string>();
  for (const e of readdirSync(ROOT, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.') || UNCHECKED.has(e.name) || IGNORED.has(e.name)) continue;
    for (const f of sourceFiles(join(ROOT, e.name))) files.set(relative(ROOT, f).split(sep).join('/'), readFileSync(f, 'utf8'));
  }
  const edges: Edge[] = [];
  const bare: { from: string; spec: string }[] = [];
  for (const [from, text] of files) {
    for (const spec of importSpecifiers(text)) {
      if (spec.startsWith('.')) edges.push({ from, to: relative(ROOT, resolve(ROOT, dirname(from), spec)).split(sep).join('/') });
      else bare.push({ from, spec });
    }
  }
  return { files, edges, bare };
}

/** Each edge from a folder to one on the same or a higher floor, or to an unknown folder, as one line. */
export function upwardEdges(edges: Edge[], floors: Record<string, number>): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = topOf(from), b = topOf(to);
    if (a === b) continue;
    const fa = floors[a], fb = floors[b];
    if (fa === undefined || fb === undefined) out.push(`${from} -> ${to}: ${fa === undefined ? a : b}/ has no floor`);
    else if (fb >= fa) out.push(`${from} -> ${to}: ${a}/ (floor ${fa}) imports ${b}/ (floor ${fb})`);
  }
  return out;
}

/** A cycle between top-level folders ('a -> b -> a'), or null: depth-first search over the folder graph. */
export function folderCycle(edges: Edge[]): string | null {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = topOf(from), b = topOf(to);
    if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string | null => {
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n].join(' -> ');
    if (state.get(n) === 'done') return null;
    state.set(n, 'open');
    path.push(n);
    for (const m of [...(next.get(n) ?? [])].sort()) {
      const found = visit(m);
      if (found) return found;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...next.keys()].sort()) {
    const found = visit(n);
    if (found) return found;
  }
  return null;
}

/** Code without its comments (roughly: enough to look for identifiers, not a parser). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const NODE_BUILTINS = new Set(builtinModules);

describe('import graph between top-level folders', () => {
  const graph = readGraph();

  it('reads the folders it checks (a parse that finds nothing would pass anything)', () => {
    const tops = new Set([...graph.files.keys()].map(topOf));
    for (const folder of Object.keys(FLOORS)) expect(tops, folder).toContain(folder);
    expect(graph.edges.length).toBeGreaterThan(500);
    expect(graph.edges.some((e) => e.from.startsWith('sim/') && e.to.startsWith('han/'))).toBe(true);
  });

  it('every top-level source folder has a floor', () => {
    const missing = [...new Set([...graph.files.keys()].map(topOf))].filter((t) => FLOORS[t] === undefined);
    expect(missing).toEqual([]);
  });

  it('every relative import names a file that exists', () => {
    const known = new Set(graph.files.keys());
    const dangling = graph.edges.filter((e) => !UNCHECKED.has(topOf(e.to)) && !known.has(e.to) && !/\.(json|d\.ts)$/.test(e.to));
    expect(dangling).toEqual([]);
  });

  it('imports point down: each folder imports only folders on lower floors', () => {
    expect(upwardEdges(graph.edges, FLOORS)).toEqual([]);
  });

  it('no import cycle between top-level folders', () => {
    expect(folderCycle(graph.edges)).toBeNull();
  });

  it('firmware imports no other folder, no Node module, and uses neither process nor Buffer', () => {
    const firmware = [...graph.files].filter(([f]) => topOf(f) === 'firmware');
    expect(graph.edges.filter((e) => topOf(e.from) === 'firmware' && topOf(e.to) !== 'firmware')).toEqual([]);
    const nodeImports = graph.bare.filter((b) => topOf(b.from) === 'firmware' && (b.spec.startsWith('node:') || NODE_BUILTINS.has(b.spec.split('/')[0]!)));
    expect(nodeImports).toEqual([]);
    const globals = firmware
      .filter(([, text]) => /(?<![\w$.])(?:process\s*\.|Buffer\b)/.test(withoutComments(text)))
      .map(([f]) => f);
    expect(globals).toEqual([]);
  });

  it('the checks can fail: an upward edge, an unknown folder and a cycle are reported', () => {
    const edges: Edge[] = [
      { from: 'han/topics.ts', to: 'sim/run/run.ts' },
      { from: 'sim/run/run.ts', to: 'han/topics.ts' },
      { from: 'sim/run/run.ts', to: 'attic/old.ts' },
      { from: 'cli/main.ts', to: 'firmware/zcl/index.ts' },
    ];
    expect(upwardEdges(edges, FLOORS)).toEqual([
      'han/topics.ts -> sim/run/run.ts: han/ (floor 1) imports sim/ (floor 2)',
      'sim/run/run.ts -> attic/old.ts: attic/ has no floor',
    ]);
    expect(folderCycle(edges)).toBe('han -> sim -> han');
    expect(folderCycle(edges.slice(1))).toBeNull();
    expect(importSpecifiers(`import type { A } from '../a.ts';\nexport {\n  b,\n} from "./b.ts";\nimport './c.ts';\nconst d = await import('../d.ts');\n// import('../e.ts')\n`)).toEqual([
      '../a.ts',
      './b.ts',
      './c.ts',
      '../d.ts',
    ]);
  });
});
