/**
 * The one error every hanlab decoder throws for bad bytes. It names the byte offset (from the
 * start of the outermost buffer being decoded), what was expected there and what was found, so
 * a CLI or a device log can print one line a person can act on.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly offset: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`at byte ${offset}: expected ${expected}, found ${found}`);
  }
}

/** Thrown when a value cannot be encoded (out of range for its type, wrong length…). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(message: string) {
    super(message);
  }
}
