/**
 * The fonts an Espruino bundle draws with, against the board's (board.json `fonts`). Espruino's
 * `setFont(name)` throws `Unknown font` for a font its firmware was built without, unless the
 * Graphics object (or its prototype) has a method `setFont<name>`: Espruino then calls it and
 * applies the scale. So every font name the bundle passes to setFont must be the board's, or one
 * the bundle supplies by defining that method (boards/espruino/font-6x8.ts).
 */
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';
import { memberName } from './member-name.ts';

export interface BoardFonts {
  board: string;
  /** The fonts the board's firmware has (board.json `fonts`). */
  fonts: readonly string[];
}

export interface FontUse {
  /** The font's name without its scale (`"6x8:2"` → `6x8`), or null when the program computes it. */
  font: string | null;
  call: AnyNode;
}

/** Espruino's reading of a font argument: `Name:scale`, `Name:WxH`, or the old `Vector12`. */
export function fontName(arg: string): string {
  const name = arg.split(':')[0]!;
  return /^Vector\d*$/.test(name) ? 'Vector' : name === '' ? '4x6' : name;
}

/** Every `….setFont(…)` call of the program. */
export function fontUses(ast: AnyNode): FontUse[] {
  const uses: FontUse[] = [];
  walk(ast, (node) => {
    if (node.type !== 'CallExpression') return;
    const callee = node['callee'] as AnyNode;
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'setFont') return;
    const arg = (node['arguments'] as AnyNode[])[0];
    // No argument (or undefined) is Espruino's default, 4x6.
    if (arg === undefined || (arg.type === 'Identifier' && arg['name'] === 'undefined')) uses.push({ font: '4x6', call: node });
    else uses.push({ font: arg.type === 'Literal' && typeof arg['value'] === 'string' ? fontName(arg['value'] as string) : null, call: node });
  });
  return uses;
}

/** Fonts the program supplies: a `setFont<Name>` method it assigns (`Graphics.prototype.setFont6x8 = function…`). */
export function fontsSupplied(ast: AnyNode): Set<string> {
  const supplied = new Set<string>();
  walk(ast, (node) => {
    if (node.type !== 'AssignmentExpression' || (node['left'] as AnyNode).type !== 'MemberExpression') return;
    const name = memberName(node['left'] as AnyNode);
    if (name !== null && /^setFont./.test(name) && (node['right'] as AnyNode).type === 'FunctionExpression') supplied.add(name.slice('setFont'.length));
  });
  return supplied;
}

/** The first font use the board cannot draw, as the construct to refuse, and where; null when every font is there. */
export function fontProblem(ast: AnyNode, code: string, board: BoardFonts): { construct: string; offset: number } | null {
  const supplied = fontsSupplied(ast);
  for (const use of fontUses(ast)) {
    const shown = code.slice(use.call.start, use.call.end);
    if (use.font === null) {
      return { construct: `${shown}: a font name computed at run time (the build checks fonts against board ${board.board}'s only as string literals)`, offset: use.call.start };
    }
    if (!board.fonts.includes(use.font) && !supplied.has(use.font)) {
      return {
        construct: `font "${use.font}" in ${shown}: board ${board.board}'s firmware has ${board.fonts.join(', ')} and the bundle supplies no setFont${use.font}`,
        offset: use.call.start,
      };
    }
  }
  return null;
}
