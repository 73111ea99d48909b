/**
 * Power loss (issue 12): each device's non-volatile record round-trips, a damaged or foreign
 * record means a cold start with a warning (never a crash), and a home of real GSME, GPF and
 * PPMID machines whose devices are killed at seeded random moments (between any two HAN frames,
 * with what the killed device had not yet sent lost) keeps every acknowledged top-up exactly once,
 * restores the GSME's credit and registers as last written, and shows the last value with its
 * true age on a restarted PPMID. All on simulated time.
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import { gpfMachine } from '../firmware/machines/gpf.ts';
import type { GpfContext } from '../firmware/machines/gpf.ts';
import { gpfRecord, restoreGpf } from '../firmware/machines/gpf-persist.ts';
import { gsmeMachine } from '../firmware/machines/gsme.ts';
import type { GsmeContext } from '../firmware/machines/gsme.ts';
import { GSME_KEPT, gsmeRecord, restoreGsme } from '../firmware/machines/gsme-persist.ts';
import { decodeRecord, encodeRecord } from '../firmware/machines/persist-record.ts';
import { ppmidMachine } from '../firmware/machines/ppmid.ts';
import type { PpmidContext, ScreenEmitted } from '../firmware/machines/ppmid.ts';
import { ppmidRecord, restorePpmid } from '../firmware/machines/ppmid-persist.ts';
import { encodeConsumerTopUp } from '../firmware/machines/prepayment-commands.ts';
import { euiBytes, issueUtrn, topUpKeyBytes } from '../firmware/codec/utrn.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { ZclDataType, ZclStatus } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { EPOCH, GPF_EUI, GSME_EUI, PPMID_EUI } from './machines-harness.ts';
import { onEmitted } from './support/emitted.ts';
import type { OutboxEmitted } from '../firmware/machines/han-events.ts';

const MONEY = 100_000;
const FAKE_PPMID = '00124B00000000AA';
/** The GSME's top-up key here: the fake PPMID keys in UTRNs issued under it. */
const TOP_UP_KEY = '000102030405060708090A0B0C0D0E0F';
type Role = 'gsme' | 'gpf' | 'ppmid';
const EUIS: Record<Role, string> = { gsme: GSME_EUI, gpf: GPF_EUI, ppmid: PPMID_EUI };
const MACHINES: Record<Role, AnyStateMachine> = { gsme: gsmeMachine, gpf: gpfMachine, ppmid: ppmidMachine };

/** xorshift32, as the tests' own seeded source of cut points. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

interface Frame {
  src: string;
  dst: string;
  clusterId: number;
  frame: ZclFrame;
}

/** Real machines on one SimulatedClock; HAN frames through a queue; storage per device in memory. */
class PoweredHome {
  readonly clock = new SimulatedClock();
  readonly hw = { now: () => EPOCH + this.clock.now() };
  readonly storage: Record<Role, string | null> = { gsme: null, gpf: null, ppmid: null };
  readonly writes: Record<Role, number> = { gsme: 0, gpf: 0, ppmid: 0 };
  readonly actors: Partial<Record<Role, AnyActorRef>> = {};
  readonly screens: ScreenModel[] = [];
  readonly logs: { role: Role; level: string; message: string }[] = [];
  /** Called before each frame is delivered (a chance to cut the power there). */
  beforeFrame: (f: Frame) => void = () => {};
  /** Default Responses the fake PPMID got, by its sequence number. */
  readonly acks = new Map<number, number>();
  private queue: Frame[] = [];
  private pumping = false;
  private fakeSeq = 0;

  constructor(readonly roles: Role[], readonly gsmeConfig: Record<string, unknown> = {}) {
    for (const r of roles) this.start(r);
  }

  input(role: Role): Record<string, unknown> {
    // The GPF's device log: the real PPMID when it runs, else the fake one that keys in top-ups.
    const peers = role === 'gpf' ? { gsme: GSME_EUI, ppmid: this.roles.includes('ppmid') ? PPMID_EUI : FAKE_PPMID } : { gpf: GPF_EUI };
    const config =
      role === 'gsme'
        ? { wakeIntervalMs: 5 * 60_000, wakeJitterMs: 0, standingChargePencePerDay: 0, initialCredit: 5 * MONEY, topUpKey: TOP_UP_KEY, ...this.gsmeConfig }
        : role === 'ppmid'
          ? { pollIntervalMs: 60_000, expectedUpdateIntervalMs: 5 * 60_000 }
          : {};
    return { eui: EUIS[role], peers, firmware: 'secmp0015', config, seed: 7, clock: this.hw, restored: this.storage[role] };
  }

