/**
 * The errors are ES5 constructors rather than `class … extends Error`: lowered to ES5, a class
 * derived from Error brings helpers (and with them a Map polyfill) into every board bundle. They
 * behave as classes do: `new`, `instanceof`, `name`, `message`, and a stack where the engine has one.
 */

/**
 * The one error every hanlab decoder throws for bad bytes. It names the byte offset (from the
 * start of the outermost buffer being decoded), what was expected there and what was found, so
 * a CLI or a device log can print one line a person can act on.
 */
export interface DecodeError extends Error {
  readonly name: 'DecodeError';
  readonly offset: number;
  readonly expected: string;
  readonly found: string;
}

/** Thrown when a value cannot be encoded (out of range for its type, wrong length…). */
export interface EncodeError extends Error {
  readonly name: 'EncodeError';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type CaptureStackTrace = (target: object, constructor: unknown) => void;

/** A prototype under Error.prototype for the constructor `ctor` named `name`. */
function derive(ctor: unknown, name: string): object {
  const p = Object.create(Error.prototype) as { constructor: unknown; name: string };
  p.constructor = ctor;
  p.name = name;
  return p;
}

/** Sets the message, and captures a stack where the engine can (V8). */
function init(e: Mutable<Error>, message: string, ctor: unknown): void {
  e.message = message;
  const capture = (Error as { captureStackTrace?: CaptureStackTrace }).captureStackTrace;
  if (capture) capture(e, ctor);
}

function decodeError(this: Mutable<DecodeError>, offset: number, expected: string, found: string): void {
  init(this, 'at byte ' + offset + ': expected ' + expected + ', found ' + found, decodeError);
  this.offset = offset;
  this.expected = expected;
  this.found = found;
}
decodeError.prototype = derive(decodeError, 'DecodeError');

function encodeError(this: Mutable<EncodeError>, message: string): void {
  init(this, message, encodeError);
}
encodeError.prototype = derive(encodeError, 'EncodeError');

export const DecodeError = decodeError as unknown as {
  new (offset: number, expected: string, found: string): DecodeError;
  readonly prototype: DecodeError;
};

export const EncodeError = encodeError as unknown as {
  new (message: string): EncodeError;
  readonly prototype: EncodeError;
};

/**
 * An error as a log line reads it: `name: message` for anything with a message, else its string.
 * Not String(err): on Espruino 2v29 an ES5 Error subclass (DecodeError…) prints as "[object Object]".
 */
export function errorText(err: unknown): string {
  if (err !== null && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    const name = (err as { name?: unknown }).name;
    return (typeof name === 'string' && name ? name + ': ' : '') + (err as { message: string }).message;
  }
  return String(err);
}
