import { testUtrn } from './support/utrn.ts';
import { encodeConsumerTopUpResponse, TopUpResult } from '../firmware/machines/gsme-topup.ts';
import { describe, expect, it } from 'vitest';
import { ZclGeneralCommand, ZclStatus } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { warnsDataMayBeOld } from '../firmware/display/metric.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { BASE, CS, GPF, MIN, OTHER, startPpmid } from './support/ppmid-fake-gpf.ts';
import type { Harness } from './support/ppmid-fake-gpf.ts';

/** The screen on display at simulated time t (the last one emitted at or before t). */
function screenAt(h: Harness, t: number): ScreenModel {
  const s = h.screens.filter((x) => x.at <= t).at(-1);
  if (!s) throw new Error(`no screen by ${t}`);
  return s.screen;
}

const codes = (s: ScreenModel) => s.warnings.map((w) => w.code);
const display = (h: Harness) => (h.actor.getSnapshot().value as Record<string, unknown>)['display'];

/** "Emit only when the screen changes": no two consecutive screens are equal. */
function expectNoRepeatedScreens(h: Harness): void {
  for (let i = 1; i < h.screens.length; i++) expect(h.screens[i]!.screen).not.toEqual(h.screens[i - 1]!.screen);
}

function responseFrame(sequence: number, records: { attributeId: number; status: 0; type: 0x2b; value: number }[]): ZclFrame {
  return {
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence, commandId: ZclGeneralCommand.readAttributesResponse },
    command: { kind: 'readAttributesResponse', records },
  };
}

describe('ppmid polling', () => {
  it('reads Metering (0x0007 first), Prepayment, Time and Price once a minute; Price only until known', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 10 * MIN) });
    h.advance(2 * MIN);
    const byPoll = (t: number) => h.gpf.reads.filter((r) => r.at === BASE + t).map((r) => [r.clusterId, r.attributeIds]);
    expect(byPoll(0)).toEqual([
      [0x0702, [0x0007, 0x0014, 0x0000]],
      [0x0705, [0x0001, 0x0002, 0x0003, 0x0005]],
      [0x000a, [0x0000, 0x0001]],
      [0x0700, [0x0616, 0x0617]],
    ]);
    expect(byPoll(MIN)).toEqual(byPoll(0).slice(0, 3));
    expect(byPoll(2 * MIN)).toEqual(byPoll(0).slice(0, 3));
    expect(h.gpf.reads.map((r) => r.at - BASE)).toEqual([0, 0, 0, 0, MIN, MIN, MIN, 2 * MIN, 2 * MIN, 2 * MIN]);
    // Every frame went to the GPF with a distinct sequence number.
    const seqs = h.sent.map((s) => s.frame.header.sequence);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(h.states.at(-1)!.state).toMatchObject({ lastPollResult: 'ok', failures: 0, firmware: 'secmp0015', freshness: 'fresh', link: 'up' });
  });

  it('keeps reading Price while the GPF has none; a top-up code goes out all the same (the meter judges it)', () => {
    const h = startPpmid({
      setup: (g) => {
        g.standard(BASE - 10 * MIN);
        g.set(0x0700, 0x0617, undefined);
      },
    });
    h.advance(3 * MIN);
    expect(h.gpf.reads.filter((r) => r.clusterId === 0x0700).length).toBe(4);
    expect(h.screen()).toMatchObject({ credit: null, freshness: 'noData', lines: ['Balance not available'] });
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: '1234-5678-9012-3456-7890' });
    expect(h.gpf.commands).toHaveLength(1);
  });

  it('matches responses by sequence number and source', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 10 * MIN) });
    h.advance(30_000);
    h.gpf.answering = false;
    h.advance(30_000); // poll at 1 min, unanswered so far
    const prepayRead = h.sent.filter((s) => s.clusterId === 0x0705).at(-1)!;
    const seq = prepayRead.frame.header.sequence;
    const credit99 = [{ attributeId: 0x0001, status: 0 as const, type: 0x2b as const, value: 99 * 100_000 }];
    const bogus = responseFrame(seq, credit99);
    h.actor.send({ type: 'HAN_FRAME', src: OTHER, clusterId: 0x0705, frame: bogus });
    expect(h.logs.at(-1)).toMatchObject({ level: 'warn', message: 'not from our GPF: ignored', data: { src: OTHER } });
    h.actor.send({ type: 'HAN_FRAME', src: GPF, clusterId: 0x0705, frame: responseFrame((seq + 100) & 0xff, credit99) });
    expect(h.logs.at(-1)).toMatchObject({ level: 'info', message: 'unexpected GPF frame ignored' });
    // A right answer on the wrong cluster is not it either.
    h.actor.send({ type: 'HAN_FRAME', src: GPF, clusterId: 0x0702, frame: bogus });
    h.advance(5_000);
    expect(h.states.at(-1)!.state).toMatchObject({ lastPollResult: 'failed', failures: 1 });
    expect(h.screen().credit).toBe(12.34);
    // The right one is taken.
    h.advance(55_000);
    const nextSeq = h.sent.filter((s) => s.clusterId === 0x0705).at(-1)!.frame.header.sequence;
    h.actor.send({ type: 'HAN_FRAME', src: GPF, clusterId: 0x0705, frame: responseFrame(nextSeq, credit99) });
    h.advance(5_000);
    expect(h.states.at(-1)!.state).toMatchObject({ lastPollResult: 'partial', failures: 0 });
    expect(h.screen().credit).toBe(99);
  });

  it('learns the display clock from the GPF Time cluster (hardware clock unset)', () => {
    const h = startPpmid({ hwSkewMs: -BASE, setup: (g) => g.standard(BASE - 10 * MIN) });
    expect(h.states.at(-1)!.state).toMatchObject({ clockOffsetMs: BASE, clockSynced: true });
    expect(h.screen()).toMatchObject({ freshness: 'fresh', ageMinutes: 10, lines: ['Credit £12.34', 'Updated 11:50'] });
    expect(h.logs.some((l) => l.message === 'clock set from GPF')).toBe(true);
    // The EC request carries the display's (corrected) time.
    h.advance(90_000);
    h.actor.send({ type: 'BUTTON', action: 'activateEc' });
    const payload = h.gpf.commands.at(-1)!.frame.command;
    const utc = (BASE + 90_000) / 1000 - 946684800;
    expect(payload).toEqual({ kind: 'other', payload: new Uint8Array([utc & 0xff, (utc >>> 8) & 0xff, (utc >>> 16) & 0xff, utc >>> 24, 0x02]) });
  });
});