  start(role: Role): void {
    const actor = createActor(MACHINES[role], { input: this.input(role) as never, clock: this.clock });
    onEmitted(actor as unknown as { on(t: 'outbox', fn: (e: OutboxEmitted<{ type: string; [k: string]: unknown }>) => void): void }, '*', (e) => {
      if (e.type === 'persist') {
        this.storage[role] = e['record'] as string;
        this.writes[role]++;
      } else if (e.type === 'han.send') this.send({ src: EUIS[role], dst: e['dst'] as string, clusterId: e['clusterId'] as number, frame: e['frame'] as ZclFrame });
      else if (e.type === 'screen') this.screens.push((e as unknown as ScreenEmitted).screen);
      else if (e.type === 'log') this.logs.push({ role, level: e['level'] as string, message: e['message'] as string });
    });
    this.actors[role] = actor;
    actor.start();
  }

  /** Power off: the actor stops; what it had not yet put on air is lost. */
  kill(role: Role): void {
    this.actors[role]?.stop();
    delete this.actors[role];
    this.queue = this.queue.filter((f) => f.src !== EUIS[role]);
  }

  context<C>(role: Role): C {
    return this.actors[role]!.getSnapshot().context as C;
  }

  send(f: Frame): void {
    this.queue.push(f);
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift()!;
        this.beforeFrame(next);
        if (next.dst === FAKE_PPMID) {
          if (next.frame.command.kind === 'defaultResponse') this.acks.set(next.frame.header.sequence, next.frame.command.status);
          continue;
        }
        const role = (Object.keys(EUIS) as Role[]).find((r) => EUIS[r] === next.dst);
        const actor = role && this.actors[role];
        if (actor) actor.send({ type: 'HAN_FRAME', src: next.src, clusterId: next.clusterId, frame: next.frame });
      }
    } finally {
      this.pumping = false;
    }
  }

  /** A top-up from a joined HAN device (stands in for the PPMID); its sequence number. */
  topUp(amount: number): number {
    const seq = ++this.fakeSeq & 0xff;
    const utrn = issueUtrn(topUpKeyBytes(TOP_UP_KEY)!, euiBytes(GSME_EUI)!, this.fakeSeq, Math.round(amount / 1000));
    this.send({
      src: FAKE_PPMID,
      dst: GPF_EUI,
      clusterId: 0x0705,
      frame: { header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence: seq, commandId: 0x04 }, command: { kind: 'other', payload: encodeConsumerTopUp(2, utrn) } },
    });
    return seq;
  }

  advance(ms: number, step = 10_000): void {
    for (let t = 0; t < ms; t += step) this.clock.increment(Math.min(step, ms - t));
  }
}

