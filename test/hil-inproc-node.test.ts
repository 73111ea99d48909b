/**
 * The three suites against the node board's bundle run in this process (`inproc-node`) on virtual
 * time: the same bundle and board code `hanlab board run --board node` runs (its platform, file
 * storage, screen output), its HAN on the harness's in-process bus instead of MQTT.js, with no
 * wall-clock waits. (hil-boards-node runs it as a child process on real time over MQTT.js, the
 * broker restart included.)
 */
import { describe, expect, it } from 'vitest';
import { runSuite } from '../hil/run.ts';
import { SUITES } from '../hil/suites/index.ts';
import { ppmidConformance } from '../hil/suites/ppmid-conformance.ts';

describe('hil suites against the node board in-process, on virtual time', () => {
  for (const suite of Object.values(SUITES)) {
    it(`${suite.name} passes (the broker restart is skipped in-process)`, async () => {
      const r = await runSuite({ suite, target: { kind: 'inproc-node' }, startMs: Date.UTC(2026, 0, 15, 12) });
      expect(r.target).toBe('inproc-node');
      expect(r.cases.length).toBeGreaterThan(0);
      const notPassed = r.cases.filter((c) => c.status !== 'passed').map((c) => `${c.name} ${c.status}: ${c.message ?? ''}`);
      expect(notPassed).toEqual(suite.name === 'ppmid-conformance' ? [expect.stringMatching(/^broker restart: the DUT reconnects and resubscribes skipped: the in-process bus has no broker/)] : []);
    }, 60_000);
  }

  it('ppmid-conformance fails exactly the freshness cases on a node PPMID built without stale detection', async () => {
    const r = await runSuite({ suite: ppmidConformance, target: { kind: 'inproc-node' }, startMs: Date.UTC(2026, 0, 15, 12), noStaleDetection: true });
    const freshness = ppmidConformance.cases.filter((c) => c.freshness).map((c) => c.name);
    expect(freshness.length).toBeGreaterThan(0);
    expect(r.cases.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual(freshness);
    for (const c of r.cases.filter((c) => c.status === 'failed')) expect(c.message).toMatch(/^expected a (late|stale) screen .* saw fresh screen/);
  }, 60_000);
});
