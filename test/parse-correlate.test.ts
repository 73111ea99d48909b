/**
 * Parse & Correlate (firmware/gbcs/parse.ts, mmc-xml.ts) over every RTDS 4.5.0 vector: use case,
 * time status, MAC, decrypted and scaled values; keyless decoding; DecodeError-only failure,
 * also for a decrypted payload; and the MMC-style XML.
 *
 * Byte-exact re-encoding of the messages (MAC and encrypted parts included) is proven in
 * gbcs-structure.test.ts (decode → encode of every vector) and gbcs-crypto.test.ts (MAC
 * recomputation, re-encryption to the same ciphertext and tag). Here: what parseResponse reports
 * loses nothing — each component's ZCL frame is rebuilt from the parsed JSON alone and, for
 * encrypted components, re-encrypted to the very ciphertext and tag of the vector.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RTDS_VECTORS } from '../bench/vectors.ts';
import { ByteWriter } from '../firmware/codec/bytes.ts';
import { DecodeError } from '../firmware/codec/errors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import { escapeAttribute, escapeText, renderMmcXml } from '../firmware/gbcs/mmc-xml.ts';
import { decodeGbcsMessage, encodeGbcsMessageWithLayout } from '../firmware/gbcs/message.ts';
import { parseResponse } from '../firmware/gbcs/parse.ts';
import type { ParsedAttribute, ParsedComponent, ParsedGbcs, ParseOptions } from '../firmware/gbcs/parse.ts';
import { encryptComponent, sealWrapperMac } from '../firmware/gbcs/security.ts';
import type { GbcsCrypto } from '../firmware/gbcs/security.ts';
import type { GbcsMessage } from '../firmware/gbcs/types.ts';
import { useCaseByMessageCode } from '../firmware/gbcs/use-cases.ts';
import { encodeZclPayload } from '../firmware/zcl/frame.ts';
import type { ReadAttributeRecord, ZclCommand, ZclHeader } from '../firmware/zcl/frame.ts';
import { ZclDataType } from '../firmware/zcl/types.ts';
import type { ZclDataTypeId, ZclValue } from '../firmware/zcl/types.ts';
import { createNodeGbcsCrypto, emptyKeystore, loadKeystore } from '../sim/crypto/index.ts';
import { gbcsMessageArb, loadVectors } from '../bench/fuzz/gbcs-arbitraries.ts';
import type { Vector } from '../bench/fuzz/gbcs-arbitraries.ts';

const VECTORS = RTDS_VECTORS;
const ACB = fromHex('90B3D51F30000002');

const vectors = loadVectors();
const responses = vectors.filter((v) => v.file.includes('_RESPONSE_'));
const commands = vectors.filter((v) => v.file.includes('_COMMAND_'));
const byName = (prefix: string): Vector => {
  const v = vectors.find((x) => x.file.startsWith(prefix + '_GBCS'));
  if (!v) throw new Error(`no vector ${prefix}`);
  return v;
};

const FOLDER_USE_CASE: Record<string, [string, number, string]> = {
  '4.1.1_GCS13a': ['GCS13a', 0x0074, '4.1.1'],
  '4.1.2_GCS13c': ['GCS13c', 0x00b6, '4.1.2'],
  '4.1.4_GCS13b': ['GCS13b', 0x00b8, '4.1.4'],
  '4.3_GCS14': ['GCS14', 0x0075, '4.3'],
  '4.18_GCS60': ['GCS60', 0x008d, '4.18'],
};

let crypto: GbcsCrypto;
let keyed: ParseOptions;
const parsedWithKeys = new Map<string, ParsedGbcs>();

beforeAll(async () => {
  crypto = createNodeGbcsCrypto(loadKeystore(new URL('keystore/', VECTORS)));
  keyed = { crypto, accessControlBroker: ACB };
  for (const v of vectors) parsedWithKeys.set(v.file, await parseResponse(v.bytes, keyed));
});

const parsed = (v: Vector): ParsedGbcs => parsedWithKeys.get(v.file)!;
const attr = (c: ParsedComponent, name: string): ParsedAttribute => {
  const a = c.attributes.find((x) => x.name === name);
  if (!a) throw new Error(`no attribute ${name} in component ${c.index}`);
  return a;
};
const allAttributes = (p: ParsedGbcs): ParsedAttribute[] => p.components.flatMap((c) => c.attributes);

describe('every RESPONSE vector', () => {
  it('there are 18', () => expect(responses).toHaveLength(18));

  for (const v of responses) {
    describe(v.file, () => {
      it('use case, message code, service reference, CRA flag, parties', () => {
        const p = parsed(v);
        const [useCase, code, srv] = FOLDER_USE_CASE[v.folder]!;
        expect([p.useCase, p.messageCode, p.messageCodeHex, p.serviceReference]).toEqual([useCase, code, `0x${code.toString(16).toUpperCase().padStart(4, '0')}`, srv]);
        expect(p.useCaseTitle).toBe(useCaseByMessageCode(code)!.title);
        expect(p.craFlag).toBe('response');
        expect(p.recipient).toBe('90B3D51F30010000');
        expect(p.originator).toMatch(/^00DB1234567890A[13]$/);
        expect(p.counter).toMatch(/^100[0-4]$/);
      });

      it('the time status the file name says', () => {
        const p = parsed(v);
        if (v.folder === '4.18_GCS60') {
          expect([p.dateTime, p.timeStatus]).toEqual([null, null]);
        } else if (v.file.includes('RELIABLE_GSME')) {
          expect(p.timeStatus).toEqual({ isFromGsme: true, clockStatus: 'RELIABLE' });
        } else if (v.file.includes('RELIABLE_GPF')) {
          expect(p.timeStatus).toEqual({ isFromGsme: false, clockStatus: 'RELIABLE' });
        } else if (v.file.includes('UNRELIABLE')) {
          expect(p.timeStatus).toEqual({ isFromGsme: false, clockStatus: 'UNRELIABLE' });
          expect(p.dateTime).toBe('2015-01-01T09:00:00Z');
        } else {
          expect(v.file).toContain('_ERROR_');
          expect(p.timeStatus).toEqual({ isFromGsme: false, clockStatus: 'RELIABLE' }); // RTDS ERROR responses carry 0x00
        }
        if (p.timeStatus && !v.file.includes('UNRELIABLE')) expect(p.dateTime).toBe('2015-01-01T00:00:00Z');
      });

      it('MAC valid with the key store, every encrypted component decrypted', () => {
        const p = parsed(v);
        expect(p.mac).toBe('valid');
        for (const c of p.components) expect(c.decryption).toBe(c.encrypted ? 'ok' : undefined);
      });

      it('answers exactly the attributes the use case reads (or says why not)', () => {
        const p = parsed(v);
        const uc = useCaseByMessageCode(p.messageCode)!;
        expect(p.components.map((c) => c.clusterId)).toEqual(uc.reads.map((r) => `0x${r.clusterId.toString(16).padStart(4, '0')}`));
        p.components.forEach((c, i) => {
          expect(c.zcl.direction).toBe('toClient');
          if (c.defaultResponse) {
            expect(v.file).toContain('_ERROR_');
            expect(c.attributes).toEqual([]);
            return;
          }
          expect(c.zcl.command).toBe('readAttributesResponse');
          expect(c.attributes.map((a) => Number(a.id))).toEqual(uc.reads[i]!.attributes);
          for (const a of c.attributes) expect(a.name).not.toMatch(/^unknown/);
        });
      });

      it(v.file.includes('_ERROR_') ? 'reports the error statuses' : 'every status is SUCCESS', () => {
        const p = parsed(v);
        const failures = [
          ...allAttributes(p).filter((a) => a.status !== 'SUCCESS').map((a) => `${a.name} ${a.status} ${a.statusCode}`),
          ...p.components.filter((c) => c.defaultResponse).map((c) => `${c.clusterName} default response ${c.defaultResponse!.status} ${c.defaultResponse!.statusCode}`),
        ];
        if (!v.file.includes('_ERROR_')) {
          expect(failures).toEqual([]);
          return;
        }
        const expected: Record<string, string[]> = {
          GCS13a: ['Divisor HARDWARE_FAILURE 192'],
          GCS13b: ['Multiplier HARDWARE_FAILURE 192'],
          GCS13c: ['Multiplier HARDWARE_FAILURE 192'],
          GCS14: ['PriceTrailingDigit HARDWARE_FAILURE 192', 'Prepayment default response FAILURE 1'],
          GCS60: ['BillToDateDelivered HARDWARE_FAILURE 192', 'Prepayment default response FAILURE 1'],
        };
        expect(failures).toEqual(expected[p.useCase]);
        // a failed read carries no type, raw or value
        for (const a of allAttributes(p).filter((x) => x.status !== 'SUCCESS')) expect(Object.keys(a).sort()).toEqual(['id', 'name', 'status', 'statusCode']);
      });

      it('is plain JSON (round-trips through JSON.stringify)', () => {
        const p = parsed(v);
        expect(JSON.parse(JSON.stringify(p))).toEqual(p);
      });
    });
  }
});

describe('decoded and scaled values', () => {
  it('GCS13a: CurrentSummationDelivered 12345 × 1 / 1000 = 12.345 m³', () => {
    for (const name of ['GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE', 'GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE', 'GCS13a_4.1.1_SUCCESS_UNRELIABLE_RESPONSE']) {
      const c = parsed(byName(name)).components[0]!;
      expect(c).toMatchObject({ index: 1, clusterId: '0x0702', clusterName: 'Metering', encrypted: true, decryption: 'ok', fromDateTime: null });
      expect(c.zcl).toEqual({ frameType: 'global', direction: 'toClient', sequence: 0, commandId: 1, command: 'readAttributesResponse' });
      expect(c.attributes).toEqual([
        { id: '0x0302', name: 'Divisor', status: 'SUCCESS', statusCode: 0, type: 'uint24', raw: 1000 },
        { id: '0x0301', name: 'Multiplier', status: 'SUCCESS', statusCode: 0, type: 'uint24', raw: 1 },
        { id: '0x0300', name: 'UnitOfMeasure', status: 'SUCCESS', statusCode: 0, type: 'enum8', raw: 1 },
        { id: '0x0000', name: 'CurrentSummationDelivered', status: 'SUCCESS', statusCode: 0, type: 'uint48', raw: 12345, value: { amount: 12.345, unit: 'm3' } },
      ]);
    }
  });

  it('GCS13a ERROR: the divisor read failed, so the register stays raw', () => {
    const c = parsed(byName('GCS13a_4.1.1_ERROR_RESPONSE')).components[0]!;
    expect(attr(c, 'Divisor')).toEqual({ id: '0x0302', name: 'Divisor', status: 'HARDWARE_FAILURE', statusCode: 0xc0 });
    expect(attr(c, 'CurrentSummationDelivered')).toEqual({ id: '0x0000', name: 'CurrentSummationDelivered', status: 'SUCCESS', statusCode: 0, type: 'uint48', raw: 12345 });
  });

  it('GCS13b: block counters 0x0700–0x0703, scaled to m³', () => {
    const c = parsed(byName('GCS13b_4.1.4_SUCCESS_RELIABLE_GSME_RESPONSE')).components[0]!;
    const blocks = c.attributes.filter((a) => a.name.startsWith('CurrentNoTierBlock'));
    expect(blocks.map((a) => [a.id, a.name, a.raw, a.value])).toEqual([
      ['0x0700', 'CurrentNoTierBlock1SummationDelivered', 0, { amount: 0, unit: 'm3' }],
      ['0x0701', 'CurrentNoTierBlock2SummationDelivered', 1, { amount: 0.001, unit: 'm3' }],
      ['0x0702', 'CurrentNoTierBlock3SummationDelivered', 2, { amount: 0.002, unit: 'm3' }],
      ['0x0703', 'CurrentNoTierBlock4SummationDelivered', 3, { amount: 0.003, unit: 'm3' }],
    ]);
    const error = parsed(byName('GCS13b_4.1.4_ERROR_RESPONSE')).components[0]!;
    expect(error.attributes.filter((a) => a.name.startsWith('CurrentNoTierBlock')).map((a) => [a.raw, a.value])).toEqual([[0, undefined], [1, undefined], [2, undefined], [3, undefined]]);
  });

  it('GCS13c: TOU registers 0x0100, 0x0102, 0x0104, 0x0106, scaled to m³', () => {
    const c = parsed(byName('GCS13c_4.1.2_SUCCESS_RELIABLE_GPF_RESPONSE')).components[0]!;
    const tiers = c.attributes.filter((a) => a.name.startsWith('CurrentTier'));
    expect(tiers.map((a) => [a.id, a.name, a.raw, a.value?.amount, a.value?.unit])).toEqual([
      ['0x0100', 'CurrentTier1SummationDelivered', 1000, 1, 'm3'],
      ['0x0102', 'CurrentTier2SummationDelivered', 2000, 2, 'm3'],
      ['0x0104', 'CurrentTier3SummationDelivered', 3000, 3, 'm3'],
      ['0x0106', 'CurrentTier4SummationDelivered', 4000, 4, 'm3'],
    ]);
  });

  it('GCS14: trailing digit 0x50 (5 places), GBP: CreditRemaining £25, EmergencyCreditRemaining £5, AccumulatedDebt £25, debts £0.05', () => {
    for (const name of ['GCS14_4.3_SUCCESS_RELIABLE_GPF_RESPONSE', 'GCS14_4.3_SUCCESS_RELIABLE_GSME_RESPONSE', 'GCS14_4.3_SUCCESS_UNRELIABLE_RESPONSE']) {
      const [price, prepay] = parsed(byName(name)).components;
      expect(price).toMatchObject({ clusterName: 'Price', encrypted: false });
      expect(price!.decryption).toBeUndefined();
      expect([attr(price!, 'PriceTrailingDigit').raw, attr(price!, 'Currency').raw]).toEqual([0x50, 826]);
      expect(prepay).toMatchObject({ clusterName: 'Prepayment', encrypted: true, decryption: 'ok' });
      const money = Object.fromEntries(prepay!.attributes.map((a) => [a.name, [a.raw, a.value]]));
      expect(money).toEqual({
        AccumulatedDebt: [2_500_000, { amount: 25, unit: 'GBP' }],
        EmergencyCreditRemaining: [500_000, { amount: 5, unit: 'GBP' }],
        CreditRemaining: [2_500_000, { amount: 25, unit: 'GBP' }],
        DebtAmount3: [5000, { amount: 0.05, unit: 'GBP' }],
        DebtAmount1: [5000, { amount: 0.05, unit: 'GBP' }],
        DebtAmount2: [5000, { amount: 0.05, unit: 'GBP' }],
      });
      expect(attr(prepay!, 'CreditRemaining').type).toBe('int32');
    }
  });

  it('GCS60: CreditRemaining 2,500,000 and BillToDateDelivered 3,500,000 raw (no trailing digit in the response)', () => {
    const p = parsed(byName('GCS60_4.18_SUCCESS_RESPONSE'));
    expect(p.components.map((c) => [c.clusterName, c.encrypted])).toEqual([['Metering', false], ['Prepayment', false]]);
    expect(attr(p.components[0]!, 'BillToDateDelivered')).toEqual({ id: '0x0A00', name: 'BillToDateDelivered', status: 'SUCCESS', statusCode: 0, type: 'uint32', raw: 3_500_000 });
    expect(attr(p.components[1]!, 'CreditRemaining')).toEqual({ id: '0x0001', name: 'CreditRemaining', status: 'SUCCESS', statusCode: 0, type: 'int32', raw: 2_500_000 });
  });
});

describe('every COMMAND vector', () => {
  it('there are 18', () => expect(commands).toHaveLength(18));

  for (const v of commands) {
    it(`${v.file}: use case, CRA command, no date-time, the attribute ids it reads, MAC valid with the ACB key`, async () => {
      const p = parsed(v);
      const [useCase, code] = FOLDER_USE_CASE[v.folder]!;
      expect([p.useCase, p.messageCode, p.craFlag, p.dateTime, p.timeStatus, p.mac]).toEqual([useCase, code, 'command', null, null, 'valid']);
      expect(p.originator).toBe('90B3D51F30010000');
      const uc = useCaseByMessageCode(code)!;
      expect(p.components).toHaveLength(uc.reads.length);
      p.components.forEach((c, i) => {
        expect(c.encrypted).toBe(false);
        expect(c.zcl).toMatchObject({ direction: 'toServer', commandId: 0, command: 'readAttributes' });
        expect(c.attributes.map((a) => Number(a.id))).toEqual(uc.reads[i]!.attributes);
        for (const a of c.attributes) expect(Object.keys(a)).toEqual(['id', 'name']); // what is read, no status
      });
      // the command's MAC is the ACB's: without it, no key
      expect((await parseResponse(v.bytes, { crypto })).mac).toBe('no-key');
    });
  }

  it('GCS13a command names the attributes it reads', () => {
    expect(parsed(byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_COMMAND')).components[0]!.attributes).toEqual([
      { id: '0x0302', name: 'Divisor' },
      { id: '0x0301', name: 'Multiplier' },
      { id: '0x0300', name: 'UnitOfMeasure' },
      { id: '0x0000', name: 'CurrentSummationDelivered' },
    ]);
  });
});

// --- parse → bytes: the parsed report loses nothing ----------------------------------------------

const TYPE_IDS = ZclDataType as Record<string, ZclDataTypeId>;

function zclValueOf(a: ParsedAttribute): ZclValue {
  if (a.type === 'octetString') return fromHex(a.raw as string);
  return a.raw!;
}

/** The ZCL command as the parsed JSON describes it. */
function commandFromParsed(c: ParsedComponent): ZclCommand {
  switch (c.zcl.command) {
    case 'readAttributes':
      return { kind: 'readAttributes', attributeIds: c.attributes.map((a) => Number(a.id)) };
    case 'readAttributesResponse':
      return {
        kind: 'readAttributesResponse',
        records: c.attributes.map((a): ReadAttributeRecord => (a.statusCode === 0 ? { attributeId: Number(a.id), status: 0, type: TYPE_IDS[a.type!]!, value: zclValueOf(a) } : { attributeId: Number(a.id), status: a.statusCode! })),
      };
    case 'reportAttributes':
      return { kind: 'reportAttributes', reports: c.attributes.map((a) => ({ attributeId: Number(a.id), type: TYPE_IDS[a.type!]!, value: zclValueOf(a) })) };
    case 'defaultResponse':
      return { kind: 'defaultResponse', commandId: c.defaultResponse!.commandId, status: c.defaultResponse!.statusCode };
    case 'other':
      return { kind: 'other', payload: fromHex(c.payload!) };
  }
}

