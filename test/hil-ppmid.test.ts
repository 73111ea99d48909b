/**
 * The PPMID suite against the in-process DUT (the same board entry, `startBoardDevice`, on
 * XState): every case passes; and the emulator board's PPMID, built by `hanlab build
 * --no-stale-detection`, fails exactly the freshness cases, with messages naming the expected and
 * the seen screen.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('fails exactly the freshness cases on an emulator PPMID built without stale detection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-hil-'));
    const r = await runSuite({ suite: ppmidConformance, target: { kind: 'emulator' }, noStaleDetection: true, artifactsDir: dir });
    const failed = r.cases.filter((c) => c.status === 'failed');
    const freshness = ppmidConformance.cases.filter((c) => c.freshness).map((c) => c.name);
    expect(freshness.length).toBeGreaterThan(0);
    expect(failed.map((c) => c.name)).toEqual(freshness);
    expect(r.cases.filter((c) => c.status === 'passed')).toHaveLength(ppmidConformance.cases.length - freshness.length);
    for (const c of failed) {
      expect(c.message).toMatch(/^expected a (late|stale) screen .* saw fresh screen \(credit £[\d.]+\): "Credit £[\d.]+ \| Updated \d\d:\d\d"/);
      expect(c.screen?.freshness).toBe('fresh');
      expect(c.png && existsSync(c.png)).toBe(true);
    }
  }, 150_000);
});
