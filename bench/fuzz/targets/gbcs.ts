import { decodeGbcsMessage } from '../../../firmware/gbcs/message.ts';
import { gbcsVectors } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { classifyDecodeError } from '../engine.ts';
import { fuzzBytes } from '../mutate.ts';

/** GBCS message structure (firmware/gbcs/message.ts), from mutated RTDS vectors. */
export const gbcsTarget: FuzzTarget<Uint8Array> = {
  name: 'gbcs',
  what: 'decodeGbcsMessage (firmware/gbcs/message.ts) on mutated RTDS 4.5.0 vectors',
  share: 0.2,
  corpus: gbcsVectors,
  input: (rng, corpus) => fuzzBytes(rng, corpus, 256),
  run(input) {
    decodeGbcsMessage(input);
  },
  classify: classifyDecodeError,
};