function zclPayloadFromParsed(c: ParsedComponent): Uint8Array {
  const header: ZclHeader = { frameType: c.zcl.frameType, direction: c.zcl.direction, disableDefaultResponse: false, sequence: c.zcl.sequence, commandId: c.zcl.commandId };
  const w = new ByteWriter();
  encodeZclPayload(w, header, commandFromParsed(c));
  return w.finish();
}

describe('parse → bytes', () => {
  it('every component of every vector rebuilds from the parsed report; encrypted ones re-encrypt to the same ciphertext and tag', async () => {
    for (const v of vectors) {
      const p = parsed(v);
      const m = decodeGbcsMessage(v.bytes);
      const g = m.groupingHeader;
      for (const [i, c] of p.components.entries()) {
        const wire = m.payload.components[i]!;
        const payload = zclPayloadFromParsed(c);
        if (!wire.encrypted) {
          expect(toHex(payload), `${v.file} component ${i + 1}`).toBe(toHex(wire.zcl.subarray(3)));
          continue;
        }
        const sealed = await encryptComponent({ originator: g.originatorSystemTitle, recipient: g.recipientSystemTitle, counter: g.originatorCounter, plaintext: payload }, crypto);
        expect(sealed && [toHex(sealed.ciphertext), toHex(sealed.tag)], `${v.file} component ${i + 1}`).toEqual([toHex(wire.ciphertext), toHex(wire.tag)]);
      }
    }
  });
});

