/**
 * Espruino 2v29 hoists nothing. Measured on its Linux build: a `var` is declared when its
 * statement runs, so a name read before that (earlier in the text, or after a `var` in a branch
 * that did not run) is the outer scope's variable; a function declaration exists only once its
 * statement has run (`function f(){ return g(); function g(){} }` throws ReferenceError). A
 * minifier is free to produce both: SWC inlined the ZCL value decoder so that `o=(a=e[t])?a[1]:0 …
 * var a` wrote into the caller's `a`.
 *
 * So the last step of the Espruino route makes every declaration happen before any use, by
 * construction: in each function body (and the program), function declarations move to the top
 * (after the directives), and every `var` that is not provably declared before all its uses is
 * declared there too (`var a,b;`; a later `var a=…` then only assigns, as it does on Espruino).
 * A `var` is provably declared when its first declaration is a statement of the body itself (or
 * the `for (var …;;)` init of one) and every use of the name comes after it in the text;
 * anything in a branch, loop, `try` or `for…in` head, or used earlier (a closure included), is
 * declared at the top. Scopes come from eslint-scope (ESLint's own analyser) rather than a walker
 * of our own.
 */
import { parse } from 'acorn';
import { analyze } from 'eslint-scope';
import type { Scope, Variable } from 'eslint-scope';
import type { AnyNode } from './ast.ts';

export interface Unhoisted {
  kind: 'var' | 'function';
  name: string;
  /** Offset of the use (var) or of the declaration (function) that Espruino would get wrong. */
  offset: number;
  why: string;
}

interface Body {
  /** The BlockStatement of a function, or the Program. */
  node: AnyNode;
  statements: AnyNode[];
  /** Var names to declare at the top, in order of first declaration. */
  hoist: string[];
  /** Whether the function declarations are already first (after the directives). */
  functionsFirst: boolean;
}

function parseScript(code: string): AnyNode {
  return parse(code, { ecmaVersion: 5, sourceType: 'script', ranges: true }) as unknown as AnyNode;
}

/** The statement list a declaration must sit in to run unconditionally: the body of its scope. */
function bodyOf(scope: Scope): AnyNode {
  const block = scope.block as unknown as AnyNode;
  return block.type === 'Program' ? block : (block['body'] as AnyNode);
}

/** Start and end of the VariableDeclarator that declares `id`, and whether that declaration runs unconditionally at the top level of `body`. */
function declarationSite(id: AnyNode, def: Variable['defs'][number], body: AnyNode): { start: number; end: number; unconditional: boolean } {
  const declarator = def.node as unknown as AnyNode;
  const declaration = def.parent as unknown as AnyNode | null;
  const statements = body['body'] as AnyNode[];
  let unconditional = declaration !== null && statements.includes(declaration);
  if (!unconditional && declaration) {
    // `for (var i = 0; …)` as a statement of the body: the init runs when the loop is reached.
    unconditional = statements.some((s) => s.type === 'ForStatement' && s['init'] === declaration);
  }
  return { start: declarator.start ?? id.start, end: declarator.end, unconditional };
}

/** What in one scope Espruino would get wrong: vars that need declaring at the top, and the problems found. */
function scopeFindings(scope: Scope, code: string): { hoist: string[]; problems: Unhoisted[] } {
  const body = bodyOf(scope);
  const hoist: string[] = [];
  const problems: Unhoisted[] = [];
  const functionsAtTop = new Set<AnyNode>();
  for (const s of body['body'] as AnyNode[]) if (s.type === 'FunctionDeclaration') functionsAtTop.add(s);
  // Function declarations move to just after the prologue (directives and `var a,b;` lines): a
  // use inside one counts as being there.
  let prologueEnd = body.type === 'Program' ? body.start : body.start + 1;
  for (const s of body['body'] as AnyNode[]) {
    if (!((s.type === 'ExpressionStatement' && typeof s['directive'] === 'string') || isHoistLine(s))) break;
    prologueEnd = s.end;
  }
  const effective = (offset: number) => ([...functionsAtTop].some((f) => offset >= f.start && offset < f.end) ? Math.min(offset, prologueEnd) : offset);

  const vars: Array<{ variable: Variable; first: number }> = [];
  for (const variable of scope.variables) {
    const varDefs = variable.defs.filter((d) => d.type === 'Variable');
    if (varDefs.length === 0) continue;
    // A parameter or a function of the same name already exists when the body starts.
    if (variable.defs.some((d) => d.type === 'Parameter' || d.type === 'FunctionName')) continue;
    const sites = varDefs.map((d) => declarationSite(d.name as unknown as AnyNode, d, body)).sort((a, b) => a.start - b.start);
    const first = sites[0]!;
    vars.push({ variable, first: first.start });
    const early = variable.references.find((r) => {
      const at = (r.identifier as unknown as AnyNode).start;
      if (r.init && at >= first.start && at < first.end) return false; // the declaration's own `a = …`
      return effective(at) < first.end;
    });
    if (!first.unconditional) {
      problems.push({ kind: 'var', name: variable.name, offset: first.start, why: `var ${variable.name} is declared only if a branch, loop or try runs (${excerpt(code, first.start)})` });
    } else if (early) {
      const at = (early.identifier as unknown as AnyNode).start;
      problems.push({ kind: 'var', name: variable.name, offset: at, why: `${variable.name} is used before its var (${excerpt(code, at)})` });
    } else {
      continue;
    }
  }
  vars.sort((a, b) => a.first - b.first);
  for (const v of vars) if (problems.some((p) => p.kind === 'var' && p.name === v.variable.name)) hoist.push(v.variable.name);

  // Function declarations: only as statements of the body, and before every other statement.
  let seenOther = false;
  for (const s of body['body'] as AnyNode[]) {
    if (s.type === 'FunctionDeclaration') {
      if (seenOther) problems.push({ kind: 'function', name: (s['id'] as AnyNode)['name'] as string, offset: s.start, why: `function ${(s['id'] as AnyNode)['name'] as string} is declared after other statements of its body (${excerpt(code, s.start)})` });
    } else if (!(s.type === 'ExpressionStatement' && typeof s['directive'] === 'string') && !isHoistLine(s)) {
      seenOther = true;
    }
  }
  for (const variable of scope.variables) {
    for (const d of variable.defs) {
      if (d.type !== 'FunctionName') continue;
      const decl = d.node as unknown as AnyNode;
      if (decl.type === 'FunctionDeclaration' && !(body['body'] as AnyNode[]).includes(decl)) {
        problems.push({ kind: 'function', name: variable.name, offset: decl.start, why: `function ${variable.name} is declared inside a block (${excerpt(code, decl.start)})` });
      }
    }
  }
  return { hoist, problems };
}

