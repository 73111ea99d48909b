/**
 * The three suites against the board targets: each case's DUT is a `hanlab board run` child
 * process (the QuickJS emulator or the Node board), seen only through what it publishes.
 */
import { describe, expect, it } from 'vitest';
import { runSuite } from '../sim/hil/run.ts';
import { SUITES } from '../sim/hil/suites/index.ts';

describe('hil suites against the emulator and node boards', () => {
  for (const target of ['emulator', 'node'] as const) {
    for (const suite of Object.values(SUITES)) {
      it(`${suite.name} on ${target}`, async () => {
        const r = await runSuite({ suite, target: { kind: target } });
        expect(r.cases.length).toBeGreaterThan(0);
        expect(r.cases.filter((c) => c.status !== 'passed').map((c) => `${c.name} ${c.status}: ${c.message}`)).toEqual([]);
        // Issue 5: a full ppmid-conformance run against the emulator within 2 minutes of wall time.
        if (suite.name === 'ppmid-conformance' && target === 'emulator') expect(r.ms).toBeLessThan(120_000);
      }, 180_000);
    }
  }
});