// --- without keys -------------------------------------------------------------------------------

describe('without keys', () => {
  for (const [what, options] of [
    ['no crypto', () => ({})],
    ['a key store lacking the keys', () => ({ crypto: createNodeGbcsCrypto(emptyKeystore()), accessControlBroker: ACB })],
  ] as const) {
    it(`${what}: header and plaintext components decode, encrypted ones say 'no-key', MAC 'no-key'`, async () => {
      for (const v of vectors) {
        const p = await parseResponse(v.bytes, options());
        const full = parsed(v);
        expect(p.mac).toBe('no-key');
        const { mac: _a, components: keyless, ...header } = p;
        const { mac: _b, components: keyedComponents, ...keyedHeader } = full;
        expect(header).toEqual(keyedHeader);
        keyless.forEach((c, i) => {
          if (!c.encrypted) {
            expect(c).toEqual(keyedComponents[i]);
            return;
          }
          expect(c.decryption).toBe('no-key');
          expect(c.attributes).toEqual([]);
          expect(c.zcl).toEqual(keyedComponents[i]!.zcl); // the ZCL header travels in clear
        });
      }
    });
  }

  it('GCS14 without keys: the plain Price component still decodes, the Prepayment one stays closed', async () => {
    const p = await parseResponse(byName('GCS14_4.3_SUCCESS_RELIABLE_GSME_RESPONSE').bytes);
    expect(p.timeStatus).toEqual({ isFromGsme: true, clockStatus: 'RELIABLE' });
    expect(p.components[0]!.attributes.map((a) => [a.name, a.raw])).toEqual([['PriceTrailingDigit', 0x50], ['Currency', 826]]);
    expect(p.components[1]).toMatchObject({ clusterName: 'Prepayment', encrypted: true, decryption: 'no-key', attributes: [] });
  });
});

