/**
 * UTRN top-ups in a simulated home: the supplier issues a code for `amount:` top-ups; a literal
 * `utrn:` is keyed in as written. A replayed code is refused by the meter and the PPMID says so.
 */
import { describe, expect, it } from 'vitest';
import { euiBytes, issueUtrn, topUpKeyBytes } from '../firmware/codec/utrn.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { parseScenario } from '../sim/scenario/load.ts';
import { DEFAULT_EUIS } from '../sim/scenario/schema.ts';
import { createTextTimeline } from '../sim/report/text.ts';
import { simulatedTopUpKey } from '../sim/wan/utrn-issuer.ts';

const SEED = 9;
const key = topUpKeyBytes(simulatedTopUpKey(SEED, DEFAULT_EUIS.gsme))!;
/** What the supplier issues first for this home's meter: £5, counter 1. */
const FIRST = issueUtrn(key, euiBytes(DEFAULT_EUIS.gsme)!, 1, 500);
const OTHER_METER = issueUtrn(topUpKeyBytes(simulatedTopUpKey(SEED, '00DB1234567890B7'))!, euiBytes('00DB1234567890B7')!, 1, 500);

const SCENARIO = `
name: utrn-replay
seed: ${SEED}
start: 2026-01-15T00:00:00Z
duration: 4h
compare: false
prepayment: { credit: 10.00 }
topUps:
  - { at: '+30m', amount: 5 }
  - { at: '+1h30m', utrn: '${FIRST.slice(0, 10)} ${FIRST.slice(10)}' }
  - { at: '+2h30m', utrn: '${OTHER_METER}', via: meter }
`;

describe('UTRN top-ups in the simulator', () => {
  it('the supplier’s code counts once; its replay and another meter’s code are refused, the PPMID shows why', async () => {
    const events: TimelineEvent[] = [];
    await runSimulation(parseScenario(SCENARIO, 'utrn-replay', 'yaml'), { onEvent: (e) => events.push(e) });
    const customer = events.filter((e) => e.kind === 'customer');
    expect(customer.map((e) => e.kind === 'customer' && e.utrn)).toEqual([FIRST, FIRST, OTHER_METER]);
    const gsme = events.flatMap((e) => (e.kind === 'log' && e.device === 'gsme' && /top-up/.test(e.message) ? [[e.message, e.data?.['reason'] ?? e.data?.['amountGbp']]] : []));
    expect(gsme).toEqual([
      ['top-up applied', 5],
      ['top-up refused', 'used'],
      ['meter top-up refused', 'notThisMeter'],
    ]);
    const refused = events.flatMap((e) => (e.kind === 'screen' && e.screen.topUpRefused ? [e.screen.topUpRefused] : []));
    expect(new Set(refused)).toEqual(new Set(['Code already used']));
    // No screen ever shows more than the meter had.
    let most = -Infinity;
    for (const e of events) {
      if (e.kind !== 'screen') continue;
      if (typeof e.trueCredit === 'number') most = Math.max(most, e.trueCredit);
      if (e.screen.credit !== null) expect(e.screen.credit).toBeLessThanOrEqual(most + 0.01);
    }
    const lines: string[] = [];
    const text = createTextTimeline('scenario', (l) => lines.push(l));
    for (const e of events) text(e);
    expect(lines.filter((l) => l.includes('meter:')).map((l) => l.slice(22))).toEqual([
      '── meter: top-up applied £5.00',
      '── meter: top-up refused (used)',
      '── meter: meter top-up refused (notThisMeter)',
    ]);
  });
});