/** `var a, b;` with no initialisers: the line this step puts at the top of a body. */
function isHoistLine(s: AnyNode): boolean {
  return s.type === 'VariableDeclaration' && (s['declarations'] as AnyNode[]).every((d) => d['init'] === null);
}

function excerpt(code: string, offset: number): string {
  return code.slice(Math.max(0, offset - 20), offset + 30).replace(/\s+/g, ' ');
}

function functionScopes(ast: AnyNode): Scope[] {
  const manager = analyze(ast as never, { ecmaVersion: 5, sourceType: 'script' });
  return manager.scopes.filter((s) => s.type === 'function' || s.type === 'global');
}

/** Every declaration in `code` (ES5) that Espruino would see too late; empty when the code is safe. */
export function findUnhoisted(code: string): Unhoisted[] {
  const ast = parseScript(code);
  const out: Unhoisted[] = [];
  for (const scope of functionScopes(ast)) out.push(...scopeFindings(scope, code).problems);
  return out.sort((a, b) => a.offset - b.offset);
}

/** Function declarations first and the vars that need it declared at the top, in every body; nested blocks of functions are refused. */
export function hoistDeclarations(code: string, options: { readable?: boolean } = {}): string {
  const ast = parseScript(code);
  const bodies: Body[] = [];
  for (const scope of functionScopes(ast)) {
    const { hoist, problems } = scopeFindings(scope, code);
    const inBlock = problems.find((p) => p.kind === 'function' && p.why.includes('inside a block'));
    if (inBlock) throw new Error(`Espruino route: ${inBlock.why}: Espruino would declare it only when the block runs`);
    const node = bodyOf(scope);
    const functionsFirst = !problems.some((p) => p.kind === 'function');
    if (hoist.length === 0 && functionsFirst) continue;
    bodies.push({ node, statements: node['body'] as AnyNode[], hoist, functionsFirst });
  }
  if (bodies.length === 0) return code;
  bodies.sort((a, b) => a.node.start - b.node.start);
  const sep = options.readable ? '\n' : '';

  const text = (start: number, end: number): string => {
    let out = '';
    let at = start;
    for (const b of bodies) {
      if (b.node.start < at || b.node.end > end) continue; // outside, or inside one already rewritten
      out += code.slice(at, b.node.start) + rewrite(b);
      at = b.node.end;
    }
    return out + code.slice(at, end);
  };
  const statement = (s: AnyNode): string => {
    const t = text(s.start, s.end);
    return needsSemicolon(s, t) ? t + ';' : t;
  };
  const rewrite = (b: Body): string => {
    // The prologue (directives, and `var a,b;` lines a minifier already put first) stays first.
    const prologue: AnyNode[] = [];
    for (const s of b.statements) {
      if (!((s.type === 'ExpressionStatement' && typeof s['directive'] === 'string') || isHoistLine(s))) break;
      prologue.push(s);
    }
    const functions = b.statements.filter((s) => s.type === 'FunctionDeclaration');
    const rest = b.statements.filter((s) => !prologue.includes(s) && !functions.includes(s));
    const parts = [...prologue.map(statement), ...(b.hoist.length ? ['var ' + b.hoist.join(',') + ';'] : []), ...functions.map(statement), ...rest.map(statement)];
    const inner = parts.join(sep);
    return b.node.type === 'Program' ? inner : '{' + sep + inner + sep + '}';
  };
  return text(0, code.length);
}

/** A statement that ended by automatic semicolon insertion needs its `;` once its neighbours move. */
function needsSemicolon(s: AnyNode, text: string): boolean {
  if (text.endsWith(';')) return false;
  return ['ExpressionStatement', 'VariableDeclaration', 'ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement', 'DoWhileStatement', 'DebuggerStatement'].includes(s.type);
}
