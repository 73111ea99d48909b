import { describe, expect, it } from 'vitest';
import { RTDS_VECTORS } from './support/vectors.ts';
import { ByteReader } from '../firmware/codec/bytes.ts';
import { toHex } from '../firmware/codec/hex.ts';
import { clockStatusToByte } from '../firmware/dlms/clock-status.ts';
import { decodeGbcsMessage } from '../firmware/gbcs/message.ts';
import { buildUseCaseResponse } from '../firmware/gbcs/respond.ts';
import { decryptComponent, verifyWrapperMac } from '../firmware/gbcs/security.ts';
import { timeStatusFromByte } from '../firmware/gbcs/time-status.ts';
import { decodeZclPayload } from '../firmware/zcl/index.ts';
import { createNodeGbcsCrypto, extendKeystore, loadKeystore, simulatedDeviceKey } from '../sim/crypto/index.ts';
import { loadVectors } from './support/gbcs-arbitraries.ts';

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