describe('non-volatile records', () => {
  it('GSME: the record round-trips every kept field', () => {
    const h = new PoweredHome(['gsme']);
    const c = h.context<GsmeContext>('gsme');
    const fields = restoreGsme(gsmeRecord(c), GSME_EUI).fields as Record<string, unknown>;
    for (const k of Object.keys(GSME_KEPT)) expect(fields[k]).toEqual((c as unknown as Record<string, unknown>)[k]);
  });

  it('GPF: the mirror (bytes included), receipt times and pending commands round-trip', () => {
    const h = new PoweredHome(['gpf']);
    h.topUp(3 * MONEY);
    const c = { ...h.context<GpfContext>('gpf') };
    c.mirror = { ...c.mirror, 0x0705: { 0x0010: { type: ZclDataType.octetString, value: new Uint8Array([1, 0xab, 0]) }, 0x0001: { type: ZclDataType.int32, value: -5 } } };
    c.skewAtReceiptMs = 1234;
    c.lastReportAtMs = EPOCH + 99;
    const f = restoreGpf(gpfRecord(c), GPF_EUI).fields;
    expect(f.mirror).toEqual(c.mirror);
    expect(f.pending).toEqual(c.pending);
    expect(f.pending![0]!.payload).toBeInstanceOf(Uint8Array);
    expect([f.skewAtReceiptMs, f.lastReportAtMs, f.reportsReceived, f.seq]).toEqual([1234, EPOCH + 99, c.reportsReceived, c.seq]);
  });

  it('PPMID: the last reading round-trips', () => {
    const h = new PoweredHome(['ppmid']);
    const c = { ...h.context<PpmidContext>('ppmid'), snapshotMs: EPOCH - 60_000, clockOffsetMs: 42, timeSet: true, clockSynced: true };
    c.data = { ...c.data, credit: 123, trailingDigit: 0x50, snapshot: EPOCH - 60_000 };
    const f = restorePpmid(ppmidRecord(c), PPMID_EUI).fields;
    expect(f.data).toEqual(c.data);
    expect([f.snapshotMs, f.clockOffsetMs, f.timeSet, f.clockSynced]).toEqual([EPOCH - 60_000, 42, true, true]);
  });

  it('PPMID: the last top-up and its outcome round-trip; poll numbers start again; one caught before the GPF acknowledged it counts as unanswered', () => {
    const h = new PoweredHome(['ppmid']);
    const base = h.context<PpmidContext>('ppmid');
    const top = { seq: 17, afterPoll: 40, amountPounds: 10, creditBefore: 500_000, debtBefore: 0, status: 'atHub' as const, reason: '', held: 1, goneAt: -1 };
    const atHub = restorePpmid(ppmidRecord({ ...base, pendingTopUp: top }), PPMID_EUI).fields;
    expect(atHub.pendingTopUp).toEqual({ ...top, afterPoll: 0, held: -1 });
    const sent = restorePpmid(ppmidRecord({ ...base, pendingTopUp: { ...top, status: 'sent' } }), PPMID_EUI).fields;
    expect(sent.pendingTopUp).toMatchObject({ status: 'failed', reason: 'no answer from the hub', held: -1 });
    const refused = restorePpmid(ppmidRecord({ ...base, pendingTopUp: { ...top, status: 'failed', reason: 'Code too old' }, topUpRefused: 'Code too old' }), PPMID_EUI).fields;
    expect([refused.pendingTopUp!.reason, refused.topUpRefused]).toEqual(['Code too old', 'Code too old']);
    // A record from before the lifecycle (no top-up fields) still restores.
    expect(restorePpmid(ppmidRecord(base).replace(',"pendingTopUp":null,"topUpRefused":null', ''), PPMID_EUI).notes[0]!.level).toBe('info');
  });

  it('a damaged, foreign, old-format or wrongly typed record is a cold start with one warning, never a crash', () => {
    const good = gsmeRecord(new PoweredHome(['gsme']).context<GsmeContext>('gsme'));
    const bad: [string, unknown][] = [
      ['not JSON', good.slice(0, good.length / 2)],
      ['not JSON', ''],
      ['not an object', '[1,2]'],
      ['format version 0, expected 1', good.replace('"v":1', '"v":0')],
      ['a record of "gpf"', good.replace('"k":"gsme"', '"k":"gpf"')],
      ['a record of EUI "0000000000000000"', good.replace(GSME_EUI, '0000000000000000')],
      ['field pay malformed', good.replace(/"credit":\d+/, '"credit":"lots"')],
      ['field registers malformed', good.replace(/"tiers":\[[^\]]*\]/, '"tiers":[1,2]')],
      ['field wakeCount malformed', good.replace(/"wakeCount":\d+/, '"wakeCount":-3')],
      ['no fields', JSON.stringify({ v: 1, k: 'gsme', eui: GSME_EUI })],
    ];
    for (const [reason, text] of bad) {
      const r = restoreGsme(text, GSME_EUI);
      expect(r.fields).toEqual({});
      expect(r.notes).toEqual([{ type: 'log', level: 'warn', message: 'stored state unusable: cold start', data: { reason } }]);
      // And the machine starts cold from it.
      const actor = createActor(gsmeMachine, { input: { eui: GSME_EUI, peers: { gpf: GPF_EUI }, firmware: 'secmp0015', seed: 1, clock: { now: () => EPOCH }, restored: text as string }, clock: new SimulatedClock() });
      actor.start();
      expect(actor.getSnapshot().status).toBe('active');
      expect(actor.getSnapshot().context.pay.credit).toBe(1_000_000);
    }
    expect(restoreGpf('{"v":1,"k":"gpf","eui":"' + GPF_EUI + '","f":{"mirror":{"1794":{"7":[226,{"h":"XYZ"}]}}}}', GPF_EUI).fields).toEqual({});
    expect(restorePpmid('{"v":1,"k":"ppmid","eui":"' + PPMID_EUI + '","f":{"data":{}}}', PPMID_EUI).notes[0]!.level).toBe('warn');
    // A record without a field added later restores the rest; that field starts as new.
    const older = decodeRecord(encodeRecord('gsme', GSME_EUI, { wakeCount: 4 }), 'gsme', GSME_EUI, GSME_KEPT);
    expect(older).toEqual({ wakeCount: 4 });
  });
});

