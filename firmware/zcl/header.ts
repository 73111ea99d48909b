import type { ByteReader, ByteWriter } from '../codec/bytes.ts';
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

export function encodeZclHeader(w: ByteWriter, h: ZclHeader): void {
  if (h.frameType !== 'global' && h.frameType !== 'cluster') throw new EncodeError(`unknown ZCL frame type ${String(h.frameType)}`);
  if (h.direction !== 'toServer' && h.direction !== 'toClient') throw new EncodeError(`unknown ZCL direction ${String(h.direction)}`);
  let fc = h.frameType === 'cluster' ? FRAME_TYPE_CLUSTER : 0;
  if (h.manufacturerCode !== undefined) fc |= MANUFACTURER_SPECIFIC;
  if (h.direction === 'toClient') fc |= TO_CLIENT;
  if (h.disableDefaultResponse) fc |= DISABLE_DEFAULT_RESPONSE;
  w.u8(fc);
  if (h.manufacturerCode !== undefined) w.uintLE(checkField(h.manufacturerCode, 0xffff, 'manufacturer code'), 2);
  w.u8(checkField(h.sequence, 0xff, 'sequence number'));
  w.u8(checkField(h.commandId, 0xff, 'command id'));
}

export function decodeZclHeader(r: ByteReader): ZclHeader {
  const at = r.offset;
  const fc = r.u8('a ZCL frame control');
  const frameType = fc & FRAME_TYPE_MASK;
  if (frameType > FRAME_TYPE_CLUSTER) {
    throw new DecodeError(at, 'a ZCL frame type 0 (global) or 1 (cluster-specific)', `reserved frame type ${frameType} in frame control ${hex2(fc)}`);
  }
  if (fc & RESERVED_BITS) throw new DecodeError(at, 'ZCL frame control bits 5-7 clear', `frame control ${hex2(fc)}`);
  const manufacturerCode = fc & MANUFACTURER_SPECIFIC ? r.u16le('a ZCL manufacturer code') : undefined;
  const sequence = r.u8('a ZCL sequence number');
  const commandId = r.u8('a ZCL command id');
  return {
    frameType: frameType === FRAME_TYPE_CLUSTER ? 'cluster' : 'global',
    ...(manufacturerCode !== undefined && { manufacturerCode }),
    direction: fc & TO_CLIENT ? 'toClient' : 'toServer',
    disableDefaultResponse: (fc & DISABLE_DEFAULT_RESPONSE) !== 0,
    sequence,
    commandId,
  };
}

function checkField(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new EncodeError(`ZCL ${what} out of range 0..${max}: ${v}`);
  return v;
}
