import { checkUtrn, emptyUtrnWindow, euiBytes, normaliseUtrn, topUpKeyBytes } from '../../../firmware/codec/utrn.ts';
import { FUZZ_METER, utrnCodes } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { fuzzText } from '../mutate.ts';

const key = topUpKeyBytes(FUZZ_METER.topUpKey);
const eui = euiBytes(FUZZ_METER.eui);

/**
 * UTRNs as a customer keys them in (firmware/codec/utrn.ts): normalised (spaces, dashes), then
 * checked against a meter's key, EUI and an empty used window. Refusals are by value (invalid,
 * not this meter, used, too old); the check must never throw, whatever the text.
 */
export const utrnTarget: FuzzTarget<string> = {
  name: 'utrn',
  what: 'normaliseUtrn + checkUtrn (firmware/codec/utrn.ts): the 20-digit top-up code',
  share: 0.1,
  corpus: utrnCodes,
  input: (rng, corpus) => fuzzText(rng, corpus, 40),
  run(input) {
    const digits = normaliseUtrn(input);
    if (digits === null) return 'not 20 digits';
    const r = checkUtrn(digits, key, eui, emptyUtrnWindow());
    if (!r.ok) return r.reason;
  },
  classify: () => null,
};
