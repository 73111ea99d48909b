import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AGE_CLASS_RANK,
  DEFAULT_FRESHNESS_CONFIG,
  assessFreshness,
  classifyAge,
  lateAfterMs,
  staleAfterMs,
} from '../firmware/display/freshness.ts';
import type { FreshnessConfig, FreshnessInput } from '../firmware/display/freshness.ts';

const MIN = 60_000;
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const cfg: FreshnessConfig = { ...DEFAULT_FRESHNESS_CONFIG };

function input(over: Partial<FreshnessInput> = {}): FreshnessInput {
  return {
    nowMs: NOW,
    clockSynced: true,
    snapshotMs: NOW - 10 * MIN,
    lastChangeSeenMs: null,
    sinceChangeSeenMs: null,
    observedForMs: 0,
    hasBalance: true,
    hanLost: false,
    consumptionExpected: true,
    ...over,
  };
}

describe('classifyAge', () => {
  it('uses T + g and 2T + g (defaults 35 and 65 min), boundaries inclusive on the fresher side', () => {
    expect(lateAfterMs(cfg)).toBe(35 * MIN);
    expect(staleAfterMs(cfg)).toBe(65 * MIN);
    expect(classifyAge(-5 * MIN, cfg)).toBe('fresh');
    expect(classifyAge(0, cfg)).toBe('fresh');
    expect(classifyAge(35 * MIN, cfg)).toBe('fresh');
    expect(classifyAge(35 * MIN + 1, cfg)).toBe('late');
    expect(classifyAge(65 * MIN, cfg)).toBe('late');
    expect(classifyAge(65 * MIN + 1, cfg)).toBe('stale');
  });

  it('follows the configured T and g', () => {
    const c = { expectedUpdateIntervalMs: 10 * MIN, graceMs: 1 * MIN };
    expect(classifyAge(11 * MIN, c)).toBe('fresh');
    expect(classifyAge(11 * MIN + 1, c)).toBe('late');
    expect(classifyAge(21 * MIN + 1, c)).toBe('stale');
  });

  it('is monotone in age: fresh ≤ late ≤ stale (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 * 60 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: -10 * 24 * 60 * MIN, max: 10 * 24 * 60 * MIN }),
        fc.integer({ min: 0, max: 10 * 24 * 60 * MIN }),
        (tMin, gMin, age, delta) => {
          const c = { expectedUpdateIntervalMs: tMin * MIN, graceMs: gMin * MIN };
          expect(AGE_CLASS_RANK[classifyAge(age, c)]).toBeLessThanOrEqual(AGE_CLASS_RANK[classifyAge(age + delta, c)]);
        },
      ),
    );
  });
});

