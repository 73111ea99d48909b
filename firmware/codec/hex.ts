import { DecodeError } from './errors.ts';

/** Upper-case unless `upper` is false. (No default parameter: a board bundle would carry its ES5 form.) */
export function toHex(bytes: Uint8Array, upper?: boolean): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return upper === false ? s : s.toUpperCase();
}

/**
 * Parses hex text. White space is ignored (vector files end with a newline, people paste with
 * spaces); anything else that is not a hex digit, or an odd digit count, is a DecodeError whose
 * offset is the byte the offending digit would have belonged to (the digits before it ÷ 2), so
 * "at byte N" means the same as for every other decoder; `found` also names the character's
 * position in the text (counted from 0, white space included).
 */
export function fromHex(text: string): Uint8Array {
  const digits: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (v < 0) throw new DecodeError(digits.length >> 1, 'a hex digit', JSON.stringify(text[i]) + ` (character ${i})`);
    digits.push(v);
  }
  if (digits.length % 2 !== 0) {
    throw new DecodeError(digits.length >> 1, 'an even number of hex digits', `${digits.length} digits`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (digits[2 * i]! << 4) | digits[2 * i + 1]!;
  return out;
}

/** `0x` and `digits` upper-case hex digits (more when n needs them). */
function hexN(n: number, digits: number): string {
  let s = n.toString(16).toUpperCase();
  while (s.length < digits) s = '0' + s;
  return '0x' + s;
}

export function hex2(n: number): string {
  return hexN(n, 2);
}

export function hex4(n: number): string {
  return hexN(n, 4);
}
