import { hanTopic, observeTopic, parseTopic, wanTopic } from '../../../han/topics.ts';
import type { FuzzTarget } from '../engine.ts';
import { fuzzText } from '../mutate.ts';

function corpus(): string[] {
  const a = '00DB48FFFE00A001';
  const b = '00DB48FFFE00A002';
  return [
    hanTopic('home-1', a, b, 0x0702),
    hanTopic('hil', b, a, 0x0705),
    hanTopic('p_2', a, b, 0x000a),
    hanTopic('x', b, a, 0xffff),
    observeTopic('home-1', 'gsme', 'screen'),
    wanTopic('home-1', b, 'command'),
  ];
}

/**
 * HAN topics (han/topics.ts parseHanTopic, through parseTopic so the observe and WAN roots
 * are covered too). Errors are reported by value with a code.
 */
export const hanTopicTarget: FuzzTarget<string> = {
  name: 'han-topic',
  what: 'parseTopic / parseHanTopic (han/topics.ts)',
  share: 0.12,
  corpus,
  input: (rng, c) => fuzzText(rng, c, 80),
  run(input) {
    const r = parseTopic(input);
    if (!r.ok) return `TopicError: ${r.error.code}`;
  },
  classify: () => null,
};