describe('ppmid freshness on screen', () => {
  it('fresh → late → stale at exactly T + g and 2T + g; the stale warning within one poll', () => {
    // Snapshot 35 min before the first poll: polls at k minutes see age 35 + k min.
    const h = startPpmid({ setup: (g) => g.standard(BASE - 35 * MIN) });
    expect(screenAt(h, 0)).toMatchObject({ freshness: 'fresh', ageMinutes: 35, lines: ['Credit £12.34', 'Updated 11:25'] });
    expect(display(h)).toBe('fresh');
    h.advance(MIN);
    expect(screenAt(h, MIN)).toMatchObject({ freshness: 'late', ageMinutes: 36, lines: ['Credit £12.34', 'Updated 11:25 — 36 min ago, update overdue'] });
    expect(display(h)).toBe('late');
    h.advance(29 * MIN);
    expect(screenAt(h, 30 * MIN)).toMatchObject({ freshness: 'late', ageMinutes: 65, warnings: [] });
    h.advance(MIN);
    const stale = screenAt(h, 31 * MIN);
    expect(stale.freshness).toBe('stale');
    expect(stale.warnings).toEqual([{ code: 'stale', text: 'Balance last confirmed at 11:25, 1 h 6 min ago — may be lower now' }]);
    expect(display(h)).toBe('stale');
    const firstStale = h.screens.find((s) => s.screen.freshness === 'stale')!.at;
    const crossed = 30 * MIN; // age > 2T + g from here on
    expect(firstStale - crossed).toBeGreaterThan(0);
    expect(firstStale - crossed).toBeLessThanOrEqual(MIN);
    expectNoRepeatedScreens(h);
  });

  it('back to fresh when a new snapshot arrives; the new time is credited only after a later Prepayment read', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 35 * MIN) });
    h.advance(40 * MIN + 30_000);
    expect(h.screen().freshness).toBe('stale');
    // The GSME's report burst: Metering (0x0007) is already new, Prepayment not yet.
    h.gpf.setSnapshot(BASE + 40 * MIN);
    h.advance(30_000);
    expect(screenAt(h, 41 * MIN)).toMatchObject({ credit: 12.34, lastUpdate: { hhmm: '11:25' }, freshness: 'stale' });
    h.gpf.setPrepay({ credit: 11.5 });
    h.advance(MIN);
    expect(screenAt(h, 42 * MIN)).toMatchObject({ credit: 11.5, lastUpdate: { hhmm: '12:40', source: 'gsme' }, freshness: 'fresh', ageMinutes: 2, warnings: [] });
    // At no time was the old balance shown with the new time.
    expect(h.screens.some((s) => s.screen.credit === 12.34 && s.screen.lastUpdate?.hhmm === '12:40')).toBe(false);
    // Time and balance both new in one poll: the time is credited at once.
    h.advance(30_000);
    h.gpf.setSnapshot(BASE + 42 * MIN + 30_000);
    h.gpf.setPrepay({ credit: 11.25 });
    h.advance(30_000);
    expect(screenAt(h, 43 * MIN)).toMatchObject({ credit: 11.25, lastUpdate: { at: '2025-01-15T12:42:30.000Z' } });
  });

  it('staleDetection:false shows "Updated HH:MM" whatever the age, never a stale warning', () => {
    const h = startPpmid({ config: { staleDetection: false }, setup: (g) => g.standard(BASE - 35 * MIN) });
    h.advance(3 * 60 * MIN);
    expect(h.screens.length).toBeGreaterThan(100);
    for (const { screen } of h.screens.slice(1)) {
      expect(screen.freshness).toBe('fresh');
      expect(screen.lines).toEqual(['Credit £12.34', 'Updated 11:25']);
      expect(warnsDataMayBeOld(screen)).toBe(false);
    }
    expect(h.screen().ageMinutes).toBe(35 + 180);
  });

  for (const [name, snapshot] of [
    ['0xFFFFFFFF (legacy GSME)', 'invalid'],
    ['UNSUPPORTED_ATTRIBUTE 0x86 (legacy GPF)', 'unsupported'],
  ] as const) {
    it(`unknown time, ${name}: change-time estimate, then "no change seen" after 2T + g`, () => {
      const h = startPpmid({
        setup: (g) => {
          g.standard(BASE);
          g.setSnapshot(snapshot);
        },
      });
      expect(screenAt(h, 0)).toMatchObject({ freshness: 'unknown', lastUpdate: null, ageMinutes: null });
      expect(screenAt(h, 0).lines.slice(0, 2)).toEqual(['Credit £12.34', 'Time of reading unknown']);
      expect(codes(screenAt(h, 0))).toEqual(['timeUnknown']);
      expect(display(h)).toBe('unknown');
      h.advance(10 * MIN + 30_000);
      h.gpf.setPrepay({ credit: 12.1 });
      h.gpf.setMetering({ summation: 124_000 });
      h.advance(30_000);
      const est = screenAt(h, 11 * MIN);
      expect(est).toMatchObject({ freshness: 'unknown', lastUpdate: { hhmm: '12:11', source: 'changeEstimate', at: '2025-01-15T12:11:00.000Z' }, ageMinutes: 0 });
      expect(est.lines.slice(0, 2)).toEqual(['Credit £12.10', 'Time of reading unknown — est. 12:11, 0 min ago']);
      expect(warnsDataMayBeOld(est)).toBe(false);
      h.advance(65 * MIN);
      expect(codes(screenAt(h, 76 * MIN))).toEqual(['timeUnknown']);
      h.advance(MIN);
      const warned = screenAt(h, 77 * MIN);
      expect(codes(warned)).toEqual(['noChangeSeen', 'timeUnknown']);
      expect(warned.warnings[0]!.text).toBe('No change seen since 12:11 (1 h 6 min) — balance may be lower now');
      expect(warnsDataMayBeOld(warned)).toBe(true);
      expectNoRepeatedScreens(h);
    });
  }

  it('no change ever seen: the watch counts from the first reading; none while the supply is off', () => {
    const on = startPpmid({ setup: (g) => (g.standard(BASE), g.setSnapshot('invalid')) });
    on.advance(66 * MIN);
    expect(codes(screenAt(on, 65 * MIN))).toEqual(['timeUnknown']);
    expect(codes(screenAt(on, 66 * MIN))).toEqual(['noChangeSeen', 'timeUnknown']);
    expect(screenAt(on, 66 * MIN).warnings[0]!.text).toBe('No change seen (1 h 6 min) — balance may be lower now');
    // A screen that does not change is not emitted again.
    expect(on.screens.map((s) => s.at)).toEqual([0, 0, 66 * MIN]);

    const off = startPpmid({ setup: (g) => (g.standard(BASE), g.setSnapshot('invalid'), g.setMetering({ supply: 0 })) });
    off.advance(200 * MIN);
    expect(codes(off.screen())).toEqual(['timeUnknown', 'supplyOff']);
  });

  it('no change seen with low credit: also "supply may already be off"', () => {
    const h = startPpmid({ setup: (g) => (g.standard(BASE), g.setSnapshot('unsupported'), g.setPrepay({ credit: 0.8, status: CS.lowCredit })) });
    h.advance(70 * MIN);
    expect(codes(h.screen())).toEqual(['noChangeSeen', 'supplyMayBeOff', 'timeUnknown', 'lowCredit']);
  });

  it('clock problem: a snapshot time beyond the tolerance ahead, shown by its receive time until a right one arrives', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE + 10 * MIN) });
    const first = screenAt(h, 0);
    expect(first).toMatchObject({ freshness: 'clockProblem', lastUpdate: { hhmm: '12:00', source: 'received' } });
    expect(first.lines[1]).toBe('Received 12:00 — clock problem');
    expect(codes(first)).toEqual(['clockProblem']);
    expect(display(h)).toBe('clockProblem');
    // That snapshot stays the one of a clock 10 min ahead, however long it is shown.
    h.advance(20 * MIN);
    expect(h.screen().freshness).toBe('clockProblem');
    // A snapshot arriving with the right time: fresh again.
    h.gpf.setSnapshot(BASE + 20 * MIN);
    h.gpf.setPrepay({ credit: 12.3 });
    h.advance(MIN);
    expect(h.screen()).toMatchObject({ freshness: 'fresh', lastUpdate: { hhmm: '12:20', source: 'gsme' } });
  });

  it('clock problem: a GSME clock far behind (year 2000) is seen when its next snapshot arrives; an outage then turns stale', () => {
    const Y2000 = Date.UTC(2000, 0, 1, 11, 58);
    const h = startPpmid({ setup: (g) => g.standard(Y2000) });
    // First sight: nothing says when it arrived, so it is taken as old (stale), the safe side.
    expect(h.screen().freshness).toBe('stale');
    h.advance(10 * MIN);
    // The meter's next update (its clock 30 min on): it arrived since the last read.
    h.gpf.setSnapshot(Y2000 + 30 * MIN);
    h.gpf.setPrepay({ credit: 12.3 });
    h.advance(MIN);
    expect(h.screen()).toMatchObject({ freshness: 'clockProblem', lastUpdate: { hhmm: '12:11', source: 'received' }, ageMinutes: 0 });
    expect(codes(h.screen())).toEqual(['clockProblem']);
    expect(h.screen().warnings[0]!.text).toBe('Clock problem — the meter’s clock is behind; the time shown is when this display received the reading');
    h.advance(36 * MIN);
    expect(h.screen().freshness).toBe('clockProblem');
    expect(h.screen().lines[1]).toBe('Received 12:11 — clock problem, 36 min ago, update overdue');
    // No new snapshot for more than 2T + g: stale, with the caveat.
    h.advance(30 * MIN);
    expect(h.screen().freshness).toBe('stale');
    expect(codes(h.screen())).toEqual(['stale', 'clockProblem']);
    expect(h.screen().warnings[0]!.text).toBe('Balance last confirmed at 12:11, 1 h 6 min ago — may be lower now');
  });

  it('clock problem: the GPF says its time is not synchronised', () => {
    const h = startPpmid({ setup: (g) => (g.standard(BASE - 5 * MIN), (g.timeStatus = 0)) });
    expect(h.screen()).toMatchObject({ freshness: 'clockProblem' });
    expect(h.screen().warnings[0]!.text).toBe('Clock problem — this display has no reliable time; reading times may be wrong');
    h.gpf.timeStatus = 0x02;
    h.advance(MIN);
    expect(h.screen().freshness).toBe('fresh');
  });

  it('legacy PPMID never reads 0x0007 (and shows the time as unknown)', () => {
    const h = startPpmid({ firmware: 'legacy', setup: (g) => g.standard(BASE - 5 * MIN) });
    h.advance(10 * MIN);
    const metering = h.gpf.reads.filter((r) => r.clusterId === 0x0702);
    expect(metering.length).toBe(11);
    for (const r of metering) expect(r.attributeIds).toEqual([0x0014, 0x0000]);
    expect(h.sent.every((s) => s.frame.command.kind !== 'readAttributes' || !(s.clusterId === 0x0702 && s.frame.command.attributeIds.includes(0x0007)))).toBe(true);
    expect(h.screen()).toMatchObject({ freshness: 'unknown', credit: 12.34 });
    expect(h.states.at(-1)!.state).toMatchObject({ firmware: 'legacy' });
  });
});

