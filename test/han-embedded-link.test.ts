/**
 * The embedded broker's in-memory link (embedded-broker.ts `link`): the simulator's own devices
 * reach it without a socket, under the same rules as a TCP client: a wrong secret refused with
 * CONNACK 5, a device's frames delivered to their destination only, an oversized packet closing
 * the link, and closing the broker ending the link.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MqttClient } from 'mqtt';
import type { IClientOptions } from 'mqtt';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import type { EmbeddedBroker } from '../han/embedded-broker.ts';
import { deviceAccount, identityRegistry, simulatedSecret } from '../han/identities.ts';
import { hanSubscription, hanTopic } from '../han/topics.ts';
import { PACKET_MAX_BYTES } from '../firmware/platform/han-limits.ts';

const A = '00000000000000A1';
const B = '00000000000000B2';
const P = 'premises-1';
const secret = (eui: string) => simulatedSecret(7, eui);

let broker: EmbeddedBroker | null = null;
afterEach(async () => {
  await broker?.close();
  broker = null;
});

function linked(b: EmbeddedBroker, clientId: string, password: string): MqttClient {
  const o: IClientOptions = { protocolVersion: 4, clientId, username: clientId, password, clean: true, reconnectPeriod: 0, connectTimeout: 5000 };
  return new MqttClient(() => b.link(), o);
}

/** 'connect', or the error the client was refused with. */
function outcome(c: MqttClient): Promise<'connected' | Error> {
  return new Promise((resolve) => {
    c.once('connect', () => resolve('connected'));
    c.once('error', (err) => resolve(err));
  });
}

describe('the embedded broker over an in-memory link', () => {
  it('holds a link client to the same rules as a TCP one', async () => {
    broker = await startEmbeddedBroker({ identities: identityRegistry([A, B].map((eui) => deviceAccount({ eui, secret: secret(eui), premises: P }))) });

    const impostor = linked(broker, A, secret(B));
    const refused = await outcome(impostor);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error & { code?: number }).code)).toBe('5');
    expect(broker.stats().refusedConnect).toBe(1);
    impostor.end(true);

    const a = linked(broker, A, secret(A));
    const b = linked(broker, B, secret(B));
    expect(await outcome(a)).toBe('connected');
    expect(await outcome(b)).toBe('connected');
    const got: string[] = [];
    b.on('message', (topic, payload) => got.push(`${topic} ${Buffer.from(payload).toString('hex')}`));
    await b.subscribeAsync(hanSubscription(P, B), { qos: 0 });
    await a.publishAsync(hanTopic(P, B, A, 0x0702), Buffer.from([0x18, 0x01, 0x0b]), { qos: 0 });
    // A frame spoofing B's source is refused at the broker and never delivered.
    await a.publishAsync(hanTopic(P, A, B, 0x0702), Buffer.from([0x00]), { qos: 0 });
    await new Promise<void>((resolve) => (got.length > 0 ? resolve() : b.once('message', () => resolve())));
    expect(got).toEqual([`${hanTopic(P, B, A, 0x0702)} 18010b`]);
    await new Promise((r) => setImmediate(r));
    expect(broker.stats().refusedPublish).toBe(1);

    // A packet over the limit closes A's link as it arrives; B stays up.
    const closed = new Promise<void>((resolve) => a.stream.once('close', () => resolve()));
    a.publish(hanTopic(P, B, A, 0x0702), Buffer.alloc(PACKET_MAX_BYTES + 10), { qos: 0 });
    await closed;
    expect(broker.stats().refusedPacket).toBe(1);
    expect(b.connected).toBe(true);

    const bClosed = new Promise<void>((resolve) => b.stream.once('close', () => resolve()));
    await broker.close();
    broker = null;
    await bClosed;
    a.end(true);
    b.end(true);
  });
});
