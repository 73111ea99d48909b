/**
 * The in-process HAN bus on its own: MQTT topic matching, FIFO delivery after the sender's call
 * has returned, retained messages, session takeover, and the connections it closes (a `$` topic,
 * a packet over PACKET_MAX_BYTES). The rules it shares with the brokers are checked against
 * them in sim-han-broker.test.ts and test/security/hostile-in-process.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { deviceAccount, identityRegistry, observerAccount, OBSERVER_PASSWORD, OBSERVER_USERNAME, simulatedSecret } from '../han/identities.ts';
import { startInProcessBroker } from '../han/in-process-broker.ts';
import type { InProcessClient } from '../han/in-process-client.ts';
import type { Refusal } from '../han/broker-rules.ts';
import { PACKET_MAX_BYTES } from '../firmware/platform/han-limits.ts';

const A = '00000000000000A1';
const B = '00000000000000B2';
const P = 'p1';
const secret = (eui: string) => simulatedSecret(3, eui);
const TOOL = { username: 'tool', password: 'tool-pw' };
const IDENTITIES = identityRegistry([
  deviceAccount({ eui: A, secret: secret(A), premises: P }),
  deviceAccount({ eui: B, secret: secret(B), premises: P }),
  observerAccount(),
  { ...TOOL, write: ['x/#'], read: ['x/#', '$hanlab/#'] },
]);

function start() {
  const refusals: Refusal[] = [];
  const bus = startInProcessBroker({ identities: IDENTITIES, onRefused: (r) => refusals.push(r) });
  const login = (clientId: string, password = clientId === TOOL.username ? TOOL.password : clientId === OBSERVER_USERNAME ? OBSERVER_PASSWORD : secret(clientId)) =>
    bus.connectAsync({ clientId, username: clientId, password });
  return { bus, refusals, login };
}

function inbox(c: InProcessClient): string[] {
  const got: string[] = [];
  c.on('message', (topic: string, payload: Buffer, packet: { retain: boolean }) => got.push(`${topic} ${payload.toString()}${packet.retain ? ' (retained)' : ''}`));
  return got;
}

/** Lets the bus run what is queued (its tasks are microtasks). */
const settle = () => new Promise((r) => setImmediate(r));

