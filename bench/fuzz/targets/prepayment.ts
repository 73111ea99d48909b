import { decodePrepaymentCommand } from '../../../firmware/machines/prepayment-commands.ts';
import { prepaymentInputs } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { fuzzBytes } from '../mutate.ts';

/**
 * Prepayment command payloads (firmware/machines/prepayment-commands.ts): the first input byte is
 * the command id, the rest the payload. The decoder reports a bad payload by value ('invalid' with
 * a reason); it must never throw.
 */
export const prepaymentTarget: FuzzTarget<Uint8Array> = {
  name: 'prepayment',
  what: 'decodePrepaymentCommand (firmware/machines/prepayment-commands.ts): command id byte + payload',
  share: 0.05,
  corpus: prepaymentInputs,
  input: (rng, corpus) => fuzzBytes(rng, corpus, 24),
  run(input) {
    const r = decodePrepaymentCommand(input[0] ?? -1, input.subarray(1));
    if (r.kind === 'invalid') return `invalid: ${r.reason.replace(/\d+/g, 'N')}`;
  },
  classify: () => null,
};
