import { ByteReader, ByteWriter } from '../../../firmware/codec/bytes.ts';
import { decodeDlmsDateTime, dlmsDateTimeFromDate, dlmsDateTimeToIso, encodeDlmsDateTime } from '../../../firmware/dlms/date-time.ts';
import type { FuzzTarget } from '../engine.ts';
import { classifyDecodeError } from '../engine.ts';
import { fuzzBytes } from '../mutate.ts';

function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dates = ['2000-01-01T00:00:00Z', '2024-02-29T23:59:59.990Z', '2026-03-29T01:00:00Z', '2026-10-25T01:30:00Z', '2099-12-31T12:34:56Z'];
  for (const [i, d] of dates.entries()) {
    const w = new ByteWriter();
    encodeDlmsDateTime(w, dlmsDateTimeFromDate(new Date(d), i % 2 ? { deviation: -60, dayOfWeek: true, hundredths: true } : {}));
    out.push(w.finish());
  }
  // Every field unspecified, and a wildcard month/day (DST begin, last day).
  out.push(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x00, 0xff]));
  out.push(Uint8Array.from([0x07, 0xea, 0xfe, 0xfe, 0x07, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));
  return out;
}

/** DLMS date-time (firmware/dlms/date-time.ts decodeDlmsDateTime), then its ISO form. */
export const dlmsDateTimeTarget: FuzzTarget<Uint8Array> = {
  name: 'dlms-date-time',
  what: 'decodeDlmsDateTime + dlmsDateTimeToIso (firmware/dlms/date-time.ts)',
  share: 0.1,
  corpus,
  input: (rng, c) => fuzzBytes(rng, c, 16),
  run(input) {
    dlmsDateTimeToIso(decodeDlmsDateTime(new ByteReader(input)));
  },
  classify: classifyDecodeError,
};
