/**
 * The HAN stand-in's brokers: the in-process bus, the embedded Aedes and a private Mosquitto
 * (started on a free port, stopped by PID; never the system one on 1883). Same checks on all
 * three, then the lockstep timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { VirtualClock } from '../sim/clock/virtual-clock.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../han/embedded-broker.ts';
import { InFlight } from '../han/in-flight.ts';
import { findMosquitto, mosquittoAvailable, startMosquitto, type MosquittoBroker } from '../han/mosquitto.ts';
import { deviceAccount, identityRegistry, OBSERVER_PASSWORD, OBSERVER_USERNAME, observerAccount, simulatedSecret } from '../han/identities.ts';
import { connectHanDevice, measureBrokerThroughput, throughputAccounts } from '../han/mqtt-han.ts';
import type { HanClient } from '../han/mqtt-han.ts';
import { startInProcessBroker } from '../han/in-process-broker.ts';
import type { HanBus, InProcessBroker } from '../han/in-process-broker.ts';
import { hanSubscription, hanTopic } from '../han/topics.ts';

const A = '00000000000000A1';
const B = '00000000000000B2';
const C = '00000000000000C3';
const P = 'premises-1';
const T0 = Date.UTC(2024, 5, 1, 12);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every broker here holds A, B and C as devices at P and at 'lockstep', the observer, and the throughput clients. */
const secret = (eui: string) => simulatedSecret(1, eui);
const IDENTITIES = identityRegistry([
  ...[A, B, C].flatMap((eui) => [P, 'lockstep'].map((premises) => deviceAccount({ eui, secret: secret(eui), premises }))),
  observerAccount(),
  ...throughputAccounts(),
]);

type TestClient = HanClient & { subscribeAsync(filter: string, options?: { qos: 0 }): Promise<unknown> };

