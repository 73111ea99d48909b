/**
 * connectHanDevice: the HanTransport with in-flight accounting, over MQTT (embedded broker) and on
 * the in-process bus (the same cases), then what only a broker connection has (no broker, a
 * broker that goes away).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../han/embedded-broker.ts';
import { deviceAccount, identityRegistry, OBSERVER_PASSWORD, OBSERVER_USERNAME, observerAccount, simulatedSecret } from '../han/identities.ts';
import { InFlight, InFlightTimeoutError } from '../han/in-flight.ts';
import { freePort } from '../han/mosquitto.ts';
import { connectHanDevice, type HanClient, type HanDevice, type HanDeviceOptions } from '../han/mqtt-han.ts';
import { startInProcessBroker, type HanBus, type InProcessBroker } from '../han/in-process-broker.ts';
import { hanTopic } from '../han/topics.ts';

const GSME = '00000000000000A1';
const GPF = '00000000000000B2';
const PPMID = '00000000000000C3';
const BOARD = '00000000000000D4'; // a real device on the bench: not simulated
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let broker: EmbeddedBroker;
let bus: InProcessBroker;
let premisesCounter = 0;
const opened: HanDevice[] = [];

const secret = (username: string) => simulatedSecret(1, username);
/** Each case makes its own premises, so the devices may write their observability topics at any ('+'). */
const IDENTITIES = identityRegistry([
  ...[GSME, GPF, PPMID, BOARD].map((eui) => deviceAccount({ eui, secret: secret(eui), premises: '+', device: 'ppmid' })),
  // A tool whose client id is not an EUI, allowed to speak on the HAN as itself.
  { username: 'tool', password: secret('tool'), write: ['han/+/+/tool/#'], read: [] },
  observerAccount(),
]);

beforeAll(async () => {
  broker = await startEmbeddedBroker({ identities: IDENTITIES });
  bus = startInProcessBroker({ identities: IDENTITIES });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await broker.close();
  await bus.close();
});

interface Rig {
  premises: string;
  inFlight: InFlight;
  errors: Error[];
  device(eui: string, extra?: Partial<HanDeviceOptions>): Promise<HanDevice>;
}

function makeRig(url: () => HanBus): Rig {
  const premises = `p${++premisesCounter}`;
  // Real sockets (a local broker): milliseconds alone, but generous beside a full test run or two.
  const inFlight = new InFlight({ timeoutMs: 10_000 });
  const errors: Error[] = [];
  const sims = new Set([GSME, GPF, PPMID]);
  return {
    premises,
    inFlight,
    errors,
    async device(eui, extra = {}) {
      const d = await connectHanDevice({
        url: url(),
        premises,
        eui,
        secret: secret(eui),
        inFlight,
        isSimDevice: (e) => sims.has(e),
        onError: (e) => errors.push(e),
        ...extra,
      });
      opened.push(d);
      return d;
    },
  };
}

/** A raw client (a board, a tool) on the same HAN. */
function login(on: HanBus, clientId: string, password: string): Promise<HanClient & { subscribeAsync(filter: string): Promise<unknown> }> {
  if (typeof on !== 'string') return on.connectAsync({ clientId, username: clientId, password });
  return connectAsync(on, { clientId, username: clientId, password, protocolVersion: 4, reconnectPeriod: 0 });
}

