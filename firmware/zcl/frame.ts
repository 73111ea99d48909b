import { newReader, newWriter, writerBytes } from '../codec/bytes.ts';
import type { ZclDataTypeId, ZclValue } from './types.ts';
import { decodeZclHeader, encodeZclHeader } from './header.ts';
import { decodeZclPayload, encodeZclPayload, encodeZclUntypedPayload } from './payload.ts';

export { decodeZclHeader, encodeZclHeader } from './header.ts';
export { decodeZclPayload, encodeZclPayload, encodeZclUntypedPayload, ZclGeneralCommand } from './payload.ts';

export type ZclFrameType = 'global' | 'cluster';
export type ZclDirection = 'toServer' | 'toClient';

export interface ZclHeader {
  frameType: ZclFrameType;
  /** Present exactly when the frame is manufacturer-specific. */
  manufacturerCode?: number;
  direction: ZclDirection;
  disableDefaultResponse: boolean;
  sequence: number;
  commandId: number;
}

/** A failed read carries only its status: ZCL sends no type or value after a non-zero status. */
export type ReadAttributeRecord =
  | { attributeId: number; status: 0; type: ZclDataTypeId; value: ZclValue }
  | { attributeId: number; status: number };

export interface AttributeReport {
  attributeId: number;
  type: ZclDataTypeId;
  value: ZclValue;
}

export type ZclCommand =
  | { kind: 'readAttributes'; attributeIds: number[] }
  | { kind: 'readAttributesResponse'; records: ReadAttributeRecord[] }
  | { kind: 'reportAttributes'; reports: AttributeReport[] }
  | { kind: 'defaultResponse'; commandId: number; status: number }
  /** Cluster-specific commands, and general ones hanlab does not model, as raw payload bytes. */
  | { kind: 'other'; payload: Uint8Array };

export interface ZclFrame {
  header: ZclHeader;
  command: ZclCommand;
}

export function encodeZclFrame(frame: ZclFrame): Uint8Array {
  const w = newWriter();
  encodeZclHeader(w, frame.header);
  encodeZclPayload(w, frame.header, frame.command);
  return writerBytes(w);
}

/**
 * encodeZclFrame for frames whose command carries no typed attribute values (Read Attributes,
 * Default Response, cluster-specific commands): the same bytes, without the value encoder in the
 * bundle. A Read Attributes Response or Report Attributes is an EncodeError here.
 */
export function encodeZclUntypedFrame(frame: ZclFrame): Uint8Array {
  const w = newWriter();
  encodeZclHeader(w, frame.header);
  encodeZclUntypedPayload(w, frame.header, frame.command);
  return writerBytes(w);
}

/** `base` is the absolute offset of `bytes[0]` in the enclosing message, for error offsets (default 0: newReader's). */
export function decodeZclFrame(bytes: Uint8Array, base?: number): ZclFrame {
  const r = newReader(bytes, base);
  const header = decodeZclHeader(r);
  return { header, command: decodeZclPayload(r, header) };
}
