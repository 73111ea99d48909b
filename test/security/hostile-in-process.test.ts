/**
 * A hostile client against a home on the in-process HAN bus: the cases of hostile-cases.ts that
 * do not need a socket, with the bus refusing what the embedded broker refuses (same rules,
 * broker-rules.ts) and the home's timeline equal to the unattacked run's. No wall-clock waits:
 * the bus delivers on microtasks, so an attack has landed once its publish has resolved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeZclFrame, ZclStatus } from '../../firmware/zcl/index.ts';
import type { Refusal } from '../../han/broker-rules.ts';
import { OBSERVER_PASSWORD, OBSERVER_USERNAME } from '../../han/identities.ts';
import { startInProcessBroker } from '../../han/in-process-broker.ts';
import type { InProcessBroker } from '../../han/in-process-broker.ts';
import { hanTopic } from '../../han/topics.ts';
import type { TimelineEvent } from '../../sim/run/timeline.ts';
import {
  dropLogs,
  EUIS,
  fakeCreditResponse,
  fakeReport,
  fakeScreen,
  forgedUtrn,
  genuineUtrn,
  INTRUDER,
  METERING,
  MIN,
  PREPAYMENT,
  secretOf,
  securityIdentities,
  startRig,
  topUpFrame,
  WRONG_SECRET,
} from './support.ts';

const ATTACK_AT = 40 * MIN;
const END = 2 * 60 * MIN;
const PREMISES = ['reference', 'spoof', 'takeover', 'observer', 'retained', 'oversized', 'unjoined'];
const settle = () => new Promise((r) => setImmediate(r));

describe('hostile client, in-process bus', () => {
  let bus: InProcessBroker;
  const refusals: Refusal[] = [];
  let reference: TimelineEvent[];
  const refused = (kind: Refusal['kind'], clientId: string, reason: RegExp) => refusals.some((r) => r.kind === kind && r.clientId === clientId && reason.test(r.reason));
  const intruder = () => bus.connectAsync({ clientId: INTRUDER, username: INTRUDER, password: secretOf(INTRUDER) });

  /** Runs a home at `premises` to ATTACK_AT, attacks, runs on to END; the timeline must be the reference's. */
  async function attacked(premises: string, attack: (rig: Awaited<ReturnType<typeof startRig>>) => Promise<void>): Promise<TimelineEvent[]> {
    const rig = await startRig(bus, premises);
    try {
      await rig.runTo(ATTACK_AT);
      await attack(rig);
      await settle();
      await rig.runTo(END);
      expect(rig.errors).toEqual([]);
      return rig.events;
    } finally {
      await rig.close();
    }
  }

  beforeAll(async () => {
    bus = startInProcessBroker({ identities: securityIdentities(PREMISES), onRefused: (r) => refusals.push(r) });
    reference = await attacked('reference', async () => {});
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
  });

  it('spoofed source: frames as the GSME, the GPF and the PPMID are never delivered; the intruder stays connected', async () => {
    const events = await attacked('spoof', async () => {
      const c = await intruder();
      await c.publishAsync(hanTopic('spoof', EUIS.gpf.eui, EUIS.gsme.eui, METERING), Buffer.from(fakeReport(1)));
      for (let seq = 0; seq < 256; seq++) c.publish(hanTopic('spoof', EUIS.ppmid.eui, EUIS.gpf.eui, PREPAYMENT), Buffer.from(fakeCreditResponse(seq)));
      await c.publishAsync(hanTopic('spoof', EUIS.gpf.eui, EUIS.ppmid.eui, PREPAYMENT), Buffer.from(topUpFrame(7, genuineUtrn(1, 50))));
      expect(c.connected).toBe(true);
      await c.endAsync();
    });
    expect(events).toEqual(reference);
    expect(refused('publish', INTRUDER, /is not the publisher's client id/)).toBe(true);
  });

  it('a taken client id with a wrong or no secret, or a borrowed one, is refused at login; the real GSME stays connected', async () => {
    let gsmeConnected = false;
    const events = await attacked('takeover', async (rig) => {
      const gsme = EUIS.gsme.eui;
      await expect(bus.connectAsync({ clientId: gsme, username: gsme, password: WRONG_SECRET })).rejects.toThrow(/Not authorized/);
      await expect(bus.connectAsync({ clientId: gsme, username: gsme })).rejects.toThrow(/Not authorized/);
      await expect(bus.connectAsync({ clientId: gsme, username: INTRUDER, password: secretOf(INTRUDER) })).rejects.toThrow(/Not authorized/);
      await expect(bus.connectAsync({ clientId: 'mallory', username: 'mallory', password: 'x' })).rejects.toThrow(/Not authorized/);
      gsmeConnected = rig.home.transports.gsme.connected;
    });
    expect(gsmeConnected).toBe(true);
    expect(events).toEqual(reference);
    expect(refused('connect', EUIS.gsme.eui, /wrong password/)).toBe(true);
    expect(refused('connect', EUIS.gsme.eui, /is not the username/)).toBe(true);
    expect(refused('connect', 'mallory', /unknown username mallory/)).toBe(true);
  });

  it('the observer may read hanlab/# and write nothing: no HAN frame, no screen', async () => {
    const seen: string[] = [];
    const events = await attacked('observer', async () => {
      const o = await bus.connectAsync({ clientId: OBSERVER_USERNAME, username: OBSERVER_USERNAME, password: OBSERVER_PASSWORD });
      o.on('message', (_t: string, payload: Buffer) => seen.push(payload.toString()));
      await o.subscribeAsync('hanlab/observer/ppmid/screen');
      await o.publishAsync(hanTopic('observer', EUIS.gpf.eui, EUIS.ppmid.eui, PREPAYMENT), Buffer.from(topUpFrame(10, genuineUtrn(1, 50))));
      await o.publishAsync('hanlab/observer/ppmid/screen', fakeScreen(), { qos: 0, retain: true });
      await o.endAsync();
    });
    expect(seen).toHaveLength(1); // the PPMID's own retained screen
    expect(seen[0]).not.toContain('999');
    expect(events).toEqual(reference);
    expect(refused('publish', OBSERVER_USERNAME, /may not publish to hanlab\/observer\/ppmid\/screen/)).toBe(true);
  });

  it('a retained top-up frame is refused by the bus and never applied', async () => {
    const events = await attacked('retained', async (rig) => {
      const ppmid = rig.home.transports.ppmid;
      await ppmid.client.publishAsync(hanTopic('retained', EUIS.gpf.eui, ppmid.eui, PREPAYMENT), Buffer.from(topUpFrame(201, genuineUtrn(1, 50))), { qos: 0, retain: true });
    });
    expect(events).toEqual(reference);
    expect(dropLogs(events)).toEqual([]);
    expect(refused('publish', EUIS.ppmid.eui, /never retained/)).toBe(true);
  });

  it('oversized: a 1 MiB packet closes the sender’s connection, a 2 KiB HAN frame never reaches a device', async () => {
    const events = await attacked('oversized', async () => {
      const big = await intruder();
      await expect(big.publishAsync(hanTopic('oversized', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.alloc(1 << 20, 0x41))).rejects.toThrow(/closed/);
      expect(big.connected).toBe(false);
      const c = await intruder();
      await c.publishAsync(hanTopic('oversized', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.alloc(2048, 0x42));
      expect(c.connected).toBe(true);
      await c.endAsync();
    });
    expect(events).toEqual(reference);
    expect(refusals.filter((r) => r.kind === 'packet')).toHaveLength(1);
    expect(refused('publish', INTRUDER, /payload of 2048 bytes over the limit of 1024/)).toBe(true);
  });

  it('a top-up from an EUI that can log in but is not in the GPF’s device log is refused NOT_AUTHORIZED', async () => {
    const answers: Uint8Array[] = [];
    const events = await attacked('unjoined', async () => {
      const c = await intruder();
      c.on('message', (_t: string, payload: Buffer) => answers.push(Uint8Array.from(payload)));
      await c.subscribeAsync(`han/unjoined/${INTRUDER}/#`);
      await c.publishAsync(hanTopic('unjoined', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.from(topUpFrame(31, genuineUtrn(1, 50))));
      await c.publishAsync(hanTopic('unjoined', EUIS.gpf.eui, INTRUDER, PREPAYMENT), Buffer.from(topUpFrame(32, forgedUtrn(2, 50))));
      await settle();
      await c.endAsync();
    });
    expect(answers).toHaveLength(2);
    for (const a of answers) expect(decodeZclFrame(a).command).toMatchObject({ kind: 'defaultResponse', commandId: 0x04, status: ZclStatus.NOT_AUTHORIZED });
    const stranger = (e: TimelineEvent) => (e.kind === 'log' && e.device === 'gpf' && e.message.includes('not in the device log')) || (e.kind === 'han' && e.to === 'other');
    expect(events.filter((e) => e.kind === 'log' && stranger(e))).toHaveLength(2);
    expect(events.filter((e) => !stranger(e))).toEqual(reference);
  });
});
