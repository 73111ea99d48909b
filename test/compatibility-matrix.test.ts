import { beforeAll, describe, expect, it } from 'vitest';
import { UTC_TIME_INVALID, utcTimeFromUnixMs } from '../firmware/zcl/index.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { resolveScenario } from '../sim/scenario/load.ts';

type Fw = 'secmp0015' | 'legacy';
type Screen = Extract<TimelineEvent, { kind: 'screen' }>['screen'];
type Wan = Extract<TimelineEvent, { kind: 'wan' }>;

/**
 * Spec section 3, every row, with the PPMID new and legacy: one simulated hour per home, all
 * eight homes side by side on one broker; at +20 min the supplier asks for GCS13a, GCS60a and
 * GCS60 and Parse & Correlate decodes the answers. GCS60a (0x012A) exists only on new devices: a
 * legacy GPF answers Read Meter Balance as GCS60 only (spec section 2, Parse & Correlate).
 */
const scenario = resolveScenario(
  {
    name: 'compatibility-matrix',
    duration: '1h',
    compare: true,
    serviceRequests: [
      { at: '+20m', useCase: 'GCS13a' },
      { at: '+21m', useCase: 'GCS60a' },
      { at: '+22m', useCase: 'GCS60' },
    ],
  },
  'compatibility-matrix (test)',
);

interface Row {
  gsme: Fw;
  gpf: Fw;
  /** What a HAN read of 0x0007 gets. */
  read0007: 'snapshot' | 'invalid' | 'unsupported';
  /** Source of the remote responses' date-time. */
  remoteTimeFrom: 'gsme' | 'gpf';
}

const ROWS: Row[] = [
  { gsme: 'secmp0015', gpf: 'secmp0015', read0007: 'snapshot', remoteTimeFrom: 'gsme' },
  { gsme: 'legacy', gpf: 'secmp0015', read0007: 'invalid', remoteTimeFrom: 'gpf' },
  { gsme: 'secmp0015', gpf: 'legacy', read0007: 'unsupported', remoteTimeFrom: 'gpf' },
  { gsme: 'legacy', gpf: 'legacy', read0007: 'unsupported', remoteTimeFrom: 'gpf' },
];

describe('compatibility matrix (spec section 3): GSME × GPF × PPMID', () => {
  const events: TimelineEvent[] = [];
  beforeAll(async () => {
    await runSimulation(scenario, { onEvent: (e) => events.push(e) });
  }, 120_000);

  const label = (gsme: Fw, gpf: Fw, ppmid: Fw) => `gsme=${gsme} gpf=${gpf} ppmid=${ppmid}${ppmid === 'secmp0015' ? ' fallback=on' : ''}`;
  const of = (home: string) => events.filter((e) => e.home === home);

  for (const row of ROWS) {
    for (const ppmid of ['secmp0015', 'legacy'] as const) {
      it(`GSME ${row.gsme}, GPF ${row.gpf}, PPMID ${ppmid}`, () => {
        const home = of(label(row.gsme, row.gpf, ppmid));
        expect(home.length).toBeGreaterThan(100);

        // What the GSME reported, and when (its snapshot time on new firmware).
        const reports = home.filter((e): e is Extract<TimelineEvent, { kind: 'han' }> => e.kind === 'han' && e.from === 'gsme' && e.command.startsWith('report'));
        expect(reports.length).toBeGreaterThan(0);
        expect(reports.some((r) => r.command.includes('0007=')), 'GSME sends 0x0007').toBe(row.gsme === 'secmp0015');
        const snapshotUtc = utcTimeFromUnixMs(scenario.start);

        // A HAN read of 0x0007 (the PPMID's, when it asks).
        const reads = home.filter((e): e is Extract<TimelineEvent, { kind: 'han' }> => e.kind === 'han' && e.from === 'gpf' && e.to === 'ppmid' && e.cluster === 'Metering');
        expect(reads.length).toBeGreaterThan(0);
        if (ppmid === 'legacy') {
          // A legacy PPMID never asks for 0x0007, and keeps working against any GPF.
          for (const r of reads) expect(r.command).not.toContain('0007');
        } else {
          const answer = /0007([=!])([^,]+)/.exec(reads[0]!.command)!;
          expect(answer, reads[0]!.command).not.toBeNull();
          if (row.read0007 === 'snapshot') expect(answer.slice(1)).toEqual(['=', String(snapshotUtc)]);
          if (row.read0007 === 'invalid') expect(answer.slice(1)).toEqual(['=', String(UTC_TIME_INVALID)]);
          if (row.read0007 === 'unsupported') expect(answer.slice(1)).toEqual(['!', '86']);
        }

        // The remote responses as Parse & Correlate decodes them.
        const responses = home.filter((e): e is Wan => e.kind === 'wan' && e.direction === 'response');
        expect(responses.map((r) => r.useCase)).toEqual(row.gpf === 'secmp0015' ? ['GCS13a', 'GCS60a', 'GCS60'] : ['GCS13a', 'GCS60']);
        if (row.gpf === 'legacy') {
          const refused = home.filter((e) => e.kind === 'log' && e.device === 'gpf' && e.message === 'use case not served by this firmware: no response');
          expect(refused.map((e) => (e as Extract<TimelineEvent, { kind: 'log' }>).data?.useCase)).toEqual(['GCS60a']);
        }
        for (const r of responses) {
          const d = r.detail as { dateTime: string | null; timeStatus: { isFromGsme: boolean; clockStatus: string } | null; mac: string };
          expect(d.mac).toBe('valid');
          if (r.useCase === 'GCS60') {
            // Legacy GCS60: no date-time in the response, on either GPF.
            expect([d.dateTime, d.timeStatus]).toEqual([null, null]);
            continue;
          }
          expect(d.timeStatus).toEqual({ isFromGsme: row.remoteTimeFrom === 'gsme', clockStatus: 'RELIABLE' });
          // GSME time: the last snapshot (a wake at start, the next not before +29 min); GPF time: the hub's clock when it answered.
          const expected = row.remoteTimeFrom === 'gsme' ? scenario.start : r.t;
          expect(Date.parse(d.dateTime!)).toBe(Math.floor(expected / 1000) * 1000);
        }

        // What the PPMID shows at the end of the hour.
        const screens = home.filter((e): e is Extract<TimelineEvent, { kind: 'screen' }> => e.kind === 'screen');
        const last: Screen = screens.at(-1)!.screen;
        expect(last.credit).not.toBeNull();
        if (ppmid === 'secmp0015' && row.gsme === 'secmp0015' && row.gpf === 'secmp0015') {
          expect(last.lastUpdate?.source).toBe('gsme');
          expect(['fresh', 'late']).toContain(last.freshness);
          expect(last.lines.join('\n')).toMatch(/Updated \d\d:\d\d/);
        } else {
          expect(last.freshness).toBe('unknown');
          expect(last.lastUpdate?.source ?? 'changeEstimate').toBe('changeEstimate');
          expect(last.warnings.map((w) => w.code)).toContain('timeUnknown');
        }
      });
    }
  }
});