/** A client logged in as a device (A, B, C) or as the observer: over MQTT, or on the in-process bus. */
async function client(url: HanBus, clientId: string): Promise<TestClient> {
  const password = clientId === OBSERVER_USERNAME ? OBSERVER_PASSWORD : secret(clientId);
  if (typeof url !== 'string') return url.connectAsync({ clientId, username: clientId, password });
  return connectAsync(url, { clientId, username: clientId, password, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
}

/** Collects what a client receives. */
function inbox(c: TestClient): Array<{ topic: string; payload: Buffer }> {
  const got: Array<{ topic: string; payload: Buffer }> = [];
  c.on('message', (topic, payload) => got.push({ topic, payload: Buffer.from(payload) }));
  return got;
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** The section-5 checks, against any broker URL. */
function aclChecks(getUrl: () => HanBus, refusesAtSuback: boolean) {
  it('carries a HAN frame between two devices byte-exactly', async () => {
    const url = getUrl();
    const [a, b] = await Promise.all([client(url, A), client(url, B)]);
    try {
      const got = inbox(b);
      await b.subscribeAsync(hanSubscription(P, B));
      const frame = Buffer.from(Array.from({ length: 256 }, (_, i) => i)); // every byte value
      await a.publishAsync(hanTopic(P, B, A, 0x0702), frame);
      await a.publishAsync(hanTopic(P, B, A, 0x0705), Buffer.alloc(0));
      await until(() => got.length === 2);
      expect(got[0]!.topic).toBe(`han/${P}/${B}/${A}/0702`);
      expect(got[0]!.payload.equals(frame)).toBe(true);
      expect(got[1]!.topic).toBe(`han/${P}/${B}/${A}/0705`);
      expect(got[1]!.payload.length).toBe(0);
    } finally {
      await Promise.all([a.endAsync(), b.endAsync()]);
    }
  });

  it('does not deliver a spoofed publish (source level is not the publisher) and keeps the connection', async () => {
    const url = getUrl();
    const [a, b] = await Promise.all([client(url, A), client(url, B)]);
    try {
      const got = inbox(b);
      await b.subscribeAsync(hanSubscription(P, B));
      await a.publishAsync(hanTopic(P, B, C, 0x0702), Buffer.from('spoof as C'));
      await a.publishAsync(`han/${P}/${B}/${A}`, Buffer.from('no cluster level, as A')); // malformed: 4 levels
      await a.publishAsync(hanTopic(P, B, A, 0x0702), Buffer.from('genuine'));
      await until(() => got.length >= 1);
      await sleep(100);
      // Mosquitto's pattern han/+/+/%c/# lets the 4-level topic through (# matches the parent);
      // the embedded broker refuses it. Neither lets anyone speak as C.
      const genuine = got.filter((m) => m.payload.toString() === 'genuine');
      expect(genuine.map((m) => m.topic)).toEqual([`han/${P}/${B}/${A}/0702`]);
      expect(got.some((m) => m.topic.includes(C))).toBe(false);
      expect(a.connected).toBe(true);
    } finally {
      await Promise.all([a.endAsync(), b.endAsync()]);
    }
  });

  it("refuses a subscription to another device's HAN topic", async () => {
    const url = getUrl();
    const [a, b, c, o] = await Promise.all([client(url, A), client(url, B), client(url, C), client(url, OBSERVER_USERNAME)]);
    try {
      const gotA = inbox(a);
      const gotB = inbox(b);
      const gotO = inbox(o);
      await b.subscribeAsync(hanSubscription(P, B));
      const sub = a.subscribeAsync(hanSubscription(P, B));
      if (refusesAtSuback) await expect(sub).rejects.toThrow(/Subscribe error/);
      else await sub; // Mosquitto 2.0 grants it, then checks read access per message
      await a.subscribeAsync('#').catch(() => {});
      await o.subscribeAsync('#').catch(() => {});
      await c.publishAsync(hanTopic(P, B, C, 0x000a), Buffer.from([1, 2, 3]));
      await c.publishAsync(`hanlab/${P}/${C}/state`, '{"ok":true}');
      await until(() => gotB.length === 1 && gotO.length === 1);
      await sleep(100);
      expect(gotB.map((m) => m.topic)).toEqual([`han/${P}/${B}/${C}/000A`]);
      // The observer sees the observability topic, never B's frame; A (a device) sees neither.
      expect(gotO.map((m) => m.topic)).toEqual([`hanlab/${P}/${C}/state`]);
      expect(gotA).toEqual([]);
      expect(a.connected).toBe(true);
    } finally {
      await Promise.all([a.endAsync(), b.endAsync(), c.endAsync(), o.endAsync()]);
    }
  });
}

/**
 * Two simulated devices ping-pong over the broker, driven by virtual timers; returns each
 * device's (virtual time, event) log.
 */
async function pingPong(url: HanBus, rounds: number): Promise<{ A: string[]; B: string[] }> {
  const clock = new VirtualClock(T0);
  const inFlight = new InFlight({ timeoutMs: 5000 });
  const sims = new Set([A, B]);
  const errors: Error[] = [];
  const common = { url, premises: 'lockstep', inFlight, isSimDevice: (e: string) => sims.has(e), onError: (e: Error) => errors.push(e) };
  const a = await connectHanDevice({ ...common, eui: A, secret: secret(A) });
  const b = await connectHanDevice({ ...common, eui: B, secret: secret(B) });
  const ta = clock.forDevice(1);
  const tb = clock.forDevice(2);
  const log = { A: [] as string[], B: [] as string[] };
  const t = () => clock.now() - T0;
  const hex = (f: Uint8Array) => Buffer.from(f).toString('hex');
  const cl = (n: number) => n.toString(16).padStart(4, '0');

  b.onFrame((src, cluster, f) => {
    log.B.push(`${t()} rx ${src} ${cl(cluster)} ${hex(f)}`);
    if (cluster === 0x0702 || cluster === 0x0705) b.send(src, cluster, Uint8Array.of(f[0]! ^ 0xff, f.length));
    if (cluster === 0x0705) {
      tb.setTimeout(() => {
        log.B.push(`${t()} follow-up ${f[0]}`);
        b.send(A, 0x000a, Uint8Array.of(0xee, f[0]!));
      }, 250);
    }
  });
  a.onFrame((src, cluster, f) => {
    log.A.push(`${t()} rx ${src} ${cl(cluster)} ${hex(f)}`);
    if (cluster === 0x0702) {
      // Same due time as B's follow-up timer, created in the same settle.
      ta.setTimeout(() => {
        log.A.push(`${t()} ack ${hex(f)}`);
        a.send(B, 0x0700, Uint8Array.of(f[0]!));
      }, 250);
    }
    if (cluster === 0x000a) ta.setTimeout(() => log.A.push(`${t()} zero-delay after ${hex(f)}`), 0);
  });
  for (let i = 0; i < rounds; i++) {
    ta.setTimeout(() => {
      log.A.push(`${t()} tick ${i}`);
      a.send(B, 0x0702, Uint8Array.of((2 * i) & 0xff, 0x10, 0x20));
      a.send(B, 0x0705, Uint8Array.of((2 * i + 1) & 0xff));
    }, 1000 * i + 500);
  }
  // B's own clock-driven traffic, sometimes at the same instants as A's.
  for (let i = 0; i < rounds; i += 2) {
    tb.setTimeout(() => {
      log.B.push(`${t()} beacon ${i}`);
      b.send(A, 0x0019, Uint8Array.of(i & 0xff));
    }, 1000 * i + 750);
  }
  try {
    await clock.run(T0 + rounds * 1000 + 1000, () => inFlight.whenIdle());
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  expect(errors).toEqual([]);
  expect(inFlight.size).toBe(0);
  expect(clock.now()).toBe(T0 + rounds * 1000 + 1000);
  return log;
}

const ROUNDS = 40;

describe('embedded broker (Aedes)', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0, identities: IDENTITIES });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('listens on a free port of 127.0.0.1', () => {
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.port).not.toBe(1883);
  });

  aclChecks(() => broker.url, true);

  it('counts published and refused traffic', () => {
    const s = broker.stats();
    expect(s.published).toBeGreaterThan(0);
    expect(s.refusedPublish).toBeGreaterThanOrEqual(2);
    expect(s.refusedSubscribe).toBeGreaterThanOrEqual(1);
  });

  it('reports refusals to onRefused', async () => {
    const refusals: string[] = [];
    const own = await startEmbeddedBroker({ identities: IDENTITIES, onRefused: (r) => refusals.push(`${r.kind} ${r.clientId} ${r.topic}`) });
    const a = await client(own.url, A);
    try {
      await a.publishAsync(hanTopic(P, B, C, 1), Buffer.from([0]));
      await a.subscribeAsync(`han/${P}/#`).catch(() => {});
      await until(() => refusals.length === 2);
      expect(refusals).toEqual([`publish ${A} han/${P}/${B}/${C}/0001`, `subscribe ${A} han/${P}/#`]);
    } finally {
      await a.endAsync();
      await own.close();
    }
  });

  it('lockstep: the virtual timeline is identical across runs', async () => {
    const first = await pingPong(broker.url, ROUNDS);
    const other = await startEmbeddedBroker({ identities: IDENTITIES });
    try {
      const second = await pingPong(other.url, ROUNDS);
      expect(second).toEqual(first);
    } finally {
      await other.close();
    }
    // Spot checks of the timeline itself.
    expect(first.A[0]).toBe('500 tick 0');
    expect(first.B[0]).toBe(`500 rx ${A} 0702 001020`);
    expect(first.A).toContain(`500 rx ${B} 0702 ff03`);
    expect(first.A).toContain('750 ack ff03');
    expect(first.B).toContain('750 follow-up 1');
    expect(first.A).toContain(`750 zero-delay after ee01`);
    // A's ack (rank 1) fires before B's follow-up (rank 2) at 750, so B hears it first.
    expect(first.B.filter((l) => l.startsWith('750 '))).toEqual([
      '750 beacon 0',
      `750 rx ${A} 0700 ff`,
      '750 follow-up 1',
    ]);
    expect(first.A.length).toBeGreaterThan(4 * ROUNDS);
  });

  it('measures raw throughput', async () => {
    const r = await measureBrokerThroughput(broker.url, { messages: 2000, payloadBytes: 64 });
    expect(r.received).toBe(2000);
    expect(r.messagesPerSecond).toBeGreaterThan(0);
  });
});

