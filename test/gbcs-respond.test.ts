import { describe, expect, it } from 'vitest';
import { RTDS_VECTORS } from '../bench/vectors.ts';
import { ByteReader } from '../firmware/codec/bytes.ts';
import { toHex } from '../firmware/codec/hex.ts';
import { clockStatusToByte } from '../firmware/dlms/clock-status.ts';
import { decodeGbcsMessage } from '../firmware/gbcs/message.ts';
import { buildUseCaseResponse } from '../firmware/gbcs/respond.ts';
import { decryptComponent, verifyWrapperMac } from '../firmware/gbcs/security.ts';
import { timeStatusFromByte, timeStatusToByte } from '../firmware/gbcs/time-status.ts';
import { TimeStatusBit, ZclDataType, ZclGeneralCommand, decodeZclPayload, utcTimeFromUnixMs } from '../firmware/zcl/index.ts';
import type { AttributeReport } from '../firmware/zcl/index.ts';
import { createActor, SimulatedClock } from 'xstate';
import { gpfMachine } from '../firmware/machines/gpf.ts';
import type { GpfConfig, WanDateTime, WanRespondEmitted } from '../firmware/machines/gpf.ts';
import { createNodeGbcsCrypto, extendKeystore, loadKeystore, simulatedDeviceKey } from '../sim/crypto/index.ts';
import { loadVectors } from '../bench/fuzz/gbcs-arbitraries.ts';
import { onEmitted } from './support/emitted.ts';

const keystore = extendKeystore(loadKeystore(new URL('keystore/', RTDS_VECTORS)), [simulatedDeviceKey('00DB1234567890A3', 1)]);
const crypto = createNodeGbcsCrypto(keystore);
const vector = (name: string) => loadVectors().find((v) => v.file.endsWith(name))!;

describe('the GPF builds GBCS responses the way RTDS does', () => {
  it('GCS13a from the GSME snapshot: RTDS header and time status, encrypted registers, valid MAC', async () => {
    const command = decodeGbcsMessage(vector('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_COMMAND_GBCS.HEX').bytes);
    const bytes = await buildUseCaseResponse(
      command,
      {
        reads: [{ clusterId: 0x0702, records: [
          { attributeId: 0x0302, status: 0, type: 0x22, value: 1000 },
          { attributeId: 0x0301, status: 0, type: 0x22, value: 1 },
          { attributeId: 0x0300, status: 0, type: 0x30, value: 1 },
          { attributeId: 0x0000, status: 0, type: 0x25, value: 12345 },
        ] }],
        dateTime: { unixMs: Date.parse('2015-01-01T00:00:00Z'), isFromGsme: true, clockStatus: 'RELIABLE' },
      },
      crypto,
    );
    expect(bytes).not.toBeNull();
    const rtds = decodeGbcsMessage(vector('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE_GBCS.HEX').bytes);
    const ours = decodeGbcsMessage(bytes!);
    // Same grouping header byte for byte: CRA 2, counter, swapped titles, 07DF0101FF000000008000 04, 0x0074.
    const header = (m: typeof ours) => toHex(m.bytes.subarray(m.layout.generalSigning.start, m.layout.content.start));
    expect(header(ours)).toBe(header(rtds));
    expect(timeStatusFromByte(clockStatusToByte(ours.groupingHeader.dateTime!.clockStatus))).toEqual({ isFromGsme: true, clockStatus: 'RELIABLE' });
    expect(await verifyWrapperMac(bytes!, crypto)).toBe('valid');
    const c = ours.payload.components[0]!;
    expect(c.encrypted).toBe(true);
    if (!c.encrypted) return;
    const plain = await decryptComponent({ originator: ours.groupingHeader.originatorSystemTitle, recipient: ours.groupingHeader.recipientSystemTitle, counter: ours.groupingHeader.originatorCounter, ciphertext: c.ciphertext, tag: c.tag }, crypto);
    expect(plain.status).toBe('ok');
    if (plain.status !== 'ok') return;
    const cmd = decodeZclPayload(new ByteReader(plain.plaintext), { frameType: 'global', direction: 'toClient', disableDefaultResponse: false, sequence: 0, commandId: 0x01 });
    expect(cmd).toEqual({ kind: 'readAttributesResponse', records: [
      { attributeId: 0x0302, status: 0, type: 0x22, value: 1000 },
      { attributeId: 0x0301, status: 0, type: 0x22, value: 1 },
      { attributeId: 0x0300, status: 0, type: 0x30, value: 1 },
      { attributeId: 0x0000, status: 0, type: 0x25, value: 12345 },
    ] });
  });

  it('GCS60 (legacy) carries no date-time even when given one; a missing attribute answers UNSUPPORTED_ATTRIBUTE', async () => {
    const command = decodeGbcsMessage(vector('GCS60_4.18_SUCCESS_COMMAND_GBCS.HEX').bytes);
    const bytes = await buildUseCaseResponse(
      command,
      { reads: [{ clusterId: 0x0702, records: [{ attributeId: 0x0a00, status: 0x86 }] }, { clusterId: 0x0705, records: [{ attributeId: 0x0001, status: 0, type: 0x2b, value: 2_500_000 }] }], dateTime: { unixMs: 0, isFromGsme: false, clockStatus: 'RELIABLE' } },
      createNodeGbcsCrypto(extendKeystore(keystore, [simulatedDeviceKey('00DB1234567890A1', 1)])),
    );
    const m = decodeGbcsMessage(bytes!);
    expect(m.groupingHeader.dateTime).toBeNull();
    expect(m.payload.components.map((c) => (c.encrypted ? 'enc' : toHex(c.zcl)))).toEqual(['080001000A86', '0801010100002BA0252600']);
  });

  it('cannot answer without the keys (null), as a hub without its key material', async () => {
    const command = decodeGbcsMessage(vector('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_COMMAND_GBCS.HEX').bytes);
    const none = await buildUseCaseResponse(command, { reads: [{ clusterId: 0x0702, records: [] }], dateTime: null }, createNodeGbcsCrypto());
    expect(none).toBeNull();
  });
});

