/**
 * The in-process HAN bus: the HAN stand-in's broker semantics without a broker process, a socket
 * or a byte of MQTT on the wire, for headless runs (`hanlab sim` by default, the test suites).
 *
 * The same as the embedded broker (embedded-broker.ts), decided by the same rules
 * (broker-rules.ts) over the same identity registry (identities.ts):
 * - a login whose username is unknown, whose client id is not its username or whose password is
 *   wrong is refused (the client gets `Connection refused: Not authorized`, as MQTT.js reports
 *   CONNACK 5); a second login with a client id takes the first one's session over;
 * - a publish outside the account's ACL, under `han/` not as its source, retained under `han/`
 *   or over the payload limits is dropped, counted, reported and re-routed payload-less to
 *   `$hanlab/refused/{clientId}/{topic}`, the connection kept; a publish bigger than
 *   PACKET_MAX_BYTES as an MQTT packet closes the connection; publishing to `$…` closes it;
 * - subscriptions under `han/` only as `han/{p}/{clientId}/…` (else granted 0x80); a message is
 *   delivered only to a client whose account reads the topic, a HAN frame only to its dst;
 * - MQTT topic matching (`+`, `#`) and retained messages (kept per topic, an empty payload clears,
 *   replayed with the retain flag to a new subscription, sent without it to established ones).
 *
 * Not the same: no TCP, no MQTT encoding, QoS 0 only (no QoS 1/2 store, no session kept across
 * logins), no keep-alive and no reconnection (a client the bus disconnects stays down).
 *
 * Deterministic: every operation a client makes (login, publish, subscribe, logout) is a task in
 * one FIFO queue, run after the caller's call has returned (never re-entrantly inside it), on a
 * microtask. A publish is delivered, in queue order, to the subscribers of the moment it is run.
 */
import type { Duplex } from 'node:stream';
import type { IdentityRegistry } from './identities.ts';
import { identityRegistry, observerAccount } from './identities.ts';
import { PACKET_MAX_BYTES } from '../firmware/platform/han-limits.ts';
import { accountRights, connectRefusal, deliveryAllowed, hanSubscribeRefusal, payloadRefusal, publishSourceRefusal, REFUSED_PREFIX } from './broker-rules.ts';
import type { BrokerStats, Refusal } from './broker-rules.ts';
import { InProcessClient } from './in-process-client.ts';
import type { BusSide, Login } from './in-process-client.ts';
import { topicFilterSet } from './topic-filters.ts';

export { InProcessClient };

export interface InProcessBrokerOptions {
  /** Who may log in and what each may do. Default: only the observer account. */
  identities?: IdentityRegistry;
  /** Called for each refused login, publish, subscription or oversized packet. */
  onRefused?: (refusal: Refusal) => void;
}

export interface InProcessBroker {
  /** What messages call it ("in-process"): it has no URL. */
  readonly url: string;
  readonly identities: IdentityRegistry;
  /** A client logging in (it emits 'connect', or 'error' and 'close' when refused). */
  connect(login: Login): InProcessClient;
  /** Like MQTT.js connectAsync: the client once logged in, or the refusal. */
  connectAsync(login: Login): Promise<InProcessClient>;
  stats(): BrokerStats;
  close(): Promise<void>;
}

/** A broker URL (mqtt://HOST:PORT) or the in-process bus: what the HAN and WAN clients connect to. */
export type HanBus = string | InProcessBroker;

/**
 * Where the simulator's devices connect: a HanBus, or a broker of this process reached over an
 * in-memory link (embedded-broker.ts `link`; still MQTT, no socket).
 */
export type DeviceBus = HanBus | LinkedBroker;

export interface LinkedBroker {
  readonly url: string;
  link(): Duplex;
}

/** The broker's URL, or null for the in-process bus (which has none). */
export function mqttUrlOf(bus: DeviceBus): string | null {
  return typeof bus === 'string' ? bus : 'link' in bus ? bus.url : null;
}

/** The MQTT 3.1.1 size of a QoS 0 PUBLISH: fixed header, topic (length-prefixed), payload. */
function publishPacketBytes(topicBytes: number, payloadBytes: number): number {
  const remaining = 2 + topicBytes + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}

const ROUTE_CACHE_MAX = 10_000;