describe('GSME writes: bounded flash wear', () => {
  it('one write per wake without commands, one more per applied command, before its Default Response', () => {
    const h = new PoweredHome(['gsme', 'gpf']);
    h.advance(60 * 60_000);
    const wakes = h.context<GsmeContext>('gsme').wakeCount;
    expect(h.writes.gsme).toBe(wakes);
    const order: string[] = [];
    onEmitted(h.actors.gsme! as unknown as { on(t: 'outbox', fn: (e: OutboxEmitted<{ type: string; frame?: ZclFrame; clusterId?: number }>) => void): void }, '*', (e) => {
      if (e.type === 'persist') order.push('persist');
      // A top-up's answer is its ConsumerTopUpResponse (an EC request's a Default Response).
      if (e.type === 'han.send' && e.clusterId === 0x0705 && (e.frame?.command.kind === 'defaultResponse' || (e.frame?.header.direction === 'toClient' && e.frame.command.kind === 'other'))) order.push('answer');
    });
    h.topUp(2 * MONEY);
    h.topUp(1 * MONEY);
    h.advance(5 * 60_000);
    expect(order).toEqual(['persist', 'answer', 'persist', 'answer']);
    // The wake that applied them wrote before each answer and not again on going to sleep.
    expect(h.context<GsmeContext>('gsme').wakeCount).toBe(wakes + 1);
    expect(h.writes.gsme).toBe(wakes + 2);
  });
});

