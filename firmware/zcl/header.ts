import { checkRange, readU8, readUintLE, readerOffset, writeU8, writeUintLE } from '../codec/bytes.ts';
import type { Reader, Writer } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2 } from '../codec/hex.ts';
import type { ZclHeader } from './frame.ts';

/** Frame control bits (ZCL 2.4.1.1). */
const FRAME_TYPE_MASK = 0x03;
const FRAME_TYPE_CLUSTER = 0x01;
const MANUFACTURER_SPECIFIC = 0x04;
const TO_CLIENT = 0x08;
const DISABLE_DEFAULT_RESPONSE = 0x10;
/**
 * Bits 5-7 are reserved. The header model cannot carry them, so a frame that sets them is
 * rejected rather than silently re-encoded differently.
 */
const RESERVED_BITS = 0xe0;

export function encodeZclHeader(w: Writer, h: ZclHeader): void {
  if (h.frameType !== 'global' && h.frameType !== 'cluster') throw new EncodeError(`unknown ZCL frame type ${String(h.frameType)}`);
  if (h.direction !== 'toServer' && h.direction !== 'toClient') throw new EncodeError(`unknown ZCL direction ${String(h.direction)}`);
  let fc = h.frameType === 'cluster' ? FRAME_TYPE_CLUSTER : 0;
  if (h.manufacturerCode !== undefined) fc |= MANUFACTURER_SPECIFIC;
  if (h.direction === 'toClient') fc |= TO_CLIENT;
  if (h.disableDefaultResponse) fc |= DISABLE_DEFAULT_RESPONSE;
  writeU8(w, fc);
  if (h.manufacturerCode !== undefined) writeUintLE(w, checkRange(h.manufacturerCode, 0xffff, 'ZCL manufacturer code'), 2);
  writeU8(w, checkRange(h.sequence, 0xff, 'ZCL sequence number'));
  writeU8(w, checkRange(h.commandId, 0xff, 'ZCL command id'));
}

export function decodeZclHeader(r: Reader): ZclHeader {
  const at = readerOffset(r);
  const fc = readU8(r, 'a ZCL frame control');
  const frameType = fc & FRAME_TYPE_MASK;
  if (frameType > FRAME_TYPE_CLUSTER) {
    throw new DecodeError(at, 'a ZCL frame type 0 (global) or 1 (cluster-specific)', `reserved frame type ${frameType} in frame control ${hex2(fc)}`);
  }
  if (fc & RESERVED_BITS) throw new DecodeError(at, 'ZCL frame control bits 5-7 clear', `frame control ${hex2(fc)}`);
  // Built in field order without object spread (Object.assign on ES5 boards), reading the fields
  // in wire order as it goes.
  const h = { frameType: frameType === FRAME_TYPE_CLUSTER ? 'cluster' : 'global' } as ZclHeader;
  if (fc & MANUFACTURER_SPECIFIC) h.manufacturerCode = readUintLE(r, 2, 'a ZCL manufacturer code');
  h.direction = fc & TO_CLIENT ? 'toClient' : 'toServer';
  h.disableDefaultResponse = (fc & DISABLE_DEFAULT_RESPONSE) !== 0;
  h.sequence = readU8(r, 'a ZCL sequence number');
  h.commandId = readU8(r, 'a ZCL command id');
  return h;
}
