/** One test per HIL suite against a board target (a file per target, so vitest runs them side by side). */
import { expect, it } from 'vitest';
import { runSuite } from '../../hil/run.ts';
import { SUITES } from '../../hil/suites/index.ts';

export function suitesAgainst(target: 'emulator' | 'node'): void {
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
