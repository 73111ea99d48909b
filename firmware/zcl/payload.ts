import { checkRange, copyBytes, isInt, readEnd, readRest, readU8, readUintLE, readerDone, readerOffset, writeBytes, writeU8, writeUintLE } from '../codec/bytes.ts';
import type { Reader, Writer } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2, hex4 } from '../codec/hex.ts';
import type { AttributeReport, ReadAttributeRecord, ZclCommand, ZclHeader } from './frame.ts';
import { dataTypeName, decodeZclValue, encodeZclValue, isKnownDataType } from './types.ts';
import type { ZclDataTypeId, ZclValue } from './types.ts';

/** The general (profile-wide) commands hanlab decodes into structures. */
export const ZclGeneralCommand = {
  readAttributes: 0x00,
  readAttributesResponse: 0x01,
  reportAttributes: 0x0a,
  defaultResponse: 0x0b,
} as const;

/**
 * The kind a header's command decodes to; everything not modelled is carried raw. Keyed by
 * ZclGeneralCommand's ids, as literals: reading them off the object would keep it in every bundle.
 * (Number keys: no inherited property answers a lookup.)
 */
const GENERAL_KINDS: { readonly [id: number]: ZclCommand['kind'] } = {
  0x00: 'readAttributes',
  0x01: 'readAttributesResponse',
  0x0a: 'reportAttributes',
  0x0b: 'defaultResponse',
};

function kindOf(header: ZclHeader): ZclCommand['kind'] {
  return (header.frameType === 'global' && GENERAL_KINDS[header.commandId]) || 'other';
}

/**
 * Decodes the payload after `header` up to the end of `r`. GBCS calls this directly because an
 * encrypted GBZ component carries the ZCL header in clear and the payload ciphered.
 */
export function decodeZclPayload(r: Reader, header: ZclHeader): ZclCommand {
  // Dispatch on the id, the kind's name from kindOf: the kind names then appear once each in a bundle.
  const id = header.frameType === 'global' ? header.commandId : -1;
  const kind = kindOf(header) as never;
  if (id === 0x00) {
    const attributeIds: number[] = [];
    while (!readerDone(r)) attributeIds.push(readAttributeId(r));
    return { kind, attributeIds };
  }
  if (id === 0x01 || id === 0x0a) {
    // Read Attributes Response records and attribute reports: id, (status,) type, value.
    const records: (ReadAttributeRecord | AttributeReport)[] = [];
    while (!readerDone(r)) {
      const attributeId = readAttributeId(r);
      let record: { attributeId: number; status?: number } = { attributeId };
      if (id === 0x01) {
        // Its description only for the error it is made for (a string per attribute otherwise).
        const status = readU8(r, readerDone(r) ? `the status of attribute ${hex4(attributeId)}` : '');
        record = { attributeId, status };
        if (status !== 0) {
          records.push(record as ReadAttributeRecord);
          continue;
        }
      }
      const type = readDataType(r, attributeId);
      const typed = record as { attributeId: number; type: ZclDataTypeId; value: ZclValue };
      typed.type = type;
      typed.value = decodeZclValue(r, type);
      records.push(typed as AttributeReport);
    }
    return id === 0x01 ? { kind, records: records as ReadAttributeRecord[] } : { kind, reports: records as AttributeReport[] };
  }
  if (id === 0x0b) {
    const commandId = readU8(r, 'the command id a Default Response answers');
    const status = readU8(r, 'a Default Response status');
    readEnd(r, 'a Default Response');
    return { kind, commandId, status };
  }
  return { kind, payload: copyBytes(readRest(r)) };
}

/**
 * Encodes `command` after `header`: any command kind. A device that never sends typed attribute
 * values (a PPMID: Read Attributes, cluster commands, Default Responses) calls
 * encodeZclUntypedPayload instead, and its bundle then carries no value encoder.
 */
export function encodeZclPayload(w: Writer, header: ZclHeader, command: ZclCommand): void {
  if (!writeUntyped(w, header, command)) writeTypedCommand(w, command as TypedCommand);
}

/**
 * As encodeZclPayload, for the commands that carry no typed attribute values: Read Attributes,
 * Default Response and everything sent raw ('other', cluster-specific commands included). A Read
 * Attributes Response or Report Attributes is an EncodeError here.
 */
export function encodeZclUntypedPayload(w: Writer, header: ZclHeader, command: ZclCommand): void {
  if (!writeUntyped(w, header, command)) throw new EncodeError("a '" + command.kind + "' command carries typed values: encodeZclPayload encodes it");
}

type TypedCommand = Extract<ZclCommand, { kind: 'readAttributesResponse' | 'reportAttributes' }>;

/** Checks `command` against `header` and writes it unless it carries typed values; false then. */
function writeUntyped(w: Writer, header: ZclHeader, command: ZclCommand): boolean {
  const expected = kindOf(header);
  if (command.kind !== expected) {
    throw new EncodeError(`a ${header.frameType} frame with command id ${hex2(header.commandId)} carries a '${expected}' command, not '${command.kind}'`);
  }
  switch (command.kind) {
    case 'readAttributes':
      for (const id of command.attributeIds) writeAttributeId(w, id);
      return true;
    case 'defaultResponse':
      writeU8(w, checkRange(command.commandId, 0xff, 'Default Response command id'));
      writeU8(w, checkRange(command.status, 0xff, 'Default Response status'));
      return true;
    case 'other':
      writeBytes(w, command.payload);
      return true;
  }
  return false;
}

function writeTypedCommand(w: Writer, command: TypedCommand): void {
  if (command.kind === 'readAttributesResponse') {
    for (const record of command.records) {
      writeAttributeId(w, record.attributeId);
      const status = record.status;
      // checkRange's message made only when it throws (a string per record otherwise).
      writeU8(w, isInt(status) && status >= 0 && status <= 0xff ? status : checkRange(status, 0xff, 'status of attribute ' + hex4(record.attributeId)));
      const typed = 'type' in record;
      if (record.status === 0 && typed) {
        writeTyped(w, record.type, record.value);
      } else if (record.status === 0 || typed) {
        throw new EncodeError(`read record for attribute ${hex4(record.attributeId)}: a type and value go with status 0 and only with it`);
      }
    }
  } else {
    for (const report of command.reports) {
      writeAttributeId(w, report.attributeId);
      writeTyped(w, report.type, report.value);
    }
  }
}

function readDataType(r: Reader, attributeId: number): ZclDataTypeId {
  const at = readerOffset(r);
  const type = readU8(r, readerDone(r) ? `the data type of attribute ${hex4(attributeId)}` : '');
  if (!isKnownDataType(type)) throw new DecodeError(at, `a known ZCL data type for attribute ${hex4(attributeId)}`, dataTypeName(type));
  return type;
}

function writeTyped(w: Writer, type: number, value: ZclValue): void {
  if (!isKnownDataType(type)) throw new EncodeError(`cannot encode ZCL data type ${dataTypeName(type)}`);
  writeU8(w, type);
  encodeZclValue(w, type, value);
}

function readAttributeId(r: Reader): number {
  return readUintLE(r, 2, 'an attribute id');
}

function writeAttributeId(w: Writer, id: number): void {
  writeUintLE(w, checkRange(id, 0xffff, 'attribute id'), 2);
}
