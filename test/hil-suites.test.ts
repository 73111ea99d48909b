/** The GPF and GSME suites against the in-process DUT (virtual time: no wall-clock waits), and each harness's ability to fail. */
import { describe, expect, it } from 'vitest';
import { runSuite } from '../hil/run.ts';
import { gpfConformance } from '../hil/suites/gpf-conformance.ts';
import { gsmeConformance } from '../hil/suites/gsme-conformance.ts';

describe('gpf-conformance and gsme-conformance (in-process DUT, virtual time)', () => {
  it('gpf-conformance passes every case', async () => {
    const r = await runSuite({ suite: gpfConformance, target: { kind: 'inproc' }, startMs: Date.UTC(2026, 0, 15, 12) });
    expect(r.cases.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`)).toEqual([]);
  }, 60_000);

  it('gsme-conformance passes every case', async () => {
    const r = await runSuite({ suite: gsmeConformance, target: { kind: 'inproc' }, startMs: Date.UTC(2026, 0, 15, 12) });
    expect(r.cases.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`)).toEqual([]);
  }, 60_000);

  it('a legacy GSME run as if it were new fails the snapshot-time case, naming what it saw', async () => {
    const r = await runSuite({ suite: gsmeConformance, target: { kind: 'inproc' }, startMs: Date.UTC(2026, 0, 15, 12), only: 'snapshot time', dutFirmwareOverride: 'legacy' });
    expect(r.cases).toHaveLength(1);
    expect(r.cases[0]!.status).toBe('failed');
    expect(r.cases[0]!.message).toMatch(/expected ReadingSnapshotTime within a minute of the hub time .*; saw undefined/);
  }, 60_000);

  it('a legacy GPF run as if it were new fails the remote-response case: its responses carry hub time', async () => {
    const r = await runSuite({ suite: gpfConformance, target: { kind: 'inproc' }, startMs: Date.UTC(2026, 0, 15, 12), only: 'remote responses', dutFirmwareOverride: 'legacy' });
    expect(r.cases).toHaveLength(1);
    expect(r.cases[0]!.status).toBe('failed');
    expect(r.cases[0]!.message).toMatch(/expected timeStatus \{ isFromGsme: true, clockStatus: RELIABLE \}; saw dateTime \S+Z, timeStatus \{"isFromGsme":false,"clockStatus":"RELIABLE"\}, mac valid/);
  }, 60_000);
});
