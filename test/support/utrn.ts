import { euiBytes, issueUtrn, topUpKeyBytes } from '../../firmware/codec/utrn.ts';

/** The top-up key the machine tests give their GSME. */
export const TEST_TOP_UP_KEY = '2b7e151628aed2a6abf7158809cf4f3c';

/** A UTRN for `eui` under TEST_TOP_UP_KEY (or `key`): `pounds` (to the penny), counter `counter`. */
export function testUtrn(eui: string, counter: number, pounds: number, key: string = TEST_TOP_UP_KEY): string {
  return issueUtrn(topUpKeyBytes(key)!, euiBytes(eui)!, counter, Math.round(pounds * 100));
}
