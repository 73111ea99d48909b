/**
 * A hostile client against a simulated home, on any broker that holds the HAN's accounts (issue
 * 12, "HAN security": no device can speak as another). Each case runs its own home (its own
 * premises) to 40 virtual minutes, attacks while virtual time stands, runs on to 2 h and holds
 * the timeline against the unattacked run's: equal event for event (the input rules' own drop
 * warnings aside) means no credit changed and no screen showed a value the GSME never had.
 *
 * `brokerKind` says which of the two brokers' documented differences to expect: the embedded one
 * refuses a client id that is not the username and a retained or oversized HAN publish itself;
 * Mosquitto makes the client id the username and delivers what it cannot refuse per topic, which
 * the devices' HAN input then drops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import type { Refusal } from '../../han/embedded-broker.ts';
import { OBSERVER_PASSWORD, OBSERVER_USERNAME } from '../../han/identities.ts';
import type { IdentityRegistry } from '../../han/identities.ts';
import { hanTopic } from '../../han/topics.ts';
import { decodeZclFrame, ZclStatus } from '../../firmware/zcl/index.ts';
import type { TimelineEvent } from '../../sim/run/timeline.ts';
import {
  closedWithin,
  dropLogs,
  EUIS,
  FAKE_POUNDS,
  fakeCreditResponse,
  fakeReport,
  fakeScreen,
  forgedUtrn,
  genuineUtrn,
  INTRUDER,
  otherMetersUtrn,
  login,
  loginIntruder,
  METERING,
  MIN,
  PREPAYMENT,
  screens,
  secretOf,
  securityIdentities,
  sleep,
  startRig,
  topUpFrame,
  until,
  WATCHER,
  withoutDropLogs,
  WRONG_SECRET,
} from './support.ts';

export interface BrokerUnderTest {
  url: string;
  /** What the broker reported refusing (the embedded broker; always empty for Mosquitto). */
  refusals: Refusal[];
  close(): Promise<void>;
}

const ATTACK_AT = 40 * MIN;
const END = 2 * 60 * MIN;
const PREMISES = ['reference', 'spoof', 'takeover', 'unknown', 'observer', 'foreign', 'retained', 'oversized', 'unjoined', 'utrn', 'flood'];
/** The frames a delivered attack would need to reach a device (wall ms; loopback takes < 5). */
const SETTLE_MS = 300;