/**
 * Issue 13 item 8: the time status a GPF puts in its responses, built end to end (GPF machine →
 * wan.respond → GBCS bytes) and set against the RTDS 4.5.0 vectors' grouping headers.
 */
describe('GPF time status against the RTDS vectors', () => {
  const T0900 = Date.parse('2015-01-01T09:00:00Z');
  const T0000 = Date.parse('2015-01-01T00:00:00Z');
  const GSME = '00DB1234567890A3';

  /** A GPF whose CH clock reads `chNowMs`; `snapshotMs`: a GSME burst taken then, arrived at `arrivedMs`. */
  function gpfDateTime(config: Partial<GpfConfig>, chNowMs: number, snapshot?: { takenMs: number; arrivedMs: number }): WanDateTime | null {
    let now = snapshot ? snapshot.arrivedMs : chNowMs;
    const actor = createActor(gpfMachine, { clock: new SimulatedClock(), input: { eui: '00DB1234567890B0', peers: { gsme: GSME }, firmware: 'secmp0015', config, clock: { now: () => now }, seed: 1 } });
    const out: WanRespondEmitted[] = [];
    onEmitted(actor, 'wan.respond', (e) => out.push(e));
    actor.start();
    if (snapshot) {
      const report = (seq: number, reports: AttributeReport[], last: boolean) =>
        actor.send({ type: 'HAN_FRAME', src: GSME, clusterId: 0x0702, frame: { header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: !last, sequence: seq, commandId: ZclGeneralCommand.reportAttributes }, command: { kind: 'reportAttributes', reports } } });
      report(1, [{ attributeId: 0x0007, type: ZclDataType.utcTime, value: utcTimeFromUnixMs(snapshot.takenMs)! }], false);
      report(2, [{ attributeId: 0xfffe, type: ZclDataType.enum8, value: 1 }], true);
    }
    now = chNowMs;
    actor.send({ type: 'WAN_REQUEST', requestId: 'q', useCase: 'GCS13a' });
    actor.stop();
    return out[0]!.dateTime;
  }

  async function headerOf(variant: string, dateTime: WanDateTime | null): Promise<{ ours: string; rtds: string }> {
    const command = decodeGbcsMessage(vector(`GCS13a_4.1.1_${variant}_COMMAND_GBCS.HEX`).bytes);
    const bytes = await buildUseCaseResponse(command, { reads: [{ clusterId: 0x0702, records: [] }], dateTime }, crypto);
    const rtds = decodeGbcsMessage(vector(`GCS13a_4.1.1_${variant}_RESPONSE_GBCS.HEX`).bytes);
    const ours = decodeGbcsMessage(bytes!);
    // The grouping header up to the message code (the content length differs: no records here).
    const header = (m: typeof ours) => toHex(m.bytes.subarray(m.layout.generalSigning.start, m.layout.content.start - 1));
    return { ours: header(ours), rtds: header(rtds) };
  }

  it('own clock, TimeStatus synchronised (or master): RELIABLE, 0x00, the SUCCESS_RELIABLE_GPF header byte for byte', async () => {
    for (const timeStatus of [TimeStatusBit.synchronized, TimeStatusBit.master]) {
      const dt = gpfDateTime({ timeStatus }, T0000);
      expect(dt).toEqual({ unixMs: T0000, isFromGsme: false, clockStatus: 'RELIABLE' });
      const h = await headerOf('SUCCESS_RELIABLE_GPF', dt);
      expect(h.ours).toBe(h.rtds);
    }
  });

  it('own clock, TimeStatus not synchronised: UNRELIABLE, 0x02, the SUCCESS_UNRELIABLE header byte for byte', async () => {
    const dt = gpfDateTime({ timeStatus: 0 }, T0900);
    expect(dt).toEqual({ unixMs: T0900, isFromGsme: false, clockStatus: 'UNRELIABLE' });
    const h = await headerOf('SUCCESS_UNRELIABLE', dt);
    expect(h.ours).toBe(h.rtds);
    expect(h.rtds).toContain('0C07DF0101FF09000000800002');
  });

  it('own clock holding no valid time (before 2000, not a UTCTime): INVALID, 0x01', () => {
    expect(gpfDateTime({}, Date.parse('1999-12-31T23:59:00Z'))).toMatchObject({ isFromGsme: false, clockStatus: 'INVALID' });
    expect(timeStatusToByte({ isFromGsme: false, clockStatus: 'INVALID' })).toBe(0x01);
  });

  it('an unreliable GSME time: 0x06 by default (bit 2 from the GSME); 0x02 with unreliableGsmeTimeStatus 2, the SUCCESS_UNRELIABLE header byte for byte', async () => {
    // The GSME's snapshot says 09:00 but arrived at 09:10 by the CH clock: UNRELIABLE.
    const snapshot = { takenMs: T0900, arrivedMs: T0900 + 10 * 60_000 };
    const byDefault = gpfDateTime({}, T0900 + 20 * 60_000, snapshot);
    expect(byDefault).toEqual({ unixMs: T0900, isFromGsme: true, clockStatus: 'UNRELIABLE' });
    const d = await headerOf('SUCCESS_UNRELIABLE', byDefault);
    expect(d.ours.slice(0, d.rtds.indexOf('0C07DF') + 24)).toBe(d.rtds.slice(0, d.rtds.indexOf('0C07DF') + 24));
    expect([d.ours.slice(d.rtds.indexOf('0C07DF') + 24, d.rtds.indexOf('0C07DF') + 26), d.rtds.slice(d.rtds.indexOf('0C07DF') + 24, d.rtds.indexOf('0C07DF') + 26)]).toEqual(['06', '02']);
    const rtdsByte = gpfDateTime({ unreliableGsmeTimeStatus: 0x02 }, T0900 + 20 * 60_000, snapshot);
    expect(rtdsByte).toEqual({ unixMs: T0900, isFromGsme: false, clockStatus: 'UNRELIABLE' });
    const h = await headerOf('SUCCESS_UNRELIABLE', rtdsByte);
    expect(h.ours).toBe(h.rtds);
    // A reliable GSME time is 0x04 either way (SUCCESS_RELIABLE_GSME).
    const reliable = gpfDateTime({ unreliableGsmeTimeStatus: 0x02 }, T0000 + 60_000, { takenMs: T0000, arrivedMs: T0000 + 5_000 });
    const r = await headerOf('SUCCESS_RELIABLE_GSME', reliable);
    expect(r.ours).toBe(r.rtds);
  });
});