describe('ppmid HAN lost', () => {
  it('two polls without any answer: HAN lost; recovery on the next answer', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.advance(5 * MIN + 1000);
    h.gpf.answering = false;
    h.advance(MIN + 5_000); // poll at 6 min times out at 6:05
    expect(h.screen().freshness).toBe('fresh');
    expect(h.states.at(-1)!.state).toMatchObject({ lastPollResult: 'failed', failures: 1, link: 'up' });
    h.advance(MIN); // poll at 7 min times out at 7:05
    const lost = screenAt(h, 7 * MIN + 5_000);
    expect(lost).toMatchObject({ freshness: 'hanLost', credit: 12.34 });
    expect(lost.warnings[0]).toEqual({ code: 'hanLost', text: 'No connection to the meter since 12:05 — balance may be out of date' });
    expect(warnsDataMayBeOld(lost)).toBe(true);
    expect(display(h)).toBe('hanLost');
    expect((h.actor.getSnapshot().value as Record<string, unknown>)['link']).toBe('lost');
    expect(h.states.at(-1)!.state).toMatchObject({ freshness: 'hanLost', link: 'lost', failures: 2, lastPollResult: 'failed' });
    expect(h.logs.filter((l) => l.message === 'HAN lost: GPF silent')).toMatchObject([{ level: 'warn', at: 7 * MIN + 5_000 }]);
    h.advance(2 * MIN);
    h.gpf.answering = true;
    h.advance(MIN);
    expect(h.screen()).toMatchObject({ freshness: 'fresh', warnings: [] });
    expect(h.logs.some((l) => l.message === 'HAN restored' && l.at === 10 * MIN)).toBe(true);
    expect(h.states.at(-1)!.state).toMatchObject({ link: 'up', failures: 0 });
  });

  it('HAN lost with an old balance shows both warnings', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 60 * MIN) });
    h.gpf.answering = false;
    h.advance(10 * MIN);
    expect(codes(h.screen())).toEqual(['hanLost', 'stale']);
  });

  it('partly answered polls are not failures', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.gpf.answerFilter = (clusterId) => clusterId !== 0x000a;
    h.advance(10 * MIN);
    expect(h.states.at(-1)!.state).toMatchObject({ lastPollResult: 'partial', failures: 0, link: 'up' });
    expect(h.screen().freshness).toBe('fresh');
  });

  it('never answered: connecting, then HAN lost with no balance', () => {
    const h = startPpmid({ setup: (g) => (g.answering = false) });
    expect(h.screen()).toMatchObject({ freshness: 'noData', lines: ['Balance not available'] });
    h.advance(2 * MIN);
    expect(h.screen()).toMatchObject({ freshness: 'hanLost', credit: null, lines: ['Balance not available', 'No connection to the meter'] });
  });
});

