import type { ByteReader, ByteWriter } from '../codec/bytes.ts';
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

type ModelledKind = keyof typeof ZclGeneralCommand;

/** The kind a header's command decodes to; everything not modelled is carried raw. */
function kindOf(header: ZclHeader): ZclCommand['kind'] {
  if (header.frameType !== 'global') return 'other';
  for (const [kind, id] of Object.entries(ZclGeneralCommand)) if (id === header.commandId) return kind as ModelledKind;
  return 'other';
}

/**
 * Decodes the payload after `header` up to the end of `r`. GBCS calls this directly because an
 * encrypted GBZ component carries the ZCL header in clear and the payload ciphered.
 */
export function decodeZclPayload(r: ByteReader, header: ZclHeader): ZclCommand {
  switch (kindOf(header)) {
    case 'readAttributes': {
      const attributeIds: number[] = [];
      while (!r.done) attributeIds.push(r.u16le('an attribute id'));
      return { kind: 'readAttributes', attributeIds };
    }
    case 'readAttributesResponse': {
      const records: ReadAttributeRecord[] = [];
      while (!r.done) {
        const attributeId = r.u16le('an attribute id');
        const status = r.u8(`the status of attribute ${hex4(attributeId)}`);
        if (status !== 0) {
          records.push({ attributeId, status });
          continue;
        }
        const type = readDataType(r, attributeId);
        records.push({ attributeId, status, type, value: decodeZclValue(r, type) });
      }
      return { kind: 'readAttributesResponse', records };
    }
    case 'reportAttributes': {
      const reports: AttributeReport[] = [];
      while (!r.done) {
        const attributeId = r.u16le('an attribute id');
        const type = readDataType(r, attributeId);
        reports.push({ attributeId, type, value: decodeZclValue(r, type) });
      }
      return { kind: 'reportAttributes', reports };
    }
    case 'defaultResponse': {
      const commandId = r.u8('the command id a Default Response answers');
      const status = r.u8('a Default Response status');
      r.end('a Default Response');
      return { kind: 'defaultResponse', commandId, status };
    }
    case 'other':
      return { kind: 'other', payload: r.rest().slice() };
  }
}

export function encodeZclPayload(w: ByteWriter, header: ZclHeader, command: ZclCommand): void {
  const expected = kindOf(header);
  if (command.kind !== expected) {
    throw new EncodeError(`a ${header.frameType} frame with command id ${hex2(header.commandId)} carries a '${expected}' command, not '${command.kind}'`);
  }
  switch (command.kind) {
    case 'readAttributes':
      for (const id of command.attributeIds) writeAttributeId(w, id);
      return;
    case 'readAttributesResponse':
      for (const record of command.records) {
        writeAttributeId(w, record.attributeId);
        w.u8(checkByte(record.status, `status of attribute ${hex4(record.attributeId)}`));
        const typed = 'type' in record;
        if (record.status === 0 && typed) {
          writeTyped(w, record.type, record.value);
        } else if (record.status === 0 || typed) {
          throw new EncodeError(`read record for attribute ${hex4(record.attributeId)}: a type and value go with status 0 and only with it`);
        }
      }
      return;
    case 'reportAttributes':
      for (const report of command.reports) {
        writeAttributeId(w, report.attributeId);
        writeTyped(w, report.type, report.value);
      }
      return;
    case 'defaultResponse':
      w.u8(checkByte(command.commandId, 'Default Response command id'));
      w.u8(checkByte(command.status, 'Default Response status'));
      return;
    case 'other':
      w.bytes(command.payload);
      return;
  }
}

function readDataType(r: ByteReader, attributeId: number): ZclDataTypeId {
  const at = r.offset;
  const type = r.u8(`the data type of attribute ${hex4(attributeId)}`);
  if (!isKnownDataType(type)) throw new DecodeError(at, `a known ZCL data type for attribute ${hex4(attributeId)}`, dataTypeName(type));
  return type;
}

function writeTyped(w: ByteWriter, type: number, value: ZclValue): void {
  if (!isKnownDataType(type)) throw new EncodeError(`cannot encode ZCL data type ${dataTypeName(type)}`);
  w.u8(type);
  encodeZclValue(w, type, value);
}

function writeAttributeId(w: ByteWriter, id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new EncodeError(`attribute id out of range 0..0xFFFF: ${id}`);
  w.u16le(id);
}

function checkByte(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new EncodeError(`${what} out of range 0..0xFF: ${v}`);
  return v;
}
