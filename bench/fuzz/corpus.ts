/** Real inputs the targets mutate from: RTDS vectors, ZCL frames from the firmware's encoders, scenario files, board configs. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeGbcsMessage } from '../../firmware/gbcs/message.ts';
import { encodeConsumerTopUp, encodeSelectEmergencyCredit, OriginatingDevice } from '../../firmware/machines/prepayment-commands.ts';
import { euiBytes, issueUtrn, topUpKeyBytes } from '../../firmware/codec/utrn.ts';
import type { ZclDataTypeId, ZclFrame, ZclValue } from '../../firmware/zcl/index.ts';
import { Basic, encodeZclFrame, Metering, Prepayment, PrepaymentCommand, Price, Time, ZclDataType, ZclGeneralCommand } from '../../firmware/zcl/index.ts';
import { dutConfig } from '../../hil/config.ts';
import { loadVectors } from './gbcs-arbitraries.ts';

let gbcs: Uint8Array[] | undefined;

/** The RTDS 4.5.0 reference vectors (../shared/vectors). */
export function gbcsVectors(): Uint8Array[] {
  return (gbcs ??= loadVectors().map((v) => v.bytes));
}

function valueFor(type: ZclDataTypeId, i: number): ZclValue {
  switch (type) {
    case ZclDataType.octetString:
      return Uint8Array.from([0x31, 0x32, 0x33, i & 0xff]);
    case ZclDataType.charString:
      return `hanlab-${i}`;
    case ZclDataType.int32:
      return i % 2 ? -1234567 : 999999;
    case ZclDataType.uint48:
      return 123456789012 + i;
    default:
      return i & 0x7f;
  }
}

let zcl: Uint8Array[] | undefined;

/**
 * ZCL frames built by the firmware's encoders (reads, read responses with every attribute of the
 * five clusters, reports, default responses, the Prepayment commands, a manufacturer-specific
 * header) plus the plaintext ZCL of the RTDS vectors' components.
 */
export function zclFrames(): Uint8Array[] {
  if (zcl) return zcl;
  const out: Uint8Array[] = [];
  const header = (commandId: number, seq: number, frameType: 'global' | 'cluster' = 'global', direction: 'toServer' | 'toClient' = 'toServer') => ({
    frameType,
    direction,
    disableDefaultResponse: seq % 2 === 0,
    sequence: seq & 0xff,
    commandId,
  });
  const frames: ZclFrame[] = [];
  let seq = 0;
  for (const table of [Basic, Time, Price, Metering, Prepayment]) {
    const attrs = Object.values(table);
    frames.push({ header: header(ZclGeneralCommand.readAttributes, seq++), command: { kind: 'readAttributes', attributeIds: attrs.map((a) => a.id) } });
    frames.push({
      header: header(ZclGeneralCommand.readAttributesResponse, seq++, 'global', 'toClient'),
      command: { kind: 'readAttributesResponse', records: attrs.map((a, i) => (i % 5 === 4 ? { attributeId: a.id, status: 0x86 } : { attributeId: a.id, status: 0, type: a.type, value: valueFor(a.type, i) })) },
    });
    frames.push({ header: header(ZclGeneralCommand.reportAttributes, seq++, 'global', 'toClient'), command: { kind: 'reportAttributes', reports: attrs.map((a, i) => ({ attributeId: a.id, type: a.type, value: valueFor(a.type, i) })) } });
  }
  frames.push({ header: header(ZclGeneralCommand.defaultResponse, seq++, 'global', 'toClient'), command: { kind: 'defaultResponse', commandId: PrepaymentCommand.ConsumerTopUp, status: 0 } });
  frames.push({ header: header(PrepaymentCommand.ConsumerTopUp, seq++, 'cluster'), command: { kind: 'other', payload: encodeConsumerTopUp(OriginatingDevice.ihdOrPpmid, utrnCodes()[0]!) } });
  frames.push({ header: header(PrepaymentCommand.SelectAvailableEmergencyCredit, seq++, 'cluster'), command: { kind: 'other', payload: encodeSelectEmergencyCredit(0x2b3c4d5e, OriginatingDevice.ihdOrPpmid) } });
  frames.push({ header: { ...header(ZclGeneralCommand.readAttributes, seq++), manufacturerCode: 0x1234 }, command: { kind: 'readAttributes', attributeIds: [0x0000, 0x0007] } });
  for (const f of frames) out.push(encodeZclFrame(f));
  for (const v of gbcsVectors()) {
    for (const c of decodeGbcsMessage(v).payload.components) if (!c.encrypted) out.push(c.zcl);
  }
  return (zcl = out);
}

