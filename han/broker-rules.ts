/**
 * The HAN's broker rules (SECMP0015 section 5, "no device can speak as another"), as pure
 * functions over the identity registry: the embedded Aedes broker (embedded-broker.ts) and the
 * in-process bus (in-process-broker.ts) both decide with these, so a login, publish, subscription
 * or delivery is refused on one exactly when it is on the other. Mosquitto gets the same rules as
 * a password file and ACL (mosquitto-files.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IdentityRegistry } from './identities.ts';
import { HAN_PAYLOAD_MAX_BYTES, PAYLOAD_MAX_BYTES } from '../firmware/platform/han-limits.ts';
import { topicFilterSet } from './topic-filters.ts';
import type { TopicFilterSet } from './topic-filters.ts';
import { HAN_ROOT } from './topics.ts';

export interface Refusal {
  /** connect: CONNACK 5; packet: connection closed for a packet over PACKET_MAX_BYTES. */
  kind: 'connect' | 'publish' | 'subscribe' | 'packet';
  /** The client id (for `packet`, the peer's address: the packet may come before CONNECT). */
  clientId: string;
  /** The topic or filter ('' for connect and packet). */
  topic: string;
  reason: string;
}

export interface BrokerStats {
  /** Client publishes accepted and routed (refused ones excluded). */
  published: number;
  refusedConnect: number;
  refusedPublish: number;
  refusedSubscribe: number;
  /** Connections closed for a packet over PACKET_MAX_BYTES. */
  refusedPacket: number;
  /** Clients connected now. */
  clients: number;
}

export const REFUSED_PREFIX = '$hanlab/refused/';

/** Why a client may not publish to this topic as a HAN frame source, or null when it may. */
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

/** Why a publish is refused by the payload rules (retain and size), or null. */
export function payloadRefusal(topic: string, retain: boolean, bytes: number): string | null {
  const han = topic.startsWith(`${HAN_ROOT}/`);
  if (han && retain) return 'HAN frames are never retained (a retained frame is replayed to every new subscriber)';
  const max = han ? HAN_PAYLOAD_MAX_BYTES : PAYLOAD_MAX_BYTES;
  if (bytes > max) return `payload of ${bytes} bytes over the limit of ${max}${han ? ' for a HAN frame' : ''}`;
  return null;
}

/** What each account may do, ready for checking: its password and its write and read filters. */
export type AccountRights = ReadonlyMap<string, { password: Buffer; write: TopicFilterSet; read: TopicFilterSet }>;

export function accountRights(identities: IdentityRegistry): AccountRights {
  const rights = new Map<string, { password: Buffer; write: TopicFilterSet; read: TopicFilterSet }>();
  for (const [name, a] of identities) rights.set(name, { password: Buffer.from(a.password, 'utf8'), write: topicFilterSet(a.write), read: topicFilterSet(a.read) });
  return rights;
}

/** Why a CONNECT is refused, or null when the account checks out. */
export function connectRefusal(rights: AccountRights, clientId: string, username: string | undefined, password: Buffer | undefined): string | null {
  if (username === undefined || username === '') return 'no username (every client logs in: a device with its EUI and secret)';
  const account = rights.get(username);
  if (account === undefined) return `unknown username ${username}`;
  if (clientId !== username) return `client id ${clientId} is not the username ${username}`;
  const given = password ?? Buffer.alloc(0);
  // Compared in constant time: how long a refusal takes says nothing about the secret.
  const ok = given.length === account.password.length && timingSafeEqual(given, account.password);
  return ok ? null : `wrong password for ${username}`;
}

/** Why a logged-in client's publish is refused (source, ACL, retain, size), or null when it may. */
export function publishRefusal(rights: AccountRights, clientId: string, topic: string, retain: boolean, bytes: number): string | null {
  return publishSourceRefusal(rights, clientId, topic) ?? payloadRefusal(topic, retain, bytes);
}

/** The part of publishRefusal that depends on the client and topic alone (source, ACL). */
export function publishSourceRefusal(rights: AccountRights, clientId: string, topic: string): string | null {
  const source = hanPublishRefusal(clientId, topic);
  if (source !== null) return source;
  if (!rights.get(clientId)?.write(topic)) return `${clientId} may not publish to ${topic}`;
  return null;
}

/** Whether `clientId` may receive a message on `topic` (its account reads it; a HAN frame only its dst). */
export function deliveryAllowed(rights: AccountRights, clientId: string, topic: string): boolean {
  return hanDeliveryAllowed(clientId, topic) && rights.get(clientId)?.read(topic) === true;
}

/** Entries a broker keeps of rememberedRules (far more client-topic pairs than a run uses). */
const REMEMBERED_MAX = 10_000;

/**
 * publishRefusal and deliveryAllowed for a broker that asks them for every message: the parts that
 * depend on the client and topic alone (source, ACL, who may read) are fixed for the broker's life,
 * so they are worked out once per client and topic (ACL matching was a tenth of a run's CPU).
 */
export function rememberedRules(rights: AccountRights): {
  publishRefusal(clientId: string, topic: string, retain: boolean, bytes: number): string | null;
  deliveryAllowed(clientId: string, topic: string): boolean;
} {
  // By client, then topic: no key string to build and hash per message.
  const sources = new Map<string, Map<string, string | null>>();
  const readers = new Map<string, Map<string, boolean>>();
  const of = <T>(m: Map<string, Map<string, T>>, clientId: string): Map<string, T> => {
    let byTopic = m.get(clientId);
    if (byTopic === undefined) {
      if (m.size >= REMEMBERED_MAX) m.clear();
      m.set(clientId, (byTopic = new Map()));
    } else if (byTopic.size >= REMEMBERED_MAX) byTopic.clear();
    return byTopic;
  };
  return {
    publishRefusal(clientId, topic, retain, bytes) {
      const byTopic = of(sources, clientId);
      let source = byTopic.get(topic);
      if (source === undefined) byTopic.set(topic, (source = publishSourceRefusal(rights, clientId, topic)));
      return source ?? payloadRefusal(topic, retain, bytes);
    },
    deliveryAllowed(clientId, topic) {
      const byTopic = of(readers, clientId);
      let allowed = byTopic.get(topic);
      if (allowed === undefined) byTopic.set(topic, (allowed = deliveryAllowed(rights, clientId, topic)));
      return allowed;
    },
  };
}