describe('ppmid customer commands', () => {
  it('activate EC: SelectAvailableEmergencyCredit, pending until a later read shows EC in use', () => {
    const h = startPpmid({ setup: (g) => (g.standard(BASE - 5 * MIN), g.setPrepay({ credit: 0, status: CS.ecAvailable | CS.exhausted, ec: 0 })) });
    h.advance(2 * MIN + 30_000);
    h.actor.send({ type: 'BUTTON', action: 'activateEc' });
    expect(h.gpf.commands).toHaveLength(1);
    const cmd = h.gpf.commands[0]!;
    expect(cmd.clusterId).toBe(0x0705);
    expect(cmd.frame.header).toMatchObject({ frameType: 'cluster', direction: 'toServer', commandId: 0x00, disableDefaultResponse: false });
    const utc = (BASE + 150_000) / 1000 - 946684800;
    expect(cmd.frame.command).toEqual({ kind: 'other', payload: new Uint8Array([utc & 0xff, (utc >>> 8) & 0xff, (utc >>> 16) & 0xff, utc >>> 24, 2]) });
    expect(h.screen().pending).toEqual(['activateEc']);
    expect(h.screen().lines.at(-1)).toBe('Emergency credit requested — waiting for the meter');
    expect(h.logs.some((l) => l.message.startsWith('EC accepted'))).toBe(true);
    // A second press while pending sends nothing.
    h.actor.send({ type: 'BUTTON', action: 'activateEc' });
    expect(h.gpf.commands).toHaveLength(1);
    h.advance(17 * MIN);
    expect(h.screen().pending).toEqual(['activateEc']);
    // The GSME's next wake applied it.
    h.gpf.setSnapshot(BASE + 20 * MIN);
    h.gpf.setPrepay({ status: CS.ecSelected | CS.ecInUse, ec: 5 });
    h.advance(MIN);
    expect(h.screen()).toMatchObject({ pending: [], ec: 'inUse', emergencyCredit: 5 });
    expect(codes(h.screen())).toContain('ecInUse');
    expect(h.logs.some((l) => l.message === 'EC confirmed by meter')).toBe(true);
    expect((h.actor.getSnapshot().value as Record<string, unknown>)['emergencyCredit']).toBe('idle');
  });

  it('a read from the poll already under way does not confirm a request', () => {
    const h = startPpmid({ setup: (g) => (g.standard(BASE - 5 * MIN), g.setPrepay({ status: CS.ecSelected | CS.ecInUse })) });
    h.advance(MIN);
    // Poll at 1 min is in flight (answers are queued behind this press).
    h.gpf.answering = false;
    h.advance(MIN);
    h.actor.send({ type: 'BUTTON', action: 'activateEc' });
    h.gpf.answering = true;
    h.advance(4_000);
    expect(h.screen().pending).toEqual(['activateEc']);
    h.advance(MIN);
    expect(h.screen().pending).toEqual([]);
  });

  it('EC request with no effect: pending dropped after pendingTimeout with a warning log', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.actor.send({ type: 'BUTTON', action: 'activateEc' });
    h.advance(64 * MIN);
    expect(h.screen().pending).toEqual(['activateEc']);
    h.advance(MIN);
    expect(h.screen().pending).toEqual([]);
    expect(h.logs.at(-1)).toMatchObject({ level: 'warn', message: 'EC: no effect seen, dropped' });
  });

  it('EC request refused by the GPF: pending dropped at once', () => {
    const h = startPpmid({ setup: (g) => (g.standard(BASE - 5 * MIN), (g.commandStatus = ZclStatus.FAILURE)) });
    h.actor.send({ type: 'BUTTON', action: 'activateEc' });
    expect(h.screen().pending).toEqual([]);
    expect(h.screens.some((s) => s.screen.pending.includes('activateEc'))).toBe(true);
    expect(h.logs.some((l) => l.level === 'warn' && l.message === 'GPF refused EC' && l.data?.['status'] === ZclStatus.FAILURE)).toBe(true);
  });

  it('top-up: ConsumerTopUp with the UTRN as 20 ASCII digits; at the hub once acknowledged; a GPF without HeldCommands: applied when the credit rises', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.advance(2 * MIN + 30_000);
    const utrn = testUtrn('00124B0000000001', 3, 10);
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: utrn.slice(0, 10) + ' ' + utrn.slice(10) });
    const cmd = h.gpf.commands.at(-1)!;
    expect(cmd.frame.header).toMatchObject({ frameType: 'cluster', direction: 'toServer', commandId: 0x04 });
    expect(cmd.frame.command).toEqual({ kind: 'other', payload: new Uint8Array([2, 20, ...Array.from(utrn, (c) => c.charCodeAt(0))]) });
    expect(h.screens.some((x) => x.screen.lines.at(-1) === 'Top-up £10.00 sent — waiting for the hub')).toBe(true);
    expect(h.screen().pending).toEqual(['topUp']);
    expect(h.screen().topUp).toEqual({ status: 'atHub', amount: 10, reason: '' });
    expect(h.screen().lines.at(-1)).toBe('Top-up £10.00 at the hub — waiting for the meter');
    // The next poll asks the GPF what it holds (manufacturer-specific HeldCommands): this one cannot say.
    h.advance(MIN);
    const held = h.sent.filter((x) => x.frame.header.manufacturerCode !== undefined);
    expect(held.map((x) => [x.clusterId, x.frame.header.manufacturerCode, x.frame.command])).toEqual([[0x0705, 0xfff1, { kind: 'readAttributes', attributeIds: [0x0000] }]]);
    // Consumption alone never confirms it.
    h.gpf.setPrepay({ credit: 12.0 });
    h.advance(10 * MIN);
    expect(h.screen().pending).toEqual(['topUp']);
    h.gpf.setPrepay({ credit: 22.0 });
    h.advance(MIN);
    expect(h.screen()).toMatchObject({ pending: [], credit: 22, topUp: { status: 'applied', amount: 10, reason: '' } });
    expect(h.screen().lines.at(-1)).toBe('Top-up £10.00 applied by the meter');
    expect(h.states.at(-1)!.state['topUp']).toEqual({ status: 'applied', amount: 10, reason: '' });
    expect(h.logs.some((l) => l.message === 'top-up confirmed by meter')).toBe(true);
    // Shown for pendingTimeout, then gone; no more HeldCommands reads.
    h.advance(66 * MIN);
    expect(h.screen().topUp).toBeUndefined();
    const reads = h.sent.filter((x) => x.frame.header.manufacturerCode !== undefined).length;
    h.advance(5 * MIN);
    expect(h.sent.filter((x) => x.frame.header.manufacturerCode !== undefined).length).toBe(reads);
  });

  it('top-up without a 20-digit code is not sent', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.actor.send({ type: 'BUTTON', action: 'topUp' });
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: '12345' });
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: '99999999999999999999' }); // above 66 bits
    expect(h.gpf.commands).toEqual([]);
    expect(h.logs.filter((l) => l.message === 'top-up not sent').map((l) => l.data!['reason'])).toEqual(['no code', 'not a 20-digit code', 'not a valid code']);
    expect(h.screen().pending).toEqual([]);
  });

  it("the meter's refusal (ConsumerTopUpResponse, forwarded by the GPF) ends the pending top-up and the screen says why", () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.advance(2 * MIN + 30_000);
    const refuse = (resultType: number) => {
      h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: testUtrn('00124B0000000001', 3, 10) });
      const seq = h.gpf.commands.at(-1)!.frame.header.sequence;
      const payload = encodeConsumerTopUpResponse({ resultType, topUpValue: 0, source: 2, creditRemaining: 0 });
      h.actor.send({ type: 'HAN_FRAME', src: GPF, clusterId: 0x0705, frame: { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: 0x03 }, command: { kind: 'other', payload } } });
      return h.screen();
    };
    const texts = [TopUpResult.rejectedDuplicate, TopUpResult.rejectedNotThisMeter, TopUpResult.rejectedInvalid, TopUpResult.rejectedTooOld].map((r) => {
      const s = refuse(r);
      expect(s.pending).toEqual([]);
      expect(s.credit).toBe(12.34);
      return [s.topUpRefused, s.lines.at(-1)];
    });
    expect(texts).toEqual([
      ['Code already used', 'Top-up £10.00 refused by the meter: Code already used'],
      ['Code not for this meter', 'Top-up £10.00 refused by the meter: Code not for this meter'],
      ['Code not valid', 'Top-up £10.00 refused by the meter: Code not valid'],
      ['Code too old', 'Top-up £10.00 refused by the meter: Code too old'],
    ]);
    expect(h.logs.filter((l) => l.message === 'top-up refused by meter')).toHaveLength(4);
    expect(h.screen().topUp).toEqual({ status: 'failed', amount: 10, reason: 'Code too old' });
    // The notice goes after pendingTimeout.
    h.advance(66 * MIN);
    expect(h.screen().topUpRefused).toBeUndefined();
    expect(h.screen().topUp).toBeUndefined();
  });
});