describe('in-process bus', () => {
  let bus: InProcessBroker;
  const refusals: string[] = [];
  beforeAll(() => {
    bus = startInProcessBroker({ identities: IDENTITIES, onRefused: (r) => refusals.push(`${r.kind} ${r.clientId} ${r.topic}`) });
  });
  afterAll(async () => {
    await bus.close();
  });

  aclChecks(() => bus, true);

  it('counts and reports what it refused, as the embedded broker does', () => {
    const s = bus.stats();
    expect(s.published).toBeGreaterThan(0);
    expect(s.refusedPublish).toBeGreaterThanOrEqual(2);
    expect(s.refusedSubscribe).toBeGreaterThanOrEqual(1);
    expect(refusals).toContain(`publish ${A} han/${P}/${B}/${C}/0702`);
    expect(refusals).toContain(`subscribe ${A} han/${P}/${B}/#`);
  });

  it('lockstep: the virtual timeline of the embedded broker, and the same again', async () => {
    const onBus = await pingPong(bus, ROUNDS);
    const aedes = await startEmbeddedBroker({ identities: IDENTITIES });
    try {
      expect(onBus).toEqual(await pingPong(aedes.url, ROUNDS));
    } finally {
      await aedes.close();
    }
    expect(await pingPong(startInProcessBroker({ identities: IDENTITIES }), ROUNDS)).toEqual(onBus);
  });
});

const haveMosquitto = mosquittoAvailable();
if (!haveMosquitto) {
  console.warn('sim-han: Mosquitto tests skipped: no mosquitto binary on PATH (or /usr/sbin, /usr/local/sbin)');
}

describe.skipIf(!haveMosquitto)('Mosquitto (private instance on a free port)', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto({ identities: IDENTITIES });
  });
  afterAll(async () => {
    if (broker === undefined) return;
    const pid = broker.pid;
    await broker.close();
    // Stopped by PID: the process is gone.
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('runs its own process on a port other than the system broker', () => {
    expect(findMosquitto()).not.toBeNull();
    expect(broker.port).not.toBe(1883);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(() => process.kill(broker.pid, 0)).not.toThrow();
  });

  aclChecks(() => broker.url, false);

  it('lockstep: the same virtual timeline as on the embedded broker', async () => {
    const onMosquitto = await pingPong(broker.url, ROUNDS);
    const aedes = await startEmbeddedBroker({ identities: IDENTITIES });
    try {
      const onAedes = await pingPong(aedes.url, ROUNDS);
      expect(onMosquitto).toEqual(onAedes);
    } finally {
      await aedes.close();
    }
    expect(await pingPong(broker.url, ROUNDS)).toEqual(onMosquitto);
  });

  it('measures raw throughput', async () => {
    const r = await measureBrokerThroughput(broker.url, { messages: 2000, payloadBytes: 64 });
    expect(r.received).toBe(2000);
  });

  it('fails clearly when the binary is missing', async () => {
    await expect(startMosquitto({ binary: '/nonexistent/mosquitto' })).rejects.toThrow(/not found/);
  });
});
