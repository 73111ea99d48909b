/** How an error reads in a device's log (firmware/codec/errors.ts errorText). */
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, errorText } from '../firmware/codec/errors.ts';

describe('errorText', () => {
  it('gives the name and the message, not what String() gives an ES5 error on Espruino ("[object Object]")', () => {
    const e = new DecodeError(2, 'a ZCL command id (1 byte)', 'end of data');
    expect(errorText(e)).toBe('DecodeError: at byte 2: expected a ZCL command id (1 byte), found end of data');
    // What Espruino 2v29 does with an object under Error.prototype that is not a native Error.
    const espruinoLike = Object.create(e, { toString: { value: () => '[object Object]' } }) as object;
    expect(String(espruinoLike)).toBe('[object Object]');
    expect(errorText(espruinoLike)).toBe('DecodeError: at byte 2: expected a ZCL command id (1 byte), found end of data');
    expect(errorText(new EncodeError('uint32 out of range: -1'))).toBe('EncodeError: uint32 out of range: -1');
  });

  it('reads anything else as its string', () => {
    expect(errorText('timeout')).toBe('timeout');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText({ code: 7 })).toBe('[object Object]');
  });
});