describe('ppmid top-up lifecycle (docs/decisions.md "Top-up lifecycle")', () => {
  const UTRN = testUtrn('00124B0000000001', 3, 5);
  const topUpLine = (s: ScreenModel) => s.lines.find((l) => l.startsWith('Top-up'));
  const region = (h: Harness) => (h.actor.getSnapshot().value as Record<string, unknown>)['topUp'];
  /** The meter's answer to our top-up, forwarded by the GPF. */
  const meterAnswer = (h: Harness, resultType: number) => {
    const seq = h.gpf.commands.at(-1)!.frame.header.sequence;
    const payload = encodeConsumerTopUpResponse({ resultType, topUpValue: 500_000, source: 2, creditRemaining: 0 });
    h.actor.send({ type: 'HAN_FRAME', src: GPF, clusterId: 0x0705, frame: { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: 0x03 }, command: { kind: 'other', payload } } });
  };

  it('no answer from the hub: sent, then failed with the reason; stays until the next code; back at the hub if the GPF lists it after all', () => {
    const h = startPpmid({ setup: (g) => ((g.held = []), g.standard(BASE - 5 * MIN)) });
    h.advance(30_000);
    h.gpf.answering = false;
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: UTRN });
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 sent — waiting for the hub');
    expect(h.screen().pending).toEqual(['topUp']);
    h.advance(4_000);
    expect(region(h)).toBe('sent');
    h.advance(1_000);
    expect(region(h)).toBe('idle');
    expect(h.screen()).toMatchObject({ pending: [], topUp: { status: 'failed', amount: 5, reason: 'no answer from the hub' } });
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 failed: no answer from the hub');
    expect(h.logs.some((l) => l.level === 'warn' && l.message === 'top-up failed' && l.data?.['reason'] === 'no answer from the hub')).toBe(true);
    // HAN lost for hours: the failure stays on screen (no timer drops it).
    h.advance(3 * 60 * MIN);
    expect(h.screen().freshness).toBe('hanLost');
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 failed: no answer from the hub');
    // The link returns; the GPF lists nothing of ours: still failed.
    h.gpf.answering = true;
    h.advance(2 * MIN);
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 failed: no answer from the hub');
    // Had only its acknowledgement been lost, the GPF's HeldCommands brings it back.
    h.gpf.held = [h.gpf.commands.at(-1)!.frame.header.sequence];
    h.advance(MIN);
    expect(region(h)).toBe('atHub');
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 at the hub — waiting for the meter');
    // A new code replaces a failed one, not one at the hub.
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: testUtrn('00124B0000000001', 4, 5) });
    expect(h.logs.at(-1)).toMatchObject({ level: 'warn', message: 'top-up already pending' });
  });

  it('refused by the hub (queue full): failed with the reason', () => {
    const h = startPpmid({ setup: (g) => (g.standard(BASE - 5 * MIN), (g.commandStatus = ZclStatus.FAILURE)) });
    h.advance(30_000);
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: UTRN });
    expect(h.screen()).toMatchObject({ pending: [], topUp: { status: 'failed', amount: 5, reason: 'refused by the hub' } });
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 failed: refused by the hub');
  });

  it('held at the hub for hours (GSME unreachable): "at the hub" for as long as the GPF lists it, then applied by the meter', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.advance(30_000);
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: UTRN });
    h.gpf.held = [h.gpf.commands.at(-1)!.frame.header.sequence];
    for (const t of [30, 65, 66, 85, 150, 240]) {
      h.advance(t * MIN - (h.clock.now() - 30_000));
      expect(topUpLine(h.screen()), `${t} min`).toBe('Top-up £5.00 at the hub — waiting for the meter');
      expect(h.states.at(-1)!.state['topUp'], `${t} min`).toEqual({ status: 'atHub', amount: 5, reason: '' });
    }
    meterAnswer(h, TopUpResult.accepted);
    h.gpf.held = [];
    expect(h.screen()).toMatchObject({ pending: [], topUp: { status: 'applied', amount: 5 } });
    h.advance(MIN);
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 applied by the meter');
  });

  it('gone from the hub without a word from the meter: applied if the balance shows it, else failed with the reason', () => {
    for (const rises of [true, false]) {
      const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
      h.advance(30_000);
      h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: UTRN });
      h.gpf.held = [h.gpf.commands.at(-1)!.frame.header.sequence];
      h.advance(40 * MIN);
      h.gpf.held = [];
      if (rises) h.gpf.setPrepay({ credit: 17.2 });
      h.advance(MIN);
      if (rises) {
        expect(h.screen().topUp).toEqual({ status: 'applied', amount: 5, reason: '' });
        continue;
      }
      // One poll's word is not enough: a Prepayment read from a later poll decides.
      expect(region(h)).toBe('atHub');
      h.advance(MIN);
      expect(h.screen().topUp).toEqual({ status: 'failed', amount: 5, reason: 'no longer held by the hub, no answer from the meter' });
      expect(topUpLine(h.screen())).toBe('Top-up £5.00 failed: no longer held by the hub, no answer from the meter');
    }
  });

  it('a GPF that cannot say what it holds: after pendingTimeout without an answer or effect, failed "not confirmed", never silently dropped', () => {
    const h = startPpmid({ setup: (g) => g.standard(BASE - 5 * MIN) });
    h.advance(30_000);
    h.actor.send({ type: 'BUTTON', action: 'topUp', utrn: UTRN });
    h.advance(64 * MIN);
    expect(h.screen().topUp?.status).toBe('atHub');
    h.advance(2 * MIN);
    expect(h.screen().topUp).toEqual({ status: 'failed', amount: 5, reason: 'not confirmed by the meter' });
    h.advance(24 * 60 * MIN);
    expect(topUpLine(h.screen())).toBe('Top-up £5.00 failed: not confirmed by the meter');
  });
});