// --- tampering and malformed decrypted payloads -------------------------------------------------

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] = out[at]! ^ 0x01;
  return out;
}

async function decodeErrorOf(p: Promise<unknown>): Promise<DecodeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('tampering', () => {
  it('a flipped ciphertext bit: MAC and decryption invalid, reported not thrown', async () => {
    const v = byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE');
    const layout = decodeGbcsMessage(v.bytes).layout.components[0]!.encrypted!;
    const p = await parseResponse(flip(v.bytes, layout.ciphertext.start + 3), keyed);
    expect(p.mac).toBe('invalid');
    expect(p.components[0]).toMatchObject({ decryption: 'invalid', attributes: [] });
  });

  it('a flipped MAC bit: MAC invalid, contents still decrypt', async () => {
    const v = byName('GCS14_4.3_SUCCESS_RELIABLE_GPF_RESPONSE');
    const p = await parseResponse(flip(v.bytes, v.bytes.length - 1), keyed);
    expect(p.mac).toBe('invalid');
    expect(p.components[1]!.decryption).toBe('ok');
  });

  it('clock_status with bits 0 and 1 both set (DLMS forbids it): the response still decodes and reports INVALID', async () => {
    for (const v of responses.filter((x) => x.file.includes('SUCCESS_UNRELIABLE'))) {
      const at = decodeGbcsMessage(v.bytes).layout.dateTime!.end - 1;
      expect(v.bytes[at]).toBe(0x02); // every RTDS UNRELIABLE vector
      for (const [b, isFromGsme] of [[0x03, false], [0x07, true]] as const) {
        const bad = v.bytes.slice();
        bad[at] = b;
        expect(() => decodeGbcsMessage(bad)).toThrow(DecodeError); // the strict DLMS decoder still refuses it
        const p = await parseResponse(bad, keyed);
        expect(p.timeStatus).toEqual({ isFromGsme, clockStatus: 'INVALID' });
        expect(p.dateTime).toBe('2015-01-01T09:00:00Z');
        expect(p.mac).toBe('invalid'); // the MAC covers the grouping header
        expect(p.components.map((c) => c.decryption)).toEqual(parsed(v).components.map((c) => c.decryption));
        expect(p.components.map((c) => c.attributes)).toEqual(parsed(v).components.map((c) => c.attributes));
        expect(renderMmcXml(p)).toContain(`<Timestamp IsFromGSME="${isFromGsme}" ClockStatus="INVALID">2015-01-01T09:00:00Z</Timestamp>`);
      }
    }
  });

  it('a bad clear ZCL header in an encrypted component is a DecodeError at its offset, with or without keys', async () => {
    const v = byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE');
    const at = decodeGbcsMessage(v.bytes).layout.components[0]!.encrypted!.clearHeader.start + 2;
    expect(v.bytes[at]).toBe(0x18);
    const bad = v.bytes.slice();
    bad[at] = 0x38; // reserved frame-control bit 5
    for (const options of [{}, keyed]) {
      const e = await decodeErrorOf(parseResponse(bad, options));
      expect([e.offset, e.expected, e.found]).toEqual([at, 'ZCL frame control bits 5-7 clear', 'frame control 0x38']);
    }
  });

  it('a decrypted payload that is malformed is a DecodeError at its offset in the message', async () => {
    // Re-seal GCS13a with a plaintext whose last record is cut short (an attribute id, no status).
    const v = byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE');
    const m = decodeGbcsMessage(v.bytes);
    const g = m.groupingHeader;
    const plaintext = fromHex('02030022E8030001030022010000000300300100000025393000000000' + '0703');
    const sealed = (await encryptComponent({ originator: g.originatorSystemTitle, recipient: g.recipientSystemTitle, counter: g.originatorCounter, plaintext }, crypto))!;
    const c = m.payload.components[0]!;
    if (!c.encrypted) throw new Error('expected an encrypted component');
    const msg: GbcsMessage = { ...m, payload: { components: [{ ...c, ciphertext: sealed.ciphertext, tag: sealed.tag }] }, mac: null };
    const enc = encodeGbcsMessageWithLayout(msg);
    const bytes = (await sealWrapperMac(enc.bytes, crypto))!;
    const ct = enc.layout.components[0]!.encrypted!.ciphertext;
    const e = await decodeErrorOf(parseResponse(bytes, keyed));
    expect(e.offset).toBe(ct.start + plaintext.length); // where the status would be, in the ciphertext
    expect(e.offset).toBeLessThan(ct.end + 1);
    expect(e.message).toBe(`at byte ${ct.start + plaintext.length}: expected the status of attribute 0x0307 (1 byte), found end of data`);
    // …while without the keys the same message parses
    expect((await parseResponse(bytes)).components[0]!.decryption).toBe('no-key');
  });
});

