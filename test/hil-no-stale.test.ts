/**
 * The harness can fail: the emulator board's PPMID, built by `hanlab build --no-stale-detection`,
 * fails exactly the freshness cases of ppmid-conformance, with messages naming the expected and
 * the seen screen, and a PNG of the last screen for each. The board's bundle runs in QuickJS in
 * this process (`inproc-emulator`), on virtual time: no wall-clock waits.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runSuite } from '../hil/run.ts';
import { ppmidConformance } from '../hil/suites/ppmid-conformance.ts';

describe('ppmid-conformance against a PPMID without stale detection', () => {
  it('fails exactly the freshness cases on an emulator PPMID built without stale detection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-hil-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // A fixed start (midday UTC): at a wall clock near midnight the screen names the reading's day.
    const r = await runSuite({ suite: ppmidConformance, target: { kind: 'inproc-emulator' }, noStaleDetection: true, artifactsDir: dir, startMs: Date.UTC(2026, 0, 15, 12) });
    const failed = r.cases.filter((c) => c.status === 'failed');
    const freshness = ppmidConformance.cases.filter((c) => c.freshness).map((c) => c.name);
    expect(freshness.length).toBeGreaterThan(0);
    expect(failed.map((c) => c.name)).toEqual(freshness);
    // In-process there is no broker to restart: that case is skipped, every other one passes.
    expect(r.cases.filter((c) => c.status === 'skipped').map((c) => c.name)).toEqual(['broker restart: the DUT reconnects and resubscribes']);
    expect(r.cases.filter((c) => c.status === 'passed')).toHaveLength(ppmidConformance.cases.length - freshness.length - 1);
    for (const c of failed) {
      expect(c.message).toMatch(/^expected a (late|stale) screen .* saw fresh screen \(credit £[\d.]+\): "Credit £[\d.]+ \| Updated \d\d:\d\d"/);
      expect(c.screen?.freshness).toBe('fresh');
      expect(c.png && existsSync(c.png)).toBe(true);
    }
    expect(r.ms).toBeLessThan(30_000);
  }, 60_000);
});
