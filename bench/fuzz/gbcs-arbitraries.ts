import { RTDS_VECTORS } from '../vectors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { fromHex } from '../../firmware/codec/hex.ts';
import type { ClockStatusBits, DlmsDateTime } from '../../firmware/dlms/date-time.ts';
import { minimalBerForm } from '../../firmware/gbcs/ber.ts';
import { gbzPayloadSize } from '../../firmware/gbcs/gbz.ts';
import { encodeGbcsMessageWithLayout } from '../../firmware/gbcs/message.ts';
import type { CraFlag, GbcsBerForms, GbcsMessage, GbzComponent } from '../../firmware/gbcs/types.ts';
import { GBCS_USE_CASES } from '../../firmware/gbcs/use-cases.ts';

/** Test-only helpers shared by the DLMS and GBCS structure tests: RTDS vectors and fast-check arbitraries. */

export interface Vector {
  folder: string;
  file: string;
  bytes: Uint8Array;
}

const VECTORS = RTDS_VECTORS;

export function loadVectors(): Vector[] {
  const out: Vector[] = [];
  for (const folder of readdirSync(VECTORS).sort()) {
    if (folder === 'keystore') continue;
    for (const file of readdirSync(new URL(`${folder}/`, VECTORS)).sort()) {
      if (!file.endsWith('.HEX')) continue;
      out.push({ folder, file, bytes: fromHex(readFileSync(new URL(`${folder}/${file}`, VECTORS), 'utf8')) });
    }
  }
  return out;
}

export const clockStatusArb: fc.Arbitrary<ClockStatusBits> = fc
  .record({
    invalidValue: fc.boolean(),
    doubtfulValue: fc.boolean(),
    differentClockBase: fc.boolean(),
    invalidClockStatus: fc.boolean(),
    daylightSavingActive: fc.boolean(),
    reserved: fc.integer({ min: 0, max: 7 }),
  })
  .filter((c) => !(c.invalidValue && c.doubtfulValue));

function maxDay(year: number | null, month: number): number {
  if (month === 2) return year === null || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export const dlmsDateTimeArb: fc.Arbitrary<DlmsDateTime> = fc
  .record({
    year: fc.option(fc.integer({ min: 0, max: 0xfffe })),
    month: fc.option(fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0xfd, 0xfe))),
    dayOfMonth: fc.option(fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(0xfd, 0xfe))),
    dayOfWeek: fc.option(fc.integer({ min: 1, max: 7 })),
    hour: fc.option(fc.integer({ min: 0, max: 23 })),
    minute: fc.option(fc.integer({ min: 0, max: 59 })),
    second: fc.option(fc.integer({ min: 0, max: 59 })),
    hundredths: fc.option(fc.integer({ min: 0, max: 99 })),
    deviation: fc.option(fc.integer({ min: -720, max: 720 })),
    clockStatus: fc.option(clockStatusArb),
  })
  .filter((d) => d.month === null || d.month > 12 || d.dayOfMonth === null || d.dayOfMonth > 31 || d.dayOfMonth <= maxDay(d.year, d.month));

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });

export const gbzComponentArb: fc.Arbitrary<GbzComponent> = fc.oneof(
  fc.record({
    encrypted: fc.constant(false as const),
    clusterId: u16,
    fromDateTime: fc.option(u32),
    zcl: bytes(3, 40),
  }),
  fc.record({
    encrypted: fc.constant(true as const),
    clusterId: u16,
    fromDateTime: fc.option(u32),
    additionalHeaderControl: u8,
    additionalHeaderFrameCounter: u8,
    zclHeader: fc.record({ frameControl: u8.map((v) => v & ~0x04), sequenceNumber: u8, commandId: u8 }),
    securityHeader: fc.record({ securityControl: fc.constant(0x31), invocationCounter: u32 }),
    ciphertext: bytes(0, 60),
    tag: bytes(12, 12),
  }),
);

const formArb = fc.option(fc.constantFrom(0 as const, 1 as const, 2 as const), { nil: undefined });

/** Keeps only forms longer than needed: the decoder records exactly those. */
function normalise(msg: GbcsMessage, cc: 0 | 1 | 2 | undefined): GbcsMessage {
  const want = msg.berForms ?? {};
  const forms: GbcsBerForms = {};
  const keep = (key: keyof GbcsBerForms, value: number) => {
    const f = want[key];
    if (f !== undefined && f > minimalBerForm(value)) forms[key] = f;
  };
  keep('otherInformation', 2 + msg.groupingHeader.supplementary.length);
  keep('content', gbzPayloadSize(msg.payload));
  keep('signature', msg.signature.length);
  const base: GbcsMessage = { ...msg };
  delete base.berForms;
  if (Object.keys(forms).length > 0) base.berForms = forms;
  const l = encodeGbcsMessageWithLayout(base).layout;
  const ccLength = l.mac.end - l.securityHeader.start;
  if (cc !== undefined && cc > minimalBerForm(ccLength)) base.berForms = { ...forms, cipheredContent: cc };
  return base;
}

export const gbcsMessageArb: fc.Arbitrary<GbcsMessage> = fc
  .record({
    securityHeader: fc.record({ securityControl: fc.constant(0x11), invocationCounter: u32 }),
    groupingHeader: fc.record({
      craFlag: fc.constantFrom<CraFlag>(1, 2, 3),
      originatorCounter: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
      originatorSystemTitle: bytes(8, 8),
      recipientSystemTitle: bytes(8, 8),
      dateTime: fc.option(dlmsDateTimeArb),
      messageCode: fc.constantFrom(...GBCS_USE_CASES.map((u) => u.messageCode)),
      supplementary: fc.oneof({ weight: 3, arbitrary: bytes(0, 0) }, { weight: 1, arbitrary: bytes(1, 200) }),
    }),
    payload: fc.record({ components: fc.array(gbzComponentArb, { minLength: 1, maxLength: 4 }) }),
    signature: fc.oneof(bytes(0, 0), bytes(64, 64), bytes(1, 300)),
    mac: bytes(12, 12),
    forms: fc.record({ otherInformation: formArb, content: formArb, signature: formArb, cipheredContent: formArb }),
  })
  .map(({ forms, ...m }) => {
    const { cipheredContent, ...rest } = forms;
    const clean: GbcsBerForms = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) clean[k as keyof GbcsBerForms] = v;
    return normalise({ ...m, berForms: clean }, cipheredContent);
  });
