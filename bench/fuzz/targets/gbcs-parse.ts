import { parseResponse } from '../../../firmware/gbcs/parse.ts';
import { gbcsVectors } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { classifyDecodeError } from '../engine.ts';
import { fuzzBytes } from '../mutate.ts';

/**
 * Parse & Correlate without keys (firmware/gbcs/parse.ts parseResponse): the structure, then the
 * ZCL of each plaintext component, the clear headers of encrypted ones, and scaling. Async (one
 * await per input), so a smaller share than the structure decoder.
 */
export const gbcsParseTarget: FuzzTarget<Uint8Array> = {
  name: 'gbcs-parse',
  what: 'parseResponse without keys (firmware/gbcs/parse.ts): structure + ZCL + scaling',
  share: 0.05,
  corpus: gbcsVectors,
  input: (rng, corpus) => fuzzBytes(rng, corpus, 256),
  async run(input) {
    await parseResponse(input);
  },
  classify: classifyDecodeError,
};
