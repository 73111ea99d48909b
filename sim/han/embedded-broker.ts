/**
 * The in-process MQTT broker for the HAN stand-in (Aedes 1.x over a plain TCP server).
 *
 * Enforces SECMP0015 section 5 ("no device can speak as another"), the equivalent of the
 * Mosquitto ACL that `mosquitto.ts` writes (`pattern write han/+/+/%c/#`, `pattern read
 * han/+/%c/#`):
 * - publish to `han/{p}/{dst}/{src}/{cluster}` only when `src` is the publisher's client id.
 *   A refused publish is dropped silently and the connection stays up, as Mosquitto does for an
 *   ACL-denied MQTT 3.1.1 publish (Aedes' own "refuse" would close the connection). It is counted
 *   in `stats().refusedPublish`, reported to `onRefused`, and re-routed to
 *   `$hanlab/refused/{clientId}/{original topic}` (no `#` subscriber sees `$` topics; a tool can
 *   subscribe there explicitly to watch spoofing attempts).
 * - subscribe to a filter under `han/` only as `han/{p}/{clientId}/…`: anything else under `han/`
 *   (another device's EUI, `han/#`, `han/+/+/#`) gets SUBACK failure 0x80, connection kept.
 * - delivery of a `han/{p}/{dst}/…` message only to client `dst`, whatever the filter (a tool
 *   subscribed to `#` sees no HAN frames), like Mosquitto's per-message read check.
 * Other topics (`hanlab/#`, `wan/#`, …) are open to everyone. Publishing to `$…` topics is
 * refused (Aedes' default; that one does close the connection).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type Client, type PublishPacket, type Subscription } from 'aedes';
import { HAN_ROOT } from './topics.ts';

export interface Refusal {
  kind: 'publish' | 'subscribe';
  clientId: string;
  topic: string;
  reason: string;
}

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 (default): a free port chosen by the OS. */
  port?: number;
  /** Called for each refused publish or subscription. */
  onRefused?: (refusal: Refusal) => void;
}

export interface BrokerStats {
  /** Client publishes accepted and routed (refused ones excluded). */
  published: number;
  refusedPublish: number;
  refusedSubscribe: number;
  /** Clients connected now. */
  clients: number;
}

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
  stats(): BrokerStats;
}

export const REFUSED_PREFIX = '$hanlab/refused/';

/** Why a client may not publish to this topic, or null when it may. */
export function hanPublishRefusal(clientId: string, topic: string): string | null {
  if (!topic.startsWith(`${HAN_ROOT}/`)) return null;
  const levels = topic.split('/');
  const src = levels[3];
  if (levels.length < 5 || src === undefined) return `HAN topic without a source level (han/{premises}/{dst}/{src}/{cluster})`;
  if (src !== clientId) return `source ${src} is not the publisher's client id ${clientId}`;
  return null;
}

/** Why a client may not subscribe to this filter, or null when it may. */
export function hanSubscribeRefusal(clientId: string, filter: string): string | null {
  const levels = filter.split('/');
  if (levels[0] !== HAN_ROOT) return null;
  const premises = levels[1];
  const dst = levels[2];
  if (premises === undefined || premises === '#' || dst === undefined || dst !== clientId) {
    return `HAN subscriptions must be han/{premises}/${clientId}/… for client ${clientId}`;
  }
  return null;
}

/** Whether a message on `topic` may be delivered to `clientId` (HAN frames only to their dst). */
export function hanDeliveryAllowed(clientId: string, topic: string): boolean {
  if (!topic.startsWith(`${HAN_ROOT}/`)) return true;
  return topic.split('/', 3)[2] === clientId;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const stats = { published: 0, refusedPublish: 0, refusedSubscribe: 0 };
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
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      const topic = packet.topic;
      if (topic.startsWith('$')) {
        callback(new Error(`${topic}: topics starting with $ are reserved`));
        return;
      }
      if (client !== null) {
        const reason = hanPublishRefusal(client.id, topic);
        if (reason !== null) {
          stats.refusedPublish++;
          report({ kind: 'publish', clientId: client.id, topic, reason });
          packet.topic = `${REFUSED_PREFIX}${client.id}/${topic}`;
          packet.retain = false;
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
      return hanDeliveryAllowed(client.id, packet.topic) ? packet : null;
    },
  });

  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
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
    stats: () => ({ ...stats, clients: broker.connectedClients ?? 0 }),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
