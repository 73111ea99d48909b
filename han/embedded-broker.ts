/**
 * The in-process MQTT broker for the HAN stand-in (Aedes 1.x over a plain TCP server).
 *
 * Enforces SECMP0015 section 5 ("no device can speak as another") against the identity registry
 * it is started with (identities.ts), the equivalent of the password file and ACL that
 * mosquitto-files.ts writes for Mosquitto:
 * - CONNECT: the username must be a registered account, the client id must be that username and
 *   the password its secret; anything else gets CONNACK 5 (not authorized) before Aedes looks at
 *   the session, so a taken EUI with a wrong secret cannot take the real device's session over.
 * - publish only to a topic the account may write; under `han/`, only as the topic's source
 *   (`han/{p}/{dst}/{src}/{cluster}` with src = the client id), never retained (a retained frame
 *   is replayed at every subscribe) and at most HAN_PAYLOAD_MAX_BYTES; elsewhere at most
 *   PAYLOAD_MAX_BYTES. A refused publish is dropped and the connection stays up, as Mosquitto
 *   does for an ACL-denied MQTT 3.1.1 publish (Aedes' own "refuse" would close it). It is counted
 *   in `stats().refusedPublish`, reported to `onRefused`, and re-routed to
 *   `$hanlab/refused/{clientId}/{original topic}` without its payload (no account reads `$`
 *   topics: a registry may grant one that reads them, to watch spoofing attempts).
 * - a packet bigger than PACKET_MAX_BYTES closes the connection as it arrives (Mosquitto's
 *   `max_packet_size`; packet-size-guard.ts), before it is read into memory.
 * - subscribe to a filter under `han/` only as `han/{p}/{clientId}/…`: anything else under `han/`
 *   (another device's EUI, `han/#`, `han/+/+/#`) gets SUBACK failure 0x80, connection kept.
 * - deliver a message only to an account that may read its topic, and a `han/{p}/{dst}/…` frame
 *   only to client `dst`, whatever the filter (a tool subscribed to `#` sees no HAN frames), like
 *   Mosquitto's per-message read check.
 * Publishing to `$…` topics is refused (Aedes' default; that one does close the connection).
 */
import { createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { duplexPair } from './duplex-pair.ts';
import { Aedes, type Client, type PublishPacket, type Subscription } from 'aedes';
import { identityRegistry, observerAccount } from './identities.ts';
import type { IdentityRegistry } from './identities.ts';
import { PACKET_MAX_BYTES } from '../firmware/platform/han-limits.ts';
import { limitPacketSize } from './packet-size-guard.ts';
import { accountRights, connectRefusal, hanSubscribeRefusal, REFUSED_PREFIX, rememberedRules } from './broker-rules.ts';
import type { BrokerStats, Refusal } from './broker-rules.ts';

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 (default): a free port chosen by the OS. */
  port?: number;
  /**
   * Who may connect and what each may do (identities.ts). Default: only the observer account,
   * so a broker started without one refuses every device rather than trusting anyone.
   */
  identities?: IdentityRegistry;
  /** Called for each refused connection, publish, subscription or oversized packet. */
  onRefused?: (refusal: Refusal) => void;
}

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  /** The registry it checks (to restart it with the same accounts). */
  identities: IdentityRegistry;
  close(): Promise<void>;
  stats(): BrokerStats;
  /**
   * A connection to this broker inside the process: one end of an in-memory stream pair, the
   * other handled by the broker as a socket is (the same packets, rules and limits). For the
   * simulator's own devices; everyone else connects to `url`.
   */
  link(): Duplex;
}

export { hanDeliveryAllowed, hanPublishRefusal, hanSubscribeRefusal, payloadRefusal, REFUSED_PREFIX } from './broker-rules.ts';
export type { BrokerStats, Refusal } from './broker-rules.ts';

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const identities = options.identities ?? identityRegistry([observerAccount()]);
  const rights = accountRights(identities);
  const rules = rememberedRules(rights);
  const stats = { published: 0, refusedConnect: 0, refusedPublish: 0, refusedSubscribe: 0, refusedPacket: 0 };
  const onRefused = options.onRefused;
  const report = (r: Refusal): void => {
    if (onRefused === undefined) return;
    try {
      onRefused(r);
    } catch {
      // A reporting hook must not break the broker.
    }
  };

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, callback) {
      const reason = connectRefusal(rights, client.id, username, password);
      if (reason === null) {
        callback(null, true);
        return;
      }
      stats.refusedConnect++;
      report({ kind: 'connect', clientId: client.id, topic: '', reason });
      callback(Object.assign(new Error(reason), { returnCode: 5 as const }), null); // CONNACK 5: not authorized
    },
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      const topic = packet.topic;
      if (topic.startsWith('$')) {
        callback(new Error(`${topic}: topics starting with $ are reserved`));
        return;
      }
      if (client !== null) {
        const reason = rules.publishRefusal(client.id, topic, packet.retain, packet.payload.length);
        if (reason !== null) {
          stats.refusedPublish++;
          report({ kind: 'publish', clientId: client.id, topic, reason });
          packet.topic = `${REFUSED_PREFIX}${client.id}/${topic}`;
          packet.retain = false;
          packet.payload = Buffer.alloc(0);
        } else {
          stats.published++;
        }
      }
      callback(null);
    },
    authorizeSubscribe(client: Client, sub: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void) {
      const reason = hanSubscribeRefusal(client.id, sub.topic);
      if (reason !== null) {
        stats.refusedSubscribe++;
        report({ kind: 'subscribe', clientId: client.id, topic: sub.topic, reason });
        callback(null, null); // SUBACK 0x80 for this filter; connection stays up
        return;
      }
      callback(null, sub);
    },
    authorizeForward(client, packet) {
      return rules.deliveryAllowed(client.id, packet.topic) ? packet : null;
    },
  });

  const streams = new Set<Duplex>();
  const accept = (stream: Duplex, peer: string): void => {
    streams.add(stream);
    stream.on('close', () => streams.delete(stream));
    broker.handle(
      limitPacketSize(stream, PACKET_MAX_BYTES, (bytes) => {
        stats.refusedPacket++;
        report({ kind: 'packet', clientId: peer, topic: '', reason: `packet of ${bytes} bytes over the limit of ${PACKET_MAX_BYTES}: connection closed` });
      }),
    );
  };
  const server: Server = createServer({ noDelay: true }, (socket) => accept(socket, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`));
  let links = 0;
  // Client-side trouble (a peer resetting its socket) is the client's business, not a crash.
  broker.on('clientError', () => {});
  broker.on('connectionError', () => {});

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new Error(`embedded MQTT broker: cannot listen on ${host}:${options.port ?? 0}: ${(err as Error).message}`);
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('embedded MQTT broker: no TCP address');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${urlHost}:${port}`,
    host,
    port,
    identities,
    stats: () => ({ ...stats, clients: broker.connectedClients ?? 0 }),
    link() {
      const [client, server] = duplexPair();
      if (closing !== undefined) client.destroy(new Error('embedded MQTT broker closed'));
      else accept(server, `in-process link ${++links}`);
      return client;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const s of streams) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