for (const [label, han] of [
  ['embedded broker', () => broker.url],
  ['in-process bus', () => bus],
] as const) describe(`connectHanDevice, ${label}`, () => {
  const rig = () => makeRig(han);
  it('sends and receives frames byte-exactly, counted until handled', async () => {
    const r = rig();
    const gsme = await r.device(GSME);
    const gpf = await r.device(GPF);
    const got: Array<[string, number, Uint8Array]> = [];
    gpf.onFrame((src, cluster, frame) => got.push([src, cluster, frame]));
    const frame = Uint8Array.from([0x18, 0x01, 0x0a, 0x00, 0x00, 0x25, 0xff, 0x00]);
    gsme.send(GPF, 0x0702, frame);
    expect(r.inFlight.size).toBe(1);
    expect([...r.inFlight.outstanding().keys()]).toEqual([hanTopic(r.premises, GPF, GSME, 0x0702)]);
    await r.inFlight.whenIdle();
    expect(got).toHaveLength(1);
    expect(got[0]![0]).toBe(GSME);
    expect(got[0]![1]).toBe(0x0702);
    expect(got[0]![2]).toEqual(frame);
    expect(got[0]![2]).toBeInstanceOf(Uint8Array);
    expect(gsme.stats()).toEqual({ sent: 1, dropped: 0, received: 0, refused: 0 });
    expect(gpf.stats()).toEqual({ sent: 0, dropped: 0, received: 1, refused: 0 });
    expect(r.errors).toEqual([]);
  });

  it('counts a chain of frames sent by handlers before releasing the first', async () => {
    const r = rig();
    const ppmid = await r.device(PPMID);
    const gpf = await r.device(GPF);
    const gsme = await r.device(GSME);
    const seen: string[] = [];
    gpf.onFrame((src, cluster, frame) => {
      seen.push('gpf');
      gpf.send(GSME, cluster, frame); // forward
    });
    gsme.onFrame((src, cluster, frame) => {
      seen.push('gsme');
      gsme.send(PPMID, cluster, Uint8Array.of(frame[0]! + 1));
    });
    ppmid.onFrame((src, _cluster, frame) => seen.push(`ppmid ${src} ${frame[0]}`));
    ppmid.send(GPF, 0x0705, Uint8Array.of(41));
    await r.inFlight.whenIdle();
    expect(seen).toEqual(['gpf', 'gsme', `ppmid ${GSME} 42`]);
  });

  it('waits for a handler that returns a promise (async work is part of the frame)', async () => {
    const r = rig();
    const gsme = await r.device(GSME);
    const gpf = await r.device(GPF);
    const seen: string[] = [];
    gpf.onFrame(async (src, cluster) => {
      await sleep(30); // e.g. WebCrypto
      gpf.send(src, cluster, Uint8Array.of(1));
    });
    gsme.onFrame(() => seen.push('reply'));
    gsme.send(GPF, 0x0702, Uint8Array.of(0));
    await r.inFlight.whenIdle();
    expect(seen).toEqual(['reply']);
  });

  it('drop(): the frame is neither published nor counted', async () => {
    const r = rig();
    const contexts: string[] = [];
    const gsme = await r.device(GSME, {
      drop: ({ src, dst, clusterId, bytes }) => {
        contexts.push(`${src}>${dst} ${clusterId} ${bytes.length}`);
        return clusterId === 0x0705;
      },
    });
    const gpf = await r.device(GPF);
    const got: number[] = [];
    gpf.onFrame((_s, cluster) => got.push(cluster));
    gsme.send(GPF, 0x0705, Uint8Array.of(1, 2));
    expect(r.inFlight.size).toBe(0);
    gsme.send(GPF, 0x0702, Uint8Array.of(1));
    await r.inFlight.whenIdle();
    await sleep(50);
    expect(got).toEqual([0x0702]);
    expect(contexts).toEqual([`${GSME}>${GPF} ${0x0705} 2`, `${GSME}>${GPF} ${0x0702} 1`]);
    expect(gsme.stats().dropped).toBe(1);
  });

  it('a frame to a simulated device that is not listening fails the wait, naming the topic', async () => {
    const r = rig();
    const gsme = await r.device(GSME);
    gsme.send(PPMID, 0x0702, Uint8Array.of(1)); // PPMID is "simulated" but never connected
    const err = await r.inFlight.whenIdle(200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InFlightTimeoutError);
    expect((err as Error).message).toContain(hanTopic(r.premises, PPMID, GSME, 0x0702));
  });

  it('a handler that throws fails the run; the transport keeps working', async () => {
    const r = rig();
    const gsme = await r.device(GSME);
    const gpf = await r.device(GPF);
    gpf.onFrame((_src, cluster) => {
      if (cluster === 0x0702) throw new Error('mirror overflow');
    });
    gsme.send(GPF, 0x0702, Uint8Array.of(1));
    const err = await r.inFlight.whenIdle().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`HAN device ${GPF}: frame handler threw on ${hanTopic(r.premises, GPF, GSME, 0x0702)}`);
    expect((err as Error).message).toContain('mirror overflow');
    expect(r.inFlight.size).toBe(0);
    r.inFlight.reset();
    gsme.send(GPF, 0x0705, Uint8Array.of(1));
    await r.inFlight.whenIdle();
  });

  it('holds frames that arrive before a handler is registered', async () => {
    const r = rig();
    const gsme = await r.device(GSME);
    const gpf = await r.device(GPF);
    gsme.send(GPF, 0x0702, Uint8Array.of(7));
    await sleep(50);
    expect(r.inFlight.size).toBe(1);
    const got: number[] = [];
    gpf.onFrame((_s, _c, f) => got.push(f[0]!));
    await r.inFlight.whenIdle();
    expect(got).toEqual([7]);
  });

  it('does not count frames to or from a device outside the simulation', async () => {
    const r = rig();
    const gpf = await r.device(GPF);
    const board = await login(han(), BOARD, secret(BOARD));
    try {
      const fromBoard: number[] = [];
      gpf.onFrame((src, _c, f) => {
        if (src === BOARD) fromBoard.push(f[0]!);
      });
      gpf.send(BOARD, 0x0702, Uint8Array.of(1));
      expect(r.inFlight.size).toBe(0);
      await board.publishAsync(hanTopic(r.premises, GPF, BOARD, 0x0702), Buffer.from([9]));
      for (let i = 0; i < 1000 && fromBoard.length === 0; i++) await sleep(10);
      expect(fromBoard).toEqual([9]);
      expect(r.errors).toEqual([]);
    } finally {
      await board.endAsync();
    }
  });

  it('reports a malformed topic to onError and ignores it', async () => {
    const r = rig();
    const gpf = await r.device(GPF);
    const got: unknown[] = [];
    gpf.onFrame((...args) => got.push(args));
    // A tool whose client id is not an EUI may publish with itself as the source.
    const tool = await login(han(), 'tool', secret('tool'));
    try {
      await tool.publishAsync(`han/${r.premises}/${GPF}/tool/0702`, Buffer.from([1]));
      for (let i = 0; i < 1000 && r.errors.length === 0; i++) await sleep(10);
      expect(r.errors.map((e) => e.message)).toEqual([
        expect.stringContaining(`HAN device ${GPF}: ignoring a message on a malformed topic`),
      ]);
      expect(got).toEqual([]);
    } finally {
      await tool.endAsync();
    }
  });

  it('publishes state and screen as retained JSON', async () => {
    const r = rig();
    const ppmid = await r.device(PPMID, { device: 'ppmid' });
    ppmid.observe.state({ credit: 25.5, hanLost: false });
    ppmid.observe.screen({ lines: ['£25.50'] });
    await sleep(50);
    const tool = await login(han(), OBSERVER_USERNAME, OBSERVER_PASSWORD);
    try {
      const got = new Map<string, { retain: boolean; body: unknown }>();
      tool.on('message', (topic, payload, packet) => got.set(topic, { retain: packet.retain, body: JSON.parse(payload.toString()) }));
      await tool.subscribeAsync(`hanlab/${r.premises}/#`);
      for (let i = 0; i < 1000 && got.size < 2; i++) await sleep(10);
      expect(got.get(`hanlab/${r.premises}/ppmid/state`)).toEqual({ retain: true, body: { credit: 25.5, hanLost: false } });
      expect(got.get(`hanlab/${r.premises}/ppmid/screen`)).toEqual({ retain: true, body: { lines: ['£25.50'] } });
    } finally {
      await tool.endAsync();
    }
  });
});

