import { describe, expect, it } from 'vitest';
import { clockStatusFromTimeStatus, timeStatusFromByte, timeStatusFromClockStatus, timeStatusToByte } from '../firmware/gbcs/time-status.ts';
import type { TimeStatus } from '../firmware/gbcs/time-status.ts';
import { GBCS_USE_CASES, KNOWN_MESSAGE_CODES_TEXT, useCaseByMessageCode, useCaseByName } from '../firmware/gbcs/use-cases.ts';

describe('GBCS time status (SECMP0015 section 4)', () => {
  it.each([
    [0x00, false, 'RELIABLE'],
    [0x04, true, 'RELIABLE'],
    [0x02, false, 'UNRELIABLE'],
    [0x06, true, 'UNRELIABLE'],
    [0x01, false, 'INVALID'],
    [0x05, true, 'INVALID'],
  ] as const)('0x%s ↔ isFromGsme %s, %s', (byte, isFromGsme, clockStatus) => {
    const ts: TimeStatus = { isFromGsme, clockStatus };
    expect(timeStatusFromByte(byte)).toEqual(ts);
    expect(timeStatusToByte(ts)).toBe(byte);
    expect(timeStatusFromClockStatus(clockStatusFromTimeStatus(ts))).toEqual(ts);
  });
  it('ignores bits 3–7, reads both low bits set as INVALID and 0xFF (unspecified) as GPF / INVALID', () => {
    expect(timeStatusFromByte(0x8c)).toEqual({ isFromGsme: true, clockStatus: 'RELIABLE' });
    expect(timeStatusFromByte(0x03)).toEqual({ isFromGsme: false, clockStatus: 'INVALID' });
    expect(timeStatusFromByte(0x07)).toEqual({ isFromGsme: true, clockStatus: 'INVALID' });
    expect(timeStatusFromByte(0xff)).toEqual({ isFromGsme: false, clockStatus: 'INVALID' });
    expect(timeStatusFromClockStatus(null)).toEqual({ isFromGsme: false, clockStatus: 'INVALID' });
  });
});

describe('GBCS use cases', () => {
  it('maps message codes to use cases and SRVs', () => {
    expect(GBCS_USE_CASES.map((u) => [u.name, u.messageCode, u.srv])).toEqual([
      ['GCS13a', 0x0074, '4.1.1'],
      ['GCS13c', 0x00b6, '4.1.2'],
      ['GCS13b', 0x00b8, '4.1.4'],
      ['GCS14', 0x0075, '4.3'],
      ['GCS60', 0x008d, '4.18'],
      ['GCS60a', 0x012a, '4.18'],
    ]);
    expect(useCaseByMessageCode(0x012a)?.responseHasDateTime).toBe(true);
    expect(useCaseByName('GCS60').responseHasDateTime).toBe(false);
    expect(useCaseByMessageCode(0x1234)).toBeUndefined();
    expect(KNOWN_MESSAGE_CODES_TEXT).toBe('a known GBCS message code (GCS13a 0x0074, GCS13c 0x00B6, GCS13b 0x00B8, GCS14 0x0075, GCS60 0x008D, GCS60a 0x012A)');
  });
  it('lists the attributes of spec section 4', () => {
    expect(useCaseByName('GCS14').reads.map((r) => [r.clusterId, r.attributes])).toEqual([
      [0x0700, [0x0617, 0x0616]],
      [0x0705, [0x0005, 0x0002, 0x0001, 0x0231, 0x0211, 0x0221]],
    ]);
    expect(useCaseByName('GCS60a').reads).toEqual(useCaseByName('GCS60').reads);
  });
});