describe('power cuts at random moments', () => {
  it('across 40 seeded runs of GSME and GPF cuts: no acknowledged top-up is lost or applied twice; a restarted GSME holds what it last wrote', () => {
    const seen = { repeats: 0, acked: 0, gsmeRestarts: 0, gpfRestarts: 0 };
    for (let run = 0; run < 40; run++) {
      const r = prng(1000 + run);
      const h = new PoweredHome(['gpf', 'gsme']);
      let acked = 0;
      const amounts = new Map<number, number>();
      let cutAtFrame = r.int(1, 40);
      let framesSeen = 0;
      let restarts = 0;
      const down: Partial<Record<Role, number>> = {};
      let starting = false;
      h.beforeFrame = () => {
        if (++framesSeen < cutAtFrame || starting) return;
        const role: Role = r.next() < 0.5 ? 'gsme' : 'gpf';
        if (h.actors[role]) {
          h.kill(role);
          down[role] = h.clock.now() + r.int(1, 20) * 60_000;
        }
        cutAtFrame = framesSeen + r.int(1, 40);
      };
      for (let step = 0; step < 60; step++) {
        if (r.next() < 0.3 && h.actors.gpf) {
          const amount = r.int(1, 500) * 1000;
          amounts.set(h.topUp(amount), amount);
        }
        h.advance(r.int(1, 6) * 60_000);
        for (const role of ['gpf', 'gsme'] as Role[]) {
          if (down[role] !== undefined && h.clock.now() >= down[role]!) {
            delete down[role];
            starting = true;
            h.start(role);
            starting = false;
            restarts++;
            seen[role === 'gsme' ? 'gsmeRestarts' : 'gpfRestarts']++;
            if (role === 'gsme') {
              // Right after the restart: what it last wrote (its first wake has not charged anything: no standing charge, no gas).
              const c = h.context<GsmeContext>('gsme');
              const stored = JSON.parse(h.storage.gsme!).f;
              expect(c.pay.credit).toBe(stored.pay.credit);
              expect(c.registers).toEqual(stored.registers);
            }
          }
        }
      }
      // Everything back on, no more cuts: the pending commands reach the meter.
      h.beforeFrame = () => {};
      for (const role of ['gpf', 'gsme'] as Role[]) if (!h.actors[role]) h.start(role);
      h.advance(30 * 60_000);
      for (const [seq, status] of h.acks) if (status === ZclStatus.SUCCESS) acked += amounts.get(seq)!;
      expect(h.context<GpfContext>('gpf').pending).toEqual([]);
      expect({ run, credit: h.context<GsmeContext>('gsme').pay.credit }).toEqual({ run, credit: 5 * MONEY + acked });
      expect(restarts).toBeGreaterThan(0);
      seen.repeats += h.logs.filter((l) => l.message === 'repeated command: answered again, not applied').length;
      seen.acked += [...h.acks.values()].filter((st) => st === ZclStatus.SUCCESS).length;
    }
    // The cuts did hit the cases that matter: commands resent after a lost answer, caught as repeats.
    expect(seen.repeats).toBeGreaterThan(0);
    expect(seen.acked).toBeGreaterThan(100);
    expect(Math.min(seen.gsmeRestarts, seen.gpfRestarts)).toBeGreaterThan(20);
  });

  it('a GPF restart keeps its mirror: a PPMID reads the last value with its true snapshot time', () => {
    const h = new PoweredHome(['gpf', 'gsme', 'ppmid']);
    h.advance(12 * 60_000);
    const before = h.screens.at(-1)!;
    expect(before.credit).toBe(5);
    h.kill('gpf');
    h.start('gpf');
    const g = h.context<GpfContext>('gpf');
    expect(g.reportsReceived).toBeGreaterThan(0);
    h.advance(60_000);
    const after = h.screens.at(-1)!;
    expect(after.credit).toBe(5);
    expect(after.lastUpdate).toEqual(before.lastUpdate);
    expect(after.freshness).toBe('fresh');
  });

  it('a PPMID restart shows the last value with its true age at once, before its first poll is answered', () => {
    const h = new PoweredHome(['gpf', 'gsme', 'ppmid']);
    h.advance(12 * 60_000);
    const before = h.screens.at(-1)!;
    h.kill('ppmid');
    h.kill('gpf'); // nothing answers the restarted PPMID's first poll
    h.advance(20 * 60_000);
    const shown = h.screens.length;
    h.start('ppmid');
    const first = h.screens[shown]!;
    expect(first.credit).toBe(before.credit);
    // The same reading (its time as shown too); only its age, now on screen, is new.
    expect({ ...first.lastUpdate, ago: null }).toEqual({ ...before.lastUpdate, ago: null });
    const ageMs = EPOCH + h.clock.now() - Date.parse(before.lastUpdate!.at);
    expect(first.ageMinutes).toBe(Math.floor(ageMs / 60_000));
    expect(first.lastUpdate!.ago).toBe(`${first.ageMinutes} min ago`);
    expect(first.ageMinutes).toBeGreaterThanOrEqual(20);
    expect(first.freshness).toBe('stale'); // 2T + g = 15 min: the restart did not make it look new
  });

  it('a PPMID restart keeps a top-up the hub holds "at the hub", and reads HeldCommands again', () => {
    const h = new PoweredHome(['gpf', 'gsme', 'ppmid']);
    h.advance(3 * 60_000);
    h.kill('gsme'); // the meter cannot take it: the GPF holds it
    h.actors.ppmid!.send({ type: 'BUTTON', action: 'topUp', utrn: issueUtrn(topUpKeyBytes(TOP_UP_KEY)!, euiBytes(GSME_EUI)!, 1, 1000) });
    h.advance(2 * 60_000); // a poll end writes the record
    expect(h.screens.at(-1)!.topUp).toMatchObject({ status: 'atHub', amount: 10 });
    h.kill('ppmid');
    h.advance(5 * 60_000);
    const shown = h.screens.length;
    h.start('ppmid');
    expect(h.screens[shown]!.topUp).toMatchObject({ status: 'atHub', amount: 10 });
    h.advance(3 * 60_000);
    expect(h.screens.at(-1)!.topUp).toMatchObject({ status: 'atHub', amount: 10 });
    h.start('gsme');
    h.advance(40 * 60_000);
    expect(h.screens.at(-1)!.topUp).toMatchObject({ status: 'applied', amount: 10 });
  });
});