// --- only DecodeError ---------------------------------------------------------------------------

type Mutation = { kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate'; at: number; value: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const a = Array.from(bytes);
  const at = m.at % (a.length + 1);
  if (m.kind === 'flip' && at < a.length) a[at] = a[at]! ^ (1 << (m.value & 7));
  else if (m.kind === 'set' && at < a.length) a[at] = m.value;
  else if (m.kind === 'insert') a.splice(at, 0, m.value);
  else if (m.kind === 'delete') a.splice(at, 1);
  else if (m.kind === 'truncate') a.length = at;
  return new Uint8Array(a);
}

async function parsesOrFailsCleanly(bytes: Uint8Array, options: ParseOptions): Promise<void> {
  let p: ParsedGbcs;
  try {
    p = await parseResponse(bytes, options);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length, `offset ${e.offset} of ${bytes.length}`).toBe(true);
    expect(e.message).toBe(`at byte ${e.offset}: expected ${e.expected}, found ${e.found}`);
    expect(e.message).not.toContain('\n');
    return;
  }
  expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  renderMmcXml(p);
}

describe('parseResponse only ever rejects with DecodeError', () => {
  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), (b) => parsesOrFailsCleanly(b, {})), { numRuns: 2000 });
  });

  it('random valid structures with random ZCL inside', async () => {
    await fc.assert(fc.asyncProperty(gbcsMessageArb, (msg) => parsesOrFailsCleanly(encodeGbcsMessageWithLayout(msg).bytes, {})), { numRuns: 500 });
  });

  it('mutated RTDS vectors, without keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(vectors.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (i, ms) => parsesOrFailsCleanly(ms.reduce(mutate, vectors[i]!.bytes), {})),
      { numRuns: 3000 },
    );
  });

  it('mutated RTDS vectors, with the key store (MAC check and decryption run)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(vectors.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (i, ms) => parsesOrFailsCleanly(ms.reduce(mutate, vectors[i]!.bytes), keyed)),
      { numRuns: 400 },
    );
  });
});