describe('assessFreshness', () => {
  it('known time: fresh / late / stale with the snapshot as the shown time', () => {
    const fresh = assessFreshness(input({ snapshotMs: NOW - 35 * MIN }), cfg);
    expect(fresh).toMatchObject({ freshness: 'fresh', stale: false, shown: { atMs: NOW - 35 * MIN, source: 'gsme' }, ageMs: 35 * MIN, timeUnknown: false, clockProblem: null });
    expect(assessFreshness(input({ snapshotMs: NOW - 35 * MIN - 1000 }), cfg).freshness).toBe('late');
    const stale = assessFreshness(input({ snapshotMs: NOW - 65 * MIN - 1000 }), cfg);
    expect(stale).toMatchObject({ freshness: 'stale', stale: true, ageClass: 'stale' });
    // The change watch is only for an unusable GSME time.
    expect(assessFreshness(input({ snapshotMs: NOW - 80 * MIN, observedForMs: 500 * MIN }), cfg).noChangeSeen).toBe(false);
  });

  it('unknown time: change-time estimate, and a no-change warning only after 2T + g while consumption is expected', () => {
    const base = { snapshotMs: null, lastChangeSeenMs: NOW - 20 * MIN, sinceChangeSeenMs: 20 * MIN, observedForMs: 300 * MIN };
    const a = assessFreshness(input(base), cfg);
    expect(a).toMatchObject({ freshness: 'unknown', timeUnknown: true, shown: { atMs: NOW - 20 * MIN, source: 'changeEstimate' }, ageMs: 20 * MIN, noChangeSeen: false, stale: false });
    expect(assessFreshness(input({ ...base, sinceChangeSeenMs: 65 * MIN }), cfg).noChangeSeen).toBe(false);
    const late = assessFreshness(input({ ...base, sinceChangeSeenMs: 65 * MIN + 1 }), cfg);
    expect(late).toMatchObject({ noChangeSeen: true, noChangeForMs: 65 * MIN + 1, freshness: 'unknown' });
    expect(assessFreshness(input({ ...base, sinceChangeSeenMs: 200 * MIN, consumptionExpected: false }), cfg).noChangeSeen).toBe(false);
  });

  it('unknown time, no change ever seen: no estimate, the watch counts from the first reading', () => {
    const a = assessFreshness(input({ snapshotMs: null, observedForMs: 65 * MIN }), cfg);
    expect(a).toMatchObject({ shown: null, ageMs: null, noChangeSeen: false });
    expect(assessFreshness(input({ snapshotMs: null, observedForMs: 65 * MIN + 1 }), cfg)).toMatchObject({ noChangeSeen: true, noChangeForMs: 65 * MIN + 1 });
  });

  it('changeTimeFallback false: no estimate and no no-change warning', () => {
    const c = { ...cfg, changeTimeFallback: false };
    const a = assessFreshness(input({ snapshotMs: null, lastChangeSeenMs: NOW - 200 * MIN, sinceChangeSeenMs: 200 * MIN }), c);
    expect(a).toMatchObject({ freshness: 'unknown', shown: null, noChangeSeen: false });
  });

  it('staleDetection false: any age shows as fresh, and no no-change warning', () => {
    const c = { ...cfg, staleDetection: false };
    expect(assessFreshness(input({ snapshotMs: NOW - 10 * 60 * MIN }), c)).toMatchObject({ freshness: 'fresh', stale: false, ageMs: 10 * 60 * MIN });
    expect(assessFreshness(input({ snapshotMs: null, lastChangeSeenMs: NOW - 200 * MIN, sinceChangeSeenMs: 200 * MIN }), c)).toMatchObject({ freshness: 'unknown', noChangeSeen: false });
  });

  it('clock problem: a snapshot beyond the future tolerance, or an unsynchronised display clock', () => {
    expect(cfg.clockProblemToleranceMs).toBe(5 * MIN);
    expect(assessFreshness(input({ snapshotMs: NOW + 5 * MIN }), cfg)).toMatchObject({ freshness: 'fresh', clockProblem: null });
    const future = assessFreshness(input({ snapshotMs: NOW + 5 * MIN + 1000 }), cfg);
    expect(future).toMatchObject({ freshness: 'clockProblem', clockProblem: 'ahead', ageClass: null, stale: false, shown: { source: 'gsme' } });
    const unsynced = assessFreshness(input({ clockSynced: false, snapshotMs: NOW - 300 * MIN }), cfg);
    expect(unsynced).toMatchObject({ freshness: 'clockProblem', clockProblem: 'unsynced', stale: false });
    // With the GSME time unusable, the change watch takes over.
    expect(assessFreshness(input({ snapshotMs: NOW + 60 * MIN, sinceChangeSeenMs: 66 * MIN, lastChangeSeenMs: NOW - 66 * MIN }), cfg).noChangeSeen).toBe(true);
  });

  it('clock problem: a GSME clock off (ahead or behind) at the snapshot\'s arrival, aged by the receive time', () => {
    const at = (skew: number, snap: number, since: number) => input({ snapshotMs: snap, receivedMs: NOW - since, sinceReceivedMs: since, gsmeSkewMs: skew });
    // Within the tolerance either way: the snapshot time is used as it is.
    expect(assessFreshness(at(5 * MIN, NOW - 10 * MIN, 15 * MIN), cfg)).toMatchObject({ freshness: 'fresh', clockProblem: null, shown: { source: 'gsme' } });
    expect(assessFreshness(at(-5 * MIN, NOW - 10 * MIN, 5 * MIN), cfg)).toMatchObject({ freshness: 'fresh', clockProblem: null });
    // Year 2000: behind, shown by its receive time, fresh while snapshots keep arriving.
    const y2000 = Date.UTC(2000, 0, 1, 11, 58);
    const behind = assessFreshness(at(y2000 - NOW, y2000, 2 * MIN), cfg);
    expect(behind).toMatchObject({ freshness: 'clockProblem', clockProblem: 'behind', shown: { atMs: NOW - 2 * MIN, source: 'received' }, ageMs: 2 * MIN, ageClass: 'fresh', stale: false, noChangeSeen: false });
    // A day ahead, snapshot 23 h ahead of now (the GSME time is old by then): still by the receive time.
    expect(assessFreshness(at(24 * 60 * MIN, NOW + 23 * 60 * MIN, 40 * MIN), cfg)).toMatchObject({ freshness: 'clockProblem', clockProblem: 'ahead', ageClass: 'late' });
    // No new snapshot for > 2T + g: stale, the clock problem still named.
    const out = assessFreshness(at(-48 * 60 * MIN, NOW - 49 * 60 * MIN, 65 * MIN + 1), cfg);
    expect(out).toMatchObject({ freshness: 'stale', clockProblem: 'behind', stale: true, ageMs: 65 * MIN + 1 });
    // Without a receive time: the change watch, as before.
    expect(assessFreshness(input({ snapshotMs: NOW - 60 * 60 * MIN, gsmeSkewMs: -60 * 60 * MIN, sinceChangeSeenMs: 70 * MIN }), cfg)).toMatchObject({ freshness: 'clockProblem', ageClass: null, noChangeSeen: true });
    // The tolerance is configurable.
    expect(assessFreshness(at(-20 * MIN, NOW - 25 * MIN, 5 * MIN), { ...cfg, clockProblemToleranceMs: 30 * MIN })).toMatchObject({ clockProblem: null, shown: { source: 'gsme' } });
    // staleDetection off: never stale, the caveat stays.
    expect(assessFreshness(at(-48 * 60 * MIN, NOW, 200 * MIN), { ...cfg, staleDetection: false })).toMatchObject({ freshness: 'clockProblem', stale: false });
  });

  it('HAN lost wins over everything; no balance is noData', () => {
    expect(assessFreshness(input({ hanLost: true, snapshotMs: NOW + 60 * MIN, hasBalance: false }), cfg).freshness).toBe('hanLost');
    const lostStale = assessFreshness(input({ hanLost: true, snapshotMs: NOW - 100 * MIN }), cfg);
    expect(lostStale).toMatchObject({ freshness: 'hanLost', stale: true });
    expect(assessFreshness(input({ hasBalance: false }), cfg).freshness).toBe('noData');
  });

  it('property: with a trusted clock, freshness is monotone in the display time (fresh ≤ late ≤ stale)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 * 60 * MIN }),
        fc.integer({ min: 0, max: 20 * 60 * MIN }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 30 }),
        (age, delta, tMin, gMin) => {
          const c = { ...cfg, expectedUpdateIntervalMs: tMin * MIN, graceMs: gMin * MIN };
          const f1 = assessFreshness(input({ snapshotMs: NOW - age }), c).freshness;
          const f2 = assessFreshness(input({ snapshotMs: NOW - age, nowMs: NOW + delta }), c).freshness;
          const rank = (f: string) => AGE_CLASS_RANK[f as 'fresh' | 'late' | 'stale'];
          expect(rank(f1)).toBeLessThanOrEqual(rank(f2));
        },
      ),
    );
  });

  it('property: staleDetection false never warns that the data may be old (except HAN lost)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -1000 * MIN, max: 1000 * MIN }), { nil: null }),
        fc.option(fc.integer({ min: 0, max: 1000 * MIN }), { nil: null }),
        fc.boolean(),
        fc.boolean(),
        (snapOffset, sinceChange, synced, expected) => {
          const a = assessFreshness(
            input({
              snapshotMs: snapOffset === null ? null : NOW - snapOffset,
              sinceChangeSeenMs: sinceChange,
              lastChangeSeenMs: sinceChange === null ? null : NOW - sinceChange,
              observedForMs: 2000 * MIN,
              clockSynced: synced,
              consumptionExpected: expected,
            }),
            { ...cfg, staleDetection: false },
          );
          expect(a.stale).toBe(false);
          expect(a.noChangeSeen).toBe(false);
          expect(['late', 'stale']).not.toContain(a.freshness);
        },
      ),
    );
  });
});
