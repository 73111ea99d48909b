import { describe, expect, it } from 'vitest';
import { checkUtrn, emptyUtrnWindow, euiBytes, topUpKeyBytes, utrnDigitsToBytes } from '../firmware/codec/utrn.ts';
import { createUtrnIssuer, simulatedTopUpKey, utrnForMeter } from '../sim/wan/utrn-issuer.ts';

const SEED = 42;
const A = '00DB48FFFE00A003';
const B = '00DB48FFFE01A003'; // a comparison home's meter (bytes 5–6 = home number)
const verdict = (code: string, eui: string) => {
  const r = checkUtrn(code, topUpKeyBytes(simulatedTopUpKey(SEED, eui)), euiBytes(eui), emptyUtrnWindow());
  return r.ok ? `ok ${r.counter} ${r.pence}` : r.reason;
};

describe("a literal UTRN in a comparison home (sim/run/variants.ts): the same code, made for that home's meter", () => {
  const genuine = createUtrnIssuer((e) => simulatedTopUpKey(SEED, e)).issue(A, 12.34);
  const forge = (code: string) => code.slice(0, 19) + String((Number(code[19]) + 1) % 10);

  it('a genuine code stays genuine, with its counter and amount', () => {
    expect(verdict(genuine, A)).toBe('ok 1 1234');
    expect(verdict(genuine, B)).toBe('notThisMeter'); // as written, the other meter would refuse it
    expect(verdict(utrnForMeter(genuine, SEED, A, B), B)).toBe('ok 1 1234');
  });

  it('a forged, another meter’s or malformed code is refused for the same reason', () => {
    const forged = forge(genuine);
    expect(verdict(forged, A)).toBe('invalid');
    expect(verdict(utrnForMeter(forged, SEED, A, B), B)).toBe('invalid');
    const others = createUtrnIssuer((e) => simulatedTopUpKey(SEED, e)).issue('00124B0000000001', 5);
    expect(verdict(others, A)).toBe('notThisMeter');
    expect(verdict(utrnForMeter(others, SEED, A, B), B)).toBe('notThisMeter');
    expect(utrnForMeter('not a code', SEED, A, B)).toBe('not a code');
    expect(utrnDigitsToBytes(utrnForMeter(genuine, SEED, A, B))).not.toBeNull();
  });
});