export function defineHostileCases(label: string, brokerKind: 'embedded' | 'mosquitto', skip: boolean, start: (identities: IdentityRegistry) => Promise<BrokerUnderTest>): void {
  describe.skipIf(skip)(label, () => {
    let broker: BrokerUnderTest;
    let reference: TimelineEvent[];

    beforeAll(async () => {
      broker = await start(securityIdentities(PREMISES));
      const rig = await startRig(broker.url, 'reference');
      try {
        await rig.runTo(END);
        reference = rig.events.slice();
        expect(rig.errors).toEqual([]);
      } finally {
        await rig.close();
      }
      // The reference itself: the home worked, the balance only went down (no top-up before 21:00).
      const shown = screens(reference);
      expect(shown.at(-1)?.freshness).toBe('fresh');
      expect(Math.max(...shown.map((s) => s.credit ?? 0))).toBeLessThanOrEqual(3.15);
    }, 60_000);
    afterAll(async () => {
      await broker?.close();
    });

    const refused = (kind: Refusal['kind'], clientId: string, reason: RegExp) =>
      broker.refusals.some((r) => r.kind === kind && r.clientId === clientId && reason.test(r.reason));

    it('spoofed source: frames as the GSME, the GPF and the PPMID are never delivered; the intruder stays connected', async () => {
      const rig = await startRig(broker.url, 'spoof');
      try {
        await rig.runTo(ATTACK_AT);
        const c = await loginIntruder(broker.url);
        await c.publishAsync(hanTopic('spoof', EUIS.gpf.eui, EUIS.gsme.eui, METERING), Buffer.from(fakeReport(1)));
        for (let seq = 0; seq < 256; seq++) c.publish(hanTopic('spoof', EUIS.ppmid.eui, EUIS.gpf.eui, PREPAYMENT), Buffer.from(fakeCreditResponse(seq)));
        await c.publishAsync(hanTopic('spoof', EUIS.gpf.eui, EUIS.ppmid.eui, PREPAYMENT), Buffer.from(topUpFrame(7, genuineUtrn(1, 50))));
        await sleep(SETTLE_MS);
        // A refused publish is dropped, not punished: both brokers keep the connection (MQTT 3.1.1 has no way to say no).
        expect(c.connected).toBe(true);
        await c.endAsync();
        await rig.runTo(END);
        expect(rig.events).toEqual(reference);
        expect(rig.errors).toEqual([]);
        if (brokerKind === 'embedded') expect(refused('publish', INTRUDER, /is not the publisher's client id/)).toBe(true);
      } finally {
        await rig.close();
      }
    });

    it('a taken client id with a wrong secret is refused at CONNECT; the real GSME stays connected and its reports keep flowing', async () => {
      const rig = await startRig(broker.url, 'takeover');
      try {
        await rig.runTo(ATTACK_AT);
        const gsme = EUIS.gsme.eui;
        await expect(login(broker.url, { clientId: gsme, username: gsme, password: WRONG_SECRET })).rejects.toThrow(/Not authorized/);
        await expect(login(broker.url, { clientId: gsme, username: gsme })).rejects.toThrow(/Not authorized/);
        // A valid account of its own, the GSME's EUI as client id: refused (embedded), or made the
        // intruder's own client id (Mosquitto, use_username_as_clientid). Either way not the GSME's session.
        const borrowed = login(broker.url, { clientId: gsme, username: INTRUDER, password: secretOf(INTRUDER) });
        if (brokerKind === 'embedded') await expect(borrowed).rejects.toThrow(/Not authorized/);
        else await (await borrowed).endAsync();
        await sleep(SETTLE_MS);
        expect(rig.home.transports.gsme.connected).toBe(true);
        expect(rig.errors).toEqual([]); // never lost its connection
        await rig.runTo(END);
        expect(rig.events).toEqual(reference);
        // Frames kept flowing: the PPMID ends fresh on a reading the GSME took after the attack.
        const last = screens(rig.events).at(-1)!;
        expect(last.freshness).toBe('fresh');
        expect(Date.parse(last.lastUpdate!.at)).toBeGreaterThan(Date.parse('2026-01-15T00:00:00Z') + ATTACK_AT);
        if (brokerKind === 'embedded') {
          expect(refused('connect', gsme, /wrong password/)).toBe(true);
          expect(refused('connect', gsme, /client id .* is not the username/)).toBe(true);
        }
      } finally {
        await rig.close();
      }
    });

    it('an unknown username, or none, is refused at CONNECT', async () => {
      const rig = await startRig(broker.url, 'unknown');
      try {
        await rig.runTo(ATTACK_AT);
        await expect(login(broker.url, { clientId: 'mallory', username: 'mallory', password: WRONG_SECRET })).rejects.toThrow(/Not authorized/);
        await expect(login(broker.url, { clientId: 'anonymous' })).rejects.toThrow(/Not authorized/);
        await rig.runTo(END);
        expect(rig.events).toEqual(reference);
        if (brokerKind === 'embedded') expect(refused('connect', 'mallory', /unknown username mallory/)).toBe(true);
      } finally {
        await rig.close();
      }
    });

    it('the observer may read hanlab/# and write nothing: no HAN frame, no screen', async () => {
      const rig = await startRig(broker.url, 'observer');
      try {
        await rig.runTo(ATTACK_AT);
        const o = await login(broker.url, { clientId: OBSERVER_USERNAME, username: OBSERVER_USERNAME, password: OBSERVER_PASSWORD });
        const seen: string[] = [];
        o.on('message', (_t, payload) => seen.push(payload.toString()));
        await o.subscribeAsync('hanlab/observer/ppmid/screen');
        await until('the retained screen', () => seen.length > 0); // it may read
        await o.publishAsync(`han/observer/${EUIS.gpf.eui}/${OBSERVER_USERNAME}/0705`, Buffer.from(topUpFrame(9, genuineUtrn(1, 50))));
        await o.publishAsync(hanTopic('observer', EUIS.gpf.eui, EUIS.ppmid.eui, PREPAYMENT), Buffer.from(topUpFrame(10, genuineUtrn(1, 50))));
        await o.publishAsync('hanlab/observer/ppmid/screen', fakeScreen(), { retain: true, qos: 0 });
        await sleep(SETTLE_MS);
        expect(seen.some((m) => m.includes(`${FAKE_POUNDS}`))).toBe(false);
        await o.endAsync();
        await expectRetainedScreenIsTheDevicesOwn(broker.url, 'observer', rig.events);
        await rig.runTo(END);
        expect(rig.events).toEqual(reference);
        if (brokerKind === 'embedded') expect(refused('publish', OBSERVER_USERNAME, /may not publish to hanlab\/observer\/ppmid\/screen/)).toBe(true);
      } finally {
        await rig.close();
      }
    });

    it("another device cannot write a device's hanlab/ topics; its own it can", async () => {
      const rig = await startRig(broker.url, 'foreign');
      try {
        await rig.runTo(ATTACK_AT);
        const c = await loginIntruder(broker.url);
        await c.publishAsync('hanlab/foreign/ppmid/screen', fakeScreen(), { retain: true, qos: 0 });
        await c.publishAsync('hanlab/foreign/gsme/state', JSON.stringify({ creditGbp: FAKE_POUNDS }), { retain: true, qos: 0 });
        await c.publishAsync(`hanlab/foreign/${INTRUDER}/state`, JSON.stringify({ own: true }), { retain: true, qos: 0 });
        await sleep(SETTLE_MS);
        await c.endAsync();
        const w = await login(broker.url, { clientId: WATCHER.username, ...WATCHER });
        const got = new Map<string, string>();
        w.on('message', (topic, payload) => got.set(topic, payload.toString()));
        await w.subscribeAsync('hanlab/foreign/#');
        await until('the retained topics', () => got.has(`hanlab/foreign/${INTRUDER}/state`) && got.has('hanlab/foreign/ppmid/screen') && got.has('hanlab/foreign/gsme/state'));
        await w.endAsync();
        expect(got.get(`hanlab/foreign/${INTRUDER}/state`)).toBe('{"own":true}');
        for (const [topic, body] of got) if (topic !== `hanlab/foreign/${INTRUDER}/state`) expect(body).not.toContain(`${FAKE_POUNDS}`);
        await expectRetainedScreenIsTheDevicesOwn(broker.url, 'foreign', rig.events);
        await rig.runTo(END);
        expect(rig.events).toEqual(reference);
      } finally {
        await rig.close();
      }
    });

    it('a retained top-up frame is applied zero times when the GPF comes back; the same frame sent live is applied once', async () => {
      const rig = await startRig(broker.url, 'retained');
      const gpf = rig.home.transports.gpf;
      const ppmid = rig.home.transports.ppmid;
      const topic = hanTopic('retained', gpf.eui, ppmid.eui, PREPAYMENT);
      try {
        await rig.runTo(ATTACK_AT);
        // The GPF drops off the broker (a radio restart); meanwhile the PPMID's own account
        // publishes a £50 top-up retained, to be replayed at every later subscribe.
        ((gpf.client as unknown as { stream: Socket }).stream).destroy(); // an MQTT.js client here: the rig is on a broker
        await until('the GPF offline', () => !gpf.connected);
        await ppmid.client.publishAsync(topic, Buffer.from(topUpFrame(201, genuineUtrn(1, 50))), { qos: 0, retain: true });
        await until('the GPF reconnected', () => gpf.connected, 10_000);
        if (brokerKind === 'mosquitto') await until('the GPF dropping the replay', () => dropLogs(rig.events).length === 1);
        else await sleep(SETTLE_MS);
        await rig.runTo(END);
        expect(withoutDropLogs(rig.events)).toEqual(reference);
        // The GSME woke and reported three times since: a top-up would have been forwarded.
        if (brokerKind === 'mosquitto') {
          expect(dropLogs(rig.events)).toEqual([expect.objectContaining({ device: 'gpf', level: 'warn', message: expect.stringContaining('retain flag'), data: expect.objectContaining({ topic, src: ppmid.eui }) })]);
        } else {
          expect(dropLogs(rig.events)).toEqual([]);
          expect(refused('publish', ppmid.eui, /never retained/)).toBe(true);
        }
        expect(rig.errors.every((e) => /lost its connection|MQTT error/.test(e.message))).toBe(true);
        // The control: the same frame, sent now and not retained, reaches the GSME at its next wake.
        const before = rig.home.trueCreditPounds()!;
        ppmid.send(gpf.eui, PREPAYMENT, topUpFrame(202, genuineUtrn(2, 50)));
        await rig.runTo(END + 40 * MIN);
        expect(rig.home.trueCreditPounds()!).toBeGreaterThan(before + 49);
        await ppmid.client.publishAsync(topic, Buffer.alloc(0), { qos: 0, retain: true }); // leave no replay behind
      } finally {
        await rig.close();
      }
    });

    it('oversized payloads: 1 MiB closes the sender’s connection, 2 KiB HAN frames never reach a device; the home keeps working', async () => {
      const rig = await startRig(broker.url, 'oversized');
      try {
        await rig.runTo(ATTACK_AT);
        const mib = Buffer.alloc(1 << 20, 0x41);
        for (const topic of [hanTopic('oversized', EUIS.gpf.eui, INTRUDER, PREPAYMENT), `hanlab/oversized/${INTRUDER}/state`]) {
          const c = await loginIntruder(broker.url);
          c.on('error', () => {});
          c.publish(topic, mib, { qos: 0 });
          expect(await closedWithin(c, 5_000)).toBe(true);
          c.end(true);
        }
        const c = await loginIntruder(broker.url);
        await c.publishAsync(hanTopic('oversized', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.alloc(2048, 0x42));
        await sleep(SETTLE_MS);
        expect(c.connected).toBe(true);
        await c.endAsync();
        await rig.runTo(END);
        expect(withoutDropLogs(rig.events)).toEqual(reference);
        expect(rig.errors).toEqual([]);
        if (brokerKind === 'mosquitto') {
          // Under max_packet_size, so Mosquitto delivers it; the GPF's input drops it.
          expect(dropLogs(rig.events)).toEqual([expect.objectContaining({ device: 'gpf', message: expect.stringContaining('2048 bytes, over the HAN frame limit of 1024') })]);
        } else {
          expect(dropLogs(rig.events)).toEqual([]);
          expect(broker.refusals.filter((r) => r.kind === 'packet')).toHaveLength(2);
          expect(refused('publish', INTRUDER, /payload of 2048 bytes over the limit of 1024/)).toBe(true);
        }
      } finally {
        await rig.close();
      }
    });
    it('a top-up from an EUI that can log in but is not in the GPF’s device log is refused NOT_AUTHORIZED; nothing else changes', async () => {
      const rig = await startRig(broker.url, 'unjoined');
      try {
        await rig.runTo(ATTACK_AT);
        const c = await loginIntruder(broker.url);
        const answers: Uint8Array[] = [];
        c.on('message', (_t, payload) => answers.push(Uint8Array.from(payload)));
        await c.subscribeAsync(`han/unjoined/${INTRUDER}/#`);
        await c.publishAsync(hanTopic('unjoined', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.from(topUpFrame(31, genuineUtrn(1, 50))));
        await c.publishAsync(hanTopic('unjoined', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.from(topUpFrame(32, forgedUtrn(2, 50))));
        await until('two refusals', () => answers.length >= 2);
        for (const a of answers) expect(decodeZclFrame(a).command).toMatchObject({ kind: 'defaultResponse', commandId: 0x04, status: ZclStatus.NOT_AUTHORIZED });
        await c.endAsync();
        await rig.runTo(END);
        expect(strangerRefusals(rig.events)).toHaveLength(2);
        expect(withoutStrangerRefusals(rig.events)).toEqual(reference);
        expect(rig.errors).toEqual([]);
      } finally {
        await rig.close();
      }
    });

    it('UTRNs through the PPMID: a genuine one counts once; its replay, an old one, a forged one and another meter’s are refused with their reasons', async () => {
      const rig = await startRig(broker.url, 'utrn');
      const ppmid = rig.home.transports.ppmid;
      const gpf = rig.home.transports.gpf;
      try {
        await rig.runTo(ATTACK_AT);
        const codes = [genuineUtrn(40, 5), genuineUtrn(40, 5), genuineUtrn(2, 5), forgedUtrn(41, 50), otherMetersUtrn(41, 50)];
        codes.forEach((code, i) => ppmid.send(gpf.eui, PREPAYMENT, topUpFrame(60 + i, code)));
        await rig.runTo(END);
        const gsmeLogs = rig.events.filter((e): e is Extract<TimelineEvent, { kind: 'log' }> => e.kind === 'log' && e.device === 'gsme');
        expect(gsmeLogs.filter((e) => e.message === 'top-up applied').map((e) => e.data!['amountGbp'])).toEqual([5]);
        expect(gsmeLogs.filter((e) => e.message === 'top-up refused').map((e) => e.data!['reason'])).toEqual(['used', 'tooOld', 'invalid', 'notThisMeter']);
        expect(lastTruth(rig.events)).toBeCloseTo(lastTruth(reference) + 5, 5);
        expectScreensTruthful(rig.events);
        expect(rig.errors).toEqual([]);
      } finally {
        await rig.close();
      }
    });

    it('a flood of forged top-ups (2,000 from an unjoined EUI, 100 through the PPMID) changes no credit and no screen', async () => {
      const rig = await startRig(broker.url, 'flood');
      const ppmid = rig.home.transports.ppmid;
      const gpf = rig.home.transports.gpf;
      try {
        await rig.runTo(ATTACK_AT);
        const c = await loginIntruder(broker.url);
        const topic = hanTopic('flood', EUIS.gpf.eui, INTRUDER, PREPAYMENT);
        for (let i = 0; i < 2000; i++) c.publish(topic, Buffer.from(topUpFrame(i & 0xff, forgedUtrn(i, 1))));
        await c.endAsync();
        for (let i = 0; i < 100; i++) ppmid.send(gpf.eui, PREPAYMENT, topUpFrame(i, forgedUtrn(100 + i, 50)));
        // QoS 0: what the broker delivers (not necessarily all of it) is refused; wait until the GPF is done.
        let seen = -1;
        await until('the flood handled', () => {
          const n = strangerRefusals(rig.events).length;
          const done = n === seen && n > 0;
          seen = n;
          return done || n === 2000;
        }, 45_000, 1000);
        expect(strangerRefusals(rig.events).length).toBeGreaterThan(0);
        await rig.runTo(END);
        const gsmeLogs = rig.events.filter((e) => e.kind === 'log' && e.device === 'gsme');
        expect(gsmeLogs.filter((e) => e.kind === 'log' && e.message === 'top-up applied')).toEqual([]);
        // The GPF holds at most maxPendingCommands (8); the rest were refused with FAILURE at once.
        expect(gsmeLogs.filter((e) => e.kind === 'log' && e.message === 'top-up refused')).toHaveLength(8);
        expect(lastTruth(rig.events)).toBe(lastTruth(reference));
        expect(screens(rig.events).map((s) => s.credit)).toEqual(screens(reference).map((s) => s.credit));
        expectScreensTruthful(rig.events);
        expect(rig.errors).toEqual([]);
      } finally {
        await rig.close();
      }
    }, 90_000);
  });
}

/** The GPF's refusals of frames from devices not in its device log (its warning and its NOT_AUTHORIZED answer). */
function strangerRefusals(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => e.kind === 'log' && e.device === 'gpf' && e.message.includes('not in the device log'));
}

function withoutStrangerRefusals(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => !(e.kind === 'log' && e.device === 'gpf' && e.message.includes('not in the device log')) && !(e.kind === 'han' && e.to === 'other'));
}

/** The GSME's credit at the last screen of a run. */
function lastTruth(events: readonly TimelineEvent[]): number {
  const last = [...events].reverse().find((e) => e.kind === 'screen' && typeof e.trueCredit === 'number');
  return (last as { trueCredit: number }).trueCredit;
}

/** No screen shows a credit above what the GSME has had so far (+1p for rounding). */
function expectScreensTruthful(events: readonly TimelineEvent[]): void {
  let most = -Infinity;
  for (const e of events) {
    if (e.kind !== 'screen') continue;
    if (typeof e.trueCredit === 'number') most = Math.max(most, e.trueCredit);
    if (e.screen.credit !== null) expect(e.screen.credit).toBeLessThanOrEqual(most + 0.01);
  }
}

/** A watcher reading the PPMID's retained screen gets the last one the PPMID itself published. */
async function expectRetainedScreenIsTheDevicesOwn(url: string, premises: string, events: readonly TimelineEvent[]): Promise<void> {
  const w = await login(url, { clientId: WATCHER.username, ...WATCHER });
  const got: string[] = [];
  w.on('message', (_t, payload) => got.push(payload.toString()));
  await w.subscribeAsync(`hanlab/${premises}/ppmid/screen`);
  await until('the retained screen', () => got.length > 0);
  await w.endAsync();
  expect(JSON.parse(got[0]!)).toEqual(JSON.parse(JSON.stringify(screens(events).at(-1))));
}
