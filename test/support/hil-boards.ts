/**
 * HIL cases against a board run as a child process (`hanlab board run`), a file per board so
 * vitest runs them side by side. The full suites run against the same boards in this process on
 * virtual time (hil-inproc-emulator, hil-inproc-node: every case, no wall-clock waits); here only
 * what a child process on real time proves: the board starting as `hanlab board run` does, its
 * own real timers and clock, its HAN over a real MQTT connection (the node board's MQTT.js), and
 * the broker restart, which only a real broker has. These wait on real time and sockets: each
 * step's limit in the suites is several times what it takes on a quiet machine.
 */
import { expect, it } from 'vitest';
import { runSuite } from '../../hil/run.ts';
import { SUITES } from '../../hil/suites/index.ts';

/** Per suite, the cases run here (by name; every name must still exist). */
export const CHILD_BOARD_CASES: Record<string, string[]> = {
  'ppmid-conformance': [
    'new GSME + new GPF: fresh balance with the meter time',
    // SECMP0015's promise, with the PPMID's own poll timer and the hub clock on real time.
    'freshness: stale after two missed updates (hub clock +70 min)',
    'broker restart: the DUT reconnects and resubscribes',
  ],
  'gsme-conformance': ['wake cycle: a report burst each wake, ending with AttributeReportingStatus complete'],
  'gpf-conformance': [
    'new GSME: 0x0007 is the snapshot time (legacy GPF: 0x86)',
    // The hub's WAN side on the real broker.
    'remote responses: GCS13a and GCS60a (legacy GPF: GCS60) as Parse & Correlate decodes them',
  ],
};

export function suitesAgainst(target: 'emulator' | 'node'): void {
  for (const suite of Object.values(SUITES)) {
    const names = CHILD_BOARD_CASES[suite.name] ?? [];
    // The three suites side by side: each has its own broker on a free port and its own board process.
    it.concurrent(`${suite.name} on ${target}: ${names.length} case${names.length === 1 ? '' : 's'}`, async () => {
      const cases = suite.cases.filter((c) => names.includes(c.name));
      expect(cases.map((c) => c.name)).toEqual(names);
      const r = await runSuite({ suite: { ...suite, cases }, target: { kind: target } });
      expect(r.cases.map((c) => `${c.name} ${c.status}${c.message ? `: ${c.message}` : ''}`)).toEqual(names.map((n) => `${n} passed`));
    }, 180_000);
  }
}