export function startInProcessBroker(options: InProcessBrokerOptions = {}): InProcessBroker {
  const identities = options.identities ?? identityRegistry([observerAccount()]);
  const rights = accountRights(identities);
  const stats = { published: 0, refusedConnect: 0, refusedPublish: 0, refusedSubscribe: 0, refusedPacket: 0 };
  const sessions = new Map<string, InProcessClient>();
  const filters = new Map<InProcessClient, { list: string[]; match: (topic: string) => boolean }>();
  const retained = new Map<string, Buffer>();
  // Topic → the clients it is delivered to now (cleared whenever a subscription or session changes).
  const routes = new Map<string, InProcessClient[]>();
  let queue: Array<() => void> = [];
  let head = 0;
  let scheduled = false;
  let closed = false;

  const report = (r: Refusal): void => {
    try {
      options.onRefused?.(r);
    } catch {
      // A reporting hook must not break the bus.
    }
  };

  const drain = (): void => {
    scheduled = false;
    while (head < queue.length) {
      const task = queue[head]!;
      queue[head++] = noop;
      task();
    }
    queue = [];
    head = 0;
  };
  const enqueue = (task: () => void): void => {
    if (closed) return;
    queue.push(task);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(drain);
    }
  };

  // Per publisher and topic, what publishRefusal decides before the payload rules (source and
  // ACL: the same answer every time) and the topic's length in bytes.
  const publishRules = new Map<string, Map<string, { refusal: string | null; topicBytes: number }>>();
  const publishRule = (clientId: string, topic: string): { refusal: string | null; topicBytes: number } => {
    let byTopic = publishRules.get(clientId);
    if (byTopic === undefined) publishRules.set(clientId, (byTopic = new Map()));
    let rule = byTopic.get(topic);
    if (rule === undefined) {
      if (byTopic.size >= ROUTE_CACHE_MAX) byTopic.clear();
      byTopic.set(topic, (rule = { refusal: publishSourceRefusal(rights, clientId, topic), topicBytes: Buffer.byteLength(topic) }));
    }
    return rule;
  };

  const recipients = (topic: string): InProcessClient[] => {
    let to = routes.get(topic);
    if (to !== undefined) return to;
    to = [];
    for (const [client, f] of filters) if (f.match(topic) && deliveryAllowed(rights, client.clientId, topic)) to.push(client);
    if (routes.size >= ROUTE_CACHE_MAX) routes.clear();
    routes.set(topic, to);
    return to;
  };

  const detach = (client: InProcessClient): void => {
    if (sessions.get(client.clientId) === client) sessions.delete(client.clientId);
    if (filters.delete(client)) routes.clear();
  };

  const side: BusSide = {
    login(client, login) {
      enqueue(() => {
        if (!client.connecting) return; // given up (end(true)) before the bus got to it
        const reason = connectRefusal(rights, login.clientId, login.username, login.password === undefined ? undefined : Buffer.from(login.password, 'utf8'));
        if (reason !== null) {
          stats.refusedConnect++;
          report({ kind: 'connect', clientId: login.clientId, topic: '', reason });
          client.refused('Connection refused: Not authorized');
          return;
        }
        const previous = sessions.get(login.clientId);
        if (previous !== undefined) {
          detach(previous);
          previous.dropped();
        }
        sessions.set(login.clientId, client);
        client.accepted();
      });
    },
    publish(client, topic, payload, retain, done) {
      enqueue(() => {
        if (!client.connected) return done(new Error('client disconnecting'));
        const id = client.clientId;
        if (topic.startsWith('$')) {
          detach(client);
          client.dropped();
          return done(new Error(`${topic}: topics starting with $ are reserved`));
        }
        const rule = publishRule(id, topic);
        const size = publishPacketBytes(rule.topicBytes, payload.length);
        if (size > PACKET_MAX_BYTES) {
          stats.refusedPacket++;
          report({ kind: 'packet', clientId: id, topic: '', reason: `packet of ${size} bytes over the limit of ${PACKET_MAX_BYTES}: connection closed` });
          detach(client);
          client.dropped();
          return done(new Error('connection closed'));
        }
        const reason = rule.refusal ?? payloadRefusal(topic, retain, payload.length);
        if (reason !== null) {
          stats.refusedPublish++;
          report({ kind: 'publish', clientId: id, topic, reason });
          const refusedTopic = `${REFUSED_PREFIX}${id}/${topic}`;
          for (const to of recipients(refusedTopic)) to.deliver(refusedTopic, Buffer.alloc(0), false);
          return done(undefined);
        }
        stats.published++;
        if (retain) {
          if (payload.length === 0) retained.delete(topic);
          else retained.set(topic, payload);
        }
        for (const to of recipients(topic)) to.deliver(topic, payload, false);
        done(undefined);
      });
    },
    subscribe(client, filter, done) {
      enqueue(() => {
        if (!client.connected) return done(new Error('client disconnecting'), []);
        const reason = hanSubscribeRefusal(client.clientId, filter);
        if (reason !== null) {
          stats.refusedSubscribe++;
          report({ kind: 'subscribe', clientId: client.clientId, topic: filter, reason });
          // What MQTT.js makes of SUBACK 0x80: an error, the connection kept.
          return done(Object.assign(new Error('Subscribe error: Unspecified error'), { code: 0x80 }), [{ topic: filter, qos: 0x80 }]);
        }
        const list = [...(filters.get(client)?.list ?? []), filter];
        filters.set(client, { list, match: topicFilterSet(list) });
        routes.clear();
        done(null, [{ topic: filter, qos: 0 }]);
        const one = topicFilterSet([filter]);
        for (const [topic, payload] of retained) {
          if (one(topic) && deliveryAllowed(rights, client.clientId, topic)) client.deliver(topic, payload, true);
        }
      });
    },
    logout(client, force, done) {
      const bye = (): void => {
        detach(client);
        client.dropped();
        done();
      };
      if (force || closed) bye();
      else enqueue(bye);
    },
  };

  const connect = (login: Login): InProcessClient => {
    const client = new InProcessClient(side, login);
    if (closed) queueMicrotask(() => client.refused('Connection refused: Server unavailable'));
    else side.login(client, login);
    return client;
  };
  return {
    url: 'in-process',
    identities,
    connect,
    connectAsync: (login) =>
      new Promise((resolve, reject) => {
        const client = connect(login);
        client.once('connect', () => resolve(client));
        client.once('error', reject);
      }),
    stats: () => ({ ...stats, clients: sessions.size }),
    async close() {
      if (closed) return;
      drain();
      closed = true;
      for (const client of [...sessions.values()]) {
        detach(client);
        client.dropped();
      }
      retained.clear();
    },
  };
}

function noop(): void {}