describe('connectHanDevice, broker connection', () => {
  it('rejects clearly when no broker listens', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const r = makeRig(() => url);
    await expect(r.device(GSME, { connectTimeoutMs: 300 })).rejects.toThrow(
      new RegExp(`no connection to the MQTT broker at mqtt://127\\.0\\.0\\.1:${port} within 300 ms`),
    );
  });

  it('a broker that goes away is reported via onError; after it returns, subscriptions are restored', async () => {
    let own = await startEmbeddedBroker({ identities: IDENTITIES });
    const port = own.port;
    const r = makeRig(() => own.url);
    const gsme = await r.device(GSME, { reconnectPeriodMs: 50 });
    const gpf = await r.device(GPF, { reconnectPeriodMs: 50 });
    const got: number[] = [];
    gpf.onFrame((_s, _c, f) => got.push(f[0]!));
    await own.close();
    for (let i = 0; i < 1000 && r.errors.length < 2; i++) await sleep(10);
    expect(r.errors.length).toBeGreaterThanOrEqual(2);
    for (const e of r.errors) expect(e.message).toContain(`MQTT broker at mqtt://127.0.0.1:${port}`);
    expect(gsme.connected).toBe(false);

    own = await startEmbeddedBroker({ port, identities: IDENTITIES });
    try {
      for (let i = 0; i < 1000 && !(gsme.connected && gpf.connected); i++) await sleep(10);
      expect(gsme.connected && gpf.connected).toBe(true);
      // The automatic re-SUBSCRIBE follows the CONNACK: waited for, not slept for, by frames from
      // a board outside the simulation (not counted in flight) until one reaches the GPF.
      const board = await login(own.url, BOARD, secret(BOARD));
      try {
        for (let i = 0; i < 1000 && !got.includes(9); i++) {
          await board.publishAsync(hanTopic(r.premises, GPF, BOARD, 0x0702), Buffer.from([9]));
          await sleep(10);
        }
      } finally {
        await board.endAsync();
      }
      expect(got).toContain(9);
      got.length = 0;
      gsme.send(GPF, 0x0702, Uint8Array.of(5));
      await r.inFlight.whenIdle();
      expect(got).toEqual([5]);
      // One report per outage per device, not one per reconnection attempt.
      expect(r.errors.length).toBeLessThanOrEqual(4);
    } finally {
      await Promise.all(opened.splice(0).map((d) => d.close()));
      await own.close();
    }
  });
});
