/**
 * The one error the Espruino route's checks and rewrites throw: the construct Espruino 2v29 would
 * reject, where it is in the code being checked, and the code around it. A build reports it as
 * found in the bundle; the readable build (`minify: false`) shows the same construct with the
 * firmware's own names.
 */
export class Es5CheckError extends Error {
  override readonly name = 'Es5CheckError';
  constructor(
    readonly construct: string,
    readonly line: number,
    readonly column: number,
    readonly excerpt: string,
  ) {
    super(`not Espruino ES5: ${construct} at ${line}:${column}: ${excerpt}`);
  }
}

function excerptAt(code: string, offset: number): string {
  const start = Math.max(0, offset - 30);
  const text = code.slice(start, offset + 50).replace(/\s+/g, ' ');
  return (start > 0 ? '…' : '') + text + (offset + 50 < code.length ? '…' : '');
}

function lineColumn(code: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = code.indexOf('\n'); i !== -1 && i < offset; i = code.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

/** Throws the Es5CheckError for `construct` at `offset` of `code`. */
export function fail(code: string, construct: string, offset: number): never {
  const { line, column } = lineColumn(code, offset);
  throw new Es5CheckError(construct, line, column, excerptAt(code, offset));
}
