/** The PPMID suite against the in-process DUT (the same board entry, `startBoardDevice`, on XState): every case passes. */
import { describe, expect, it } from 'vitest';
import { runSuite } from '../sim/hil/run.ts';
import { ppmidConformance } from '../sim/hil/suites/ppmid-conformance.ts';

describe('ppmid-conformance (in-process DUT)', () => {
  it('passes every case', async () => {
    const r = await runSuite({ suite: ppmidConformance, target: { kind: 'inproc' } });
    const failed = r.cases.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`);
    expect(failed).toEqual([]);
    expect(r.cases).toHaveLength(ppmidConformance.cases.length);
    expect(r.ms).toBeLessThan(120_000);
  }, 150_000);
});