/** The fuzzed meter: its EUI and top-up key (test values). */
export const FUZZ_METER = { eui: '00DB48FFFE00A003', topUpKey: '000102030405060708090A0B0C0D0E0F' };

/** UTRNs the supplier would issue for FUZZ_METER: small, large and edge amounts and counters. */
export function utrnCodes(): string[] {
  const key = topUpKeyBytes(FUZZ_METER.topUpKey)!;
  const eui = euiBytes(FUZZ_METER.eui)!;
  return [
    issueUtrn(key, eui, 1, 1000),
    issueUtrn(key, eui, 2, 1),
    issueUtrn(key, eui, 0xffff, 0xffff),
    issueUtrn(key, eui, 40, 500),
    issueUtrn(key, euiBytes('00124B0000000001')!, 3, 2000), // another meter's
  ];
}

/** Prepayment command inputs: the command id byte, then the payload the encoders build. */
export function prepaymentInputs(): Uint8Array[] {
  const withId = (id: number, payload: Uint8Array) => Uint8Array.of(id, ...payload);
  return [
    withId(PrepaymentCommand.ConsumerTopUp, encodeConsumerTopUp(OriginatingDevice.ihdOrPpmid, utrnCodes()[0]!)),
    withId(PrepaymentCommand.ConsumerTopUp, encodeConsumerTopUp(OriginatingDevice.ihdOrPpmid, utrnCodes()[1]!)),
    withId(PrepaymentCommand.ConsumerTopUp, encodeConsumerTopUp(OriginatingDevice.meter, utrnCodes()[2]!)),
    withId(PrepaymentCommand.SelectAvailableEmergencyCredit, encodeSelectEmergencyCredit(0x2b3c4d5e, OriginatingDevice.ihdOrPpmid)),
    withId(PrepaymentCommand.SelectAvailableEmergencyCredit, encodeSelectEmergencyCredit(0xffffffff, OriginatingDevice.energyServiceInterface)),
  ];
}

const SCENARIOS = fileURLToPath(new URL('../../sim/scenarios/', import.meta.url));

/** The built-in scenario files (sim/scenarios/*.yaml), as text. */
export function scenarioTexts(): string[] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(`${SCENARIOS}${f}`, 'utf8'));
}

/** Sample board configs (hil/config.ts dutConfig) for each device, with machine settings. */
export function boardConfigs(): Record<string, unknown>[] {
  const configs: Record<string, unknown>[] = [];
  for (const device of ['gsme', 'gpf', 'ppmid'] as const) {
    configs.push({ ...dutConfig({ device }) });
    configs.push({ ...dutConfig({ device, firmware: 'legacy', seed: 12345, premises: 'home-2' }) });
  }
  configs.push({ ...dutConfig({ device: 'gsme' }), config: { wakeIntervalMs: 1_800_000, ackTimeoutMs: 5000, initialCredit: 1_000_000, touTierByHour: Array.from({ length: 24 }, (_, h) => (h < 7 ? 1 : 2)), blockThresholdsKwh: [1, 2, 3] } });
  configs.push({ ...dutConfig({ device: 'gpf' }), config: { reportAssemblyTimeoutMs: 2000, maxPendingCommands: 8, unpopulatedSnapshotTime: 'invalid' } });
  configs.push({ ...dutConfig({ device: 'ppmid' }), config: { pollIntervalMs: 10_000, responseTimeoutMs: 3000, staleDetection: true, lowCreditPounds: 5 } });
  return configs;
}