// --- MMC-style XML ------------------------------------------------------------------------------

/**
 * A tiny XML well-formedness check: one prolog, tags balanced and properly nested, one root,
 * attributes quoted, no raw '<' or '&' outside markup and entity references.
 */
function checkWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  expect(body).not.toContain('<?xml');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)/gy;
  let at = 0;
  for (let m = token.exec(body); m !== null && m.index === at; m = token.exec(body)) {
    at = token.lastIndex;
    const [, close, name, , selfClose, text] = m;
    if (text !== undefined) {
      expect(text.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, ''), 'stray & in text').not.toMatch(/&/);
      if (stack.length === 0) expect(text.trim(), 'text outside the root').toBe('');
      continue;
    }
    if (name === undefined) continue; // comment
    if (close) {
      expect(stack.pop(), `</${name}> closes`).toBe(name);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name);
    }
  }
  expect(at, `unparsed XML at ${at}: ${body.slice(at, at + 40)}`).toBe(body.length);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe('MMC-style XML', () => {
  it('is well-formed for every vector, with and without keys', async () => {
    for (const v of vectors) {
      checkWellFormed(renderMmcXml(parsed(v)));
      checkWellFormed(renderMmcXml(await parseResponse(v.bytes)));
    }
  });

  it('the well-formedness check catches broken XML', () => {
    expect(() => checkWellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a></b>\n')).toThrow();
    expect(() => checkWellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<a>x & y</a>\n')).toThrow();
    expect(() => checkWellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<a/><b/>\n')).toThrow();
    expect(() => checkWellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<a b="1>\n')).toThrow();
  });

  it('GCS13a RELIABLE_GSME: header, service reference, timestamp with IsFromGSME and ClockStatus, scaled register', () => {
    const xml = renderMmcXml(parsed(byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE')));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Header>\n')).toBe(true);
    expect(xml).toContain('<RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A3:1000</RequestID>');
    expect(xml).toContain('<ResponseID>00-DB-12-34-56-78-90-A3:90-B3-D5-1F-30-01-00-00:1000</ResponseID>');
    expect(xml).toContain('<ServiceReference>4.1</ServiceReference>\n      <ServiceReferenceVariant>4.1.1</ServiceReferenceVariant>');
    expect(xml).toContain('<MessageCode>0074</MessageCode>');
    expect(xml).toContain('<UseCase Title="Read GSME Consumption Register">GCS13a</UseCase>');
    expect(xml).toContain('<MAC>valid</MAC>');
    expect(xml).toContain('<SMETSData MessageSuccess="true">\n        <ReadInstantaneousImportRegistersRsp>\n');
    expect(xml).toContain('<Timestamp IsFromGSME="true" ClockStatus="RELIABLE">2015-01-01T00:00:00Z</Timestamp>');
    expect(xml).toContain(
      [
        '<Attribute ID="0x0000" Name="CurrentSummationDelivered" Status="SUCCESS" StatusCode="0" Type="uint48">',
        '  <Raw>12345</Raw>',
        '  <Value Unit="m3">12.345</Value>',
        '</Attribute>',
      ].join('\n' + ' '.repeat(12)),
    );
    expect(xml.endsWith('</Response>\n')).toBe(true);
  });

  it('time status on the timestamp: GPF reliable, unreliable; none for GCS60 and commands', () => {
    expect(renderMmcXml(parsed(byName('GCS14_4.3_SUCCESS_RELIABLE_GPF_RESPONSE')))).toContain('<Timestamp IsFromGSME="false" ClockStatus="RELIABLE">2015-01-01T00:00:00Z</Timestamp>');
    expect(renderMmcXml(parsed(byName('GCS13c_4.1.2_SUCCESS_UNRELIABLE_RESPONSE')))).toContain('<Timestamp IsFromGSME="false" ClockStatus="UNRELIABLE">2015-01-01T09:00:00Z</Timestamp>');
    const gcs60 = renderMmcXml(parsed(byName('GCS60_4.18_SUCCESS_RESPONSE')));
    expect(gcs60).not.toContain('<Timestamp');
    expect(gcs60).toContain('<ReadMeterBalanceRsp>');
    expect(gcs60).toContain('<Attribute ID="0x0001" Name="CreditRemaining" Status="SUCCESS" StatusCode="0" Type="int32">\n              <Raw>2500000</Raw>\n            </Attribute>');
    const command = renderMmcXml(parsed(byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_COMMAND')));
    expect(command).not.toContain('<Timestamp');
    expect(command).toContain('<Request>');
    expect(command).not.toContain('ResponseID');
    expect(command).toContain('<Attribute ID="0x0302" Name="Divisor"/>');
  });

  it('GCS14: money in GBP; ERROR: failed statuses and the default response, MessageSuccess false', () => {
    expect(renderMmcXml(parsed(byName('GCS14_4.3_SUCCESS_RELIABLE_GSME_RESPONSE')))).toContain('<Raw>2500000</Raw>\n              <Value Unit="GBP">25</Value>');
    const error = renderMmcXml(parsed(byName('GCS14_4.3_ERROR_RESPONSE')));
    expect(error).toContain('<SMETSData MessageSuccess="false">');
    expect(error).toContain('<Attribute ID="0x0617" Name="PriceTrailingDigit" Status="HARDWARE_FAILURE" StatusCode="192"/>');
    expect(error).toContain('<DefaultResponse CommandID="255" Status="FAILURE" StatusCode="1"/>');
  });

  it('without keys: the encrypted component is marked, MessageSuccess left out', async () => {
    const xml = renderMmcXml(await parseResponse(byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE').bytes));
    expect(xml).toContain('<MAC>no-key</MAC>');
    expect(xml).toContain('<SMETSData>');
    expect(xml).toMatch(/<Component Index="1" ClusterID="0x0702" ClusterName="Metering" Encrypted="true" Decryption="no-key" [^>]*\/>/);
  });

  it('escapes text and attributes, and drops characters XML cannot carry', () => {
    expect(escapeText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(escapeAttribute('"x" & \'y\'\n')).toBe('&quot;x&quot; &amp; \'y\'&#10;');
    expect(escapeText('nul\u0000 esc\u001b ok\t')).toBe('nul\uFFFD esc\uFFFD ok\t');
    const base = parsed(byName('GCS60_4.18_SUCCESS_RESPONSE'));
    const evil: ParsedGbcs = {
      ...base,
      components: [
        {
          ...base.components[0]!,
          clusterName: 'A<B>&"C"',
          attributes: [{ id: '0x0004', name: 'ManufacturerName', status: 'SUCCESS', statusCode: 0, type: 'charString', raw: '</Raw><x a="1">&\u0001' }],
        },
      ],
    };
    const xml = renderMmcXml(evil);
    checkWellFormed(xml);
    expect(xml).toContain('ClusterName="A&lt;B&gt;&amp;&quot;C&quot;"');
    expect(xml).toContain('<Raw>&lt;/Raw&gt;&lt;x a="1"&gt;&amp;\uFFFD</Raw>');
  });
});
