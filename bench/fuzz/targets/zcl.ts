import { decodeZclFrame } from '../../../firmware/zcl/index.ts';
import { zclFrames } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { classifyDecodeError } from '../engine.ts';
import { fuzzBytes } from '../mutate.ts';

/** ZCL frames (firmware/zcl decodeZclFrame), from frames the firmware's encoders build and the vectors' plaintext ZCL. */
export const zclTarget: FuzzTarget<Uint8Array> = {
  name: 'zcl',
  what: 'decodeZclFrame (firmware/zcl/frame.ts) on mutated encoder-built and RTDS frames',
  share: 0.2,
  corpus: zclFrames,
  input: (rng, corpus) => fuzzBytes(rng, corpus, 64),
  run(input) {
    decodeZclFrame(input);
  },
  classify: classifyDecodeError,
};