describe('the in-process HAN bus', () => {
  it('matches + and # as MQTT does (# includes the parent level)', async () => {
    const { login } = start();
    const t = await login(TOOL.username);
    const got = inbox(t);
    await t.subscribeAsync('x/+/c');
    await t.subscribeAsync('x/a/#');
    for (const topic of ['x/a/c', 'x/b/c', 'x/b/d', 'x/a', 'x/a/b/c', 'x/b/c/d']) await t.publishAsync(topic, topic);
    expect(got.map((m) => m.split(' ')[0])).toEqual(['x/a/c', 'x/b/c', 'x/a', 'x/a/b/c']);
  });

  it('delivers after the sender returns, in the order things were sent, never inside the call', async () => {
    const { login } = start();
    const [a, b] = await Promise.all([login(A), login(B)]);
    const order: string[] = [];
    b.on('message', (topic: string, payload: Buffer) => {
      order.push(`B got ${payload.toString()}`);
      if (payload.toString() === '1') {
        b.publish(`han/${P}/${A}/${B}/0001`, 'reply to 1', { qos: 0 });
        order.push('B replied');
      }
    });
    a.on('message', (_t: string, payload: Buffer) => order.push(`A got ${payload.toString()}`));
    await b.subscribeAsync(`han/${P}/${B}/#`);
    await a.subscribeAsync(`han/${P}/${A}/#`);
    a.publish(`han/${P}/${B}/${A}/0001`, '1', { qos: 0 });
    order.push('A sent 1');
    a.publish(`han/${P}/${B}/${A}/0001`, '2', { qos: 0 });
    order.push('A sent 2');
    await settle();
    expect(order).toEqual(['A sent 1', 'A sent 2', 'B got 1', 'B replied', 'B got 2', 'A got reply to 1']);
  });

  it('keeps the last retained message per topic, replays it flagged to a new subscription, and an empty one clears it', async () => {
    const { login } = start();
    const a = await login(A);
    const o = await login(OBSERVER_USERNAME);
    const got = inbox(o);
    await a.publishAsync(`hanlab/${P}/${A}/state`, 'old', { qos: 0, retain: true });
    await a.publishAsync(`hanlab/${P}/${A}/state`, 'new', { qos: 0, retain: true });
    await a.publishAsync(`hanlab/${P}/${A}/screen`, 'gone', { qos: 0, retain: true });
    await a.publishAsync(`hanlab/${P}/${A}/screen`, '', { qos: 0, retain: true });
    await o.subscribeAsync('hanlab/#');
    await a.publishAsync(`hanlab/${P}/${A}/state`, 'live', { qos: 0, retain: true });
    await settle();
    expect(got).toEqual([`hanlab/${P}/${A}/state new (retained)`, `hanlab/${P}/${A}/state live`]);
  });

  it('a second login with the same client id takes the session over; the first is closed', async () => {
    const { bus, login } = start();
    const first = await login(A);
    const closed: string[] = [];
    first.on('close', () => closed.push('first'));
    const second = await login(A);
    expect(closed).toEqual(['first']);
    expect(first.connected).toBe(false);
    expect(second.connected).toBe(true);
    expect(bus.stats().clients).toBe(1);
    await expect(first.publishAsync(`han/${P}/${B}/${A}/0001`, 'x')).rejects.toThrow(/disconnecting/);
  });

  it('closes a connection that publishes to $… or a packet over PACKET_MAX_BYTES; 1 KiB + 1 under han/ is refused, the connection kept', async () => {
    const { login, refusals, bus } = start();
    const dollar = await login(A);
    await expect(dollar.publishAsync('$SYS/x', 'x')).rejects.toThrow(/reserved/);
    expect(dollar.connected).toBe(false);
    const big = await login(A);
    await expect(big.publishAsync(`hanlab/${P}/${A}/state`, Buffer.alloc(PACKET_MAX_BYTES))).rejects.toThrow(/closed/);
    expect(big.connected).toBe(false);
    const small = await login(A);
    await small.publishAsync(`han/${P}/${B}/${A}/0001`, Buffer.alloc(1025));
    expect(small.connected).toBe(true);
    expect(refusals.map((r) => `${r.kind}: ${r.reason}`)).toEqual([
      `packet: packet of ${PACKET_MAX_BYTES + 2 + 4 + `hanlab/${P}/${A}/state`.length} bytes over the limit of ${PACKET_MAX_BYTES}: connection closed`,
      'publish: payload of 1025 bytes over the limit of 1024 for a HAN frame',
    ]);
    expect(bus.stats()).toMatchObject({ refusedPacket: 1, refusedPublish: 1, published: 0 });
  });

  it('re-routes a refused publish without its payload to $hanlab/refused/…, for an account that reads it', async () => {
    const { login } = start();
    const t = await login(TOOL.username);
    const got = inbox(t);
    await t.subscribeAsync('$hanlab/refused/#');
    const a = await login(A);
    await a.publishAsync(`han/${P}/${B}/${B}/0001`, 'as B');
    await settle();
    expect(got).toEqual([`$hanlab/refused/${A}/han/${P}/${B}/${B}/0001 `]);
  });

  it('refuses logins as the brokers do, and every login once closed', async () => {
    const { bus, login, refusals } = start();
    await expect(login(A, secret(B))).rejects.toThrow(/Not authorized/);
    await expect(bus.connectAsync({ clientId: A, username: B, password: secret(B) })).rejects.toThrow(/Not authorized/);
    await expect(bus.connectAsync({ clientId: 'mallory' })).rejects.toThrow(/Not authorized/);
    expect(refusals.map((r) => r.reason)).toEqual([`wrong password for ${A}`, `client id ${A} is not the username ${B}`, 'no username (every client logs in: a device with its EUI and secret)']);
    const a = await login(A);
    await bus.close();
    expect(a.connected).toBe(false);
    await expect(login(A)).rejects.toThrow(/unavailable/);
  });
});
