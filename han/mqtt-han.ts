/**
 * A device's HAN over the MQTT stand-in (SECMP0015 section 5), with MQTT.js: MQTT 3.1.1, client
 * id = username = the device's EUI-64, password = its secret (identities.ts), clean session, QoS
 * 0, subscribed to `han/{premises}/{eui}/#`. Given the in-process bus (in-process-broker.ts)
 * instead of a broker URL, the same login, topics and rules, without MQTT.js or a socket.
 *
 * Input rules (limits.ts): a frame delivered with the retain flag (a replay from the broker's
 * store) or over 1 KiB is dropped before any handler sees it, counted in `stats().refused` and
 * logged to `log.warn`; it is never counted in flight, so a replay cannot unbalance the lockstep.
 *
 * Lockstep accounting with `InFlight` (see virtual-clock.ts): `send` to a simulated device adds
 * one unit (described by the topic) before publishing; the receiving side calls `done` after its
 * frame handlers have returned (or, for a handler that returns a promise, after it settles), so
 * every frame a handler sends is counted before the frame that caused it is released. Frames to
 * or from devices outside the simulation (`isSimDevice` false: a board on the bench) are not
 * counted, on either side.
 *
 * Errors: transport trouble (broker unreachable or gone, a malformed topic, a publish failure)
 * goes to `onError` (default: console.warn) and never throws out of MQTT.js. A frame handler that
 * throws or rejects is a device bug: it goes to `inFlight.fail`, so the run rejects at its next
 * settle.
 */
import { connect, MqttClient, type IClientOptions } from 'mqtt';
import type { Eui64, FrameHandler, HanTransport } from '../firmware/platform/han.ts';
import type { Log, Observer } from '../firmware/platform/observe.ts';
import { deviceAccount, simulatedSecret } from './identities.ts';
import type { Account } from './identities.ts';
import type { InFlight } from './in-flight.ts';
import { hanInputRefusal } from '../firmware/platform/han-limits.ts';
import { mqttUrlOf } from './in-process-broker.ts';
import { brokerList } from './broker-list.ts';
import type { DeviceBus } from './in-process-broker.ts';
import type { Granted } from './in-process-client.ts';
import { availabilityTopic, hanSubscription, hanTopic, isEui64, isTopicLevel, observeTopic, parseHanTopic } from './topics.ts';

export interface DropContext {
  src: Eui64;
  dst: Eui64;
  clusterId: number;
  bytes: Uint8Array;
}

export interface HanDeviceOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:18830, or the in-process bus. */
  url: DeviceBus;
  premises: string;
  eui: Eui64;
  /** The device's secret, its MQTT password (username = client id = eui). None: no password sent. */
  secret?: string;
  inFlight: InFlight;
  /** Whether a device is simulated here (its frames are counted in `inFlight`). */
  isSimDevice(eui: Eui64): boolean;
  /** Fault injection: true = this frame is lost (not published, not counted). */
  drop?(ctx: DropContext): boolean;
  /** Transport trouble. Default: console.warn. */
  onError?(err: Error): void;
  /** Where a frame dropped by the input rules is logged. Default: console.warn. */
  log?: Pick<Log, 'warn'>;
  /** Observability name in `hanlab/{premises}/{device}/…`. Default: the EUI. */
  device?: string;
  /** Initial connection + SUBACK deadline, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts, ms. Default 1000. */
  reconnectPeriodMs?: number;
  /**
   * Publish `hanlab/{premises}/{device}/availability`: `online` (retained) on every connection,
   * `offline` (retained) on close, and `offline` as the connection's MQTT last will (retained),
   * so a watcher sees a device whose process died. Default false.
   */
  availability?: boolean;
  /** Retained publications made on every connection, before `online` (e.g. Home Assistant discovery configs). */
  announce?: readonly { topic: string; payload: string }[];
}

export interface HanDevice extends HanTransport {
  readonly eui: Eui64;
  readonly premises: string;
  /** Publishes `hanlab/{premises}/{device}/state` and `/screen` (JSON, retained, QoS 0). */
  readonly observe: Required<Observer>;
  /** Connected to the broker right now. */
  readonly connected: boolean;
  /** The underlying client (WAN topics, tools): MQTT.js's, or the in-process bus's. */
  readonly client: HanClient;
  /** Frames sent (published), lost to `drop`, received, and refused by the input rules so far. */
  stats(): { sent: number; dropped: number; received: number; refused: number };
  close(): Promise<void>;
}

/** A device's connection to its broker dropped (it reconnects on its own, to another node if it has a list). */
export class HanConnectionLostError extends Error {
  override readonly name = 'HanConnectionLostError';
  constructor(
    message: string,
    readonly eui: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What the transport needs of a client: MQTT.js's `MqttClient` and the in-process bus's both have it. */
export interface HanClient {
  readonly connected: boolean;
  on(event: 'message', listener: (topic: string, payload: Buffer, packet: { retain: boolean }) => void): unknown;
  on(event: 'connect' | 'offline', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'connect', listener: () => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
  publish(topic: string, payload: string | Buffer, options: { qos: 0; retain?: boolean }, callback?: (err?: Error) => void): unknown;
  publishAsync(topic: string, payload: string | Buffer, options?: { qos: 0; retain?: boolean }): Promise<unknown>;
  subscribe(filter: string, options: { qos: 0 }, callback: (err: Error | null, granted?: Granted[]) => void): unknown;
  endAsync(force?: boolean): Promise<void>;
}

/** TCP_NODELAY on the client's socket (mqtt:// only; other transports are left alone). */
function setNoDelay(client: HanClient | MqttClient): void {
  const stream = (client as { stream?: unknown }).stream as { setNoDelay?: (on: boolean) => unknown } | undefined;
  if (typeof stream?.setNoDelay === 'function') stream.setNoDelay(true);
}

/** How long a device's close waits for a clean end before it drops the connection. */
const CLOSE_GRACE_MS = 5000;

/** Topics a device keeps worked out (sending and receiving): far more than a home uses. */
const TOPIC_CACHE_MAX = 1000;

function noLog(): void {}

/** `url` may be a comma-separated list: the first, failing over to the rest (broker-list.ts). */
function connectList(url: string, options: IClientOptions): MqttClient {
  const list = brokerList(url);
  return connect(list.url, list.servers ? { ...options, servers: list.servers } : options);
}

/** A HAN frame's publish options: QoS 0, never retained. */
const PUBLISH_FRAME = { qos: 0, retain: false } as const;

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export async function connectHanDevice(options: HanDeviceOptions): Promise<HanDevice> {
  const { url, premises, eui, inFlight, isSimDevice } = options;
  if (!isEui64(eui)) throw new TypeError(`connectHanDevice: eui must be 16 upper-case hex digits, got ${JSON.stringify(eui)}`);
  if (!isTopicLevel(premises)) throw new TypeError(`connectHanDevice: bad premises ${JSON.stringify(premises)}`);
  const device = options.device ?? eui;
  const stateTopic = observeTopic(premises, device, 'state');
  const screenTopic = observeTopic(premises, device, 'screen');
  const subscription = hanSubscription(premises, eui);
  const availability = options.availability === true ? availabilityTopic(premises, device) : null;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const report = (err: Error): void => {
    try {
      if (options.onError) options.onError(err);
      else console.warn(`hanlab: ${err.message}`);
    } catch {
      // a reporting hook must not break the transport
    }
  };

  const mqttOptions: IClientOptions = {
    protocolVersion: 4,
    clientId: eui,
    username: eui,
    ...(options.secret !== undefined ? { password: options.secret } : {}),
    clean: true,
    resubscribe: true, // with clean sessions MQTT.js re-subscribes after every reconnect
    reconnectPeriod: options.reconnectPeriodMs ?? 1000,
    connectTimeout: connectTimeoutMs,
    queueQoSZero: true,
    ...(availability !== null ? { will: { topic: availability, payload: Buffer.from('offline'), qos: 0, retain: true } } : {}),
    // MQTT.js's debug log costs a call per packet even when it is off: left to it only when
    // DEBUG asks for it.
    ...(process.env['DEBUG'] ? {} : { log: noLog }),
  };
  const brokerUrl = mqttUrlOf(url);
  const client: HanClient =
    typeof url === 'string'
      ? connectList(url, mqttOptions)
      : 'link' in url
        ? new MqttClient(() => url.link(), mqttOptions)
        : url.connect({ clientId: eui, username: eui, password: options.secret });
  // Who messages name: the broker by its URL, or the bus.
  const where = brokerUrl !== null ? `the MQTT broker at ${brokerUrl}` : 'the in-process HAN bus';

  const handlers: FrameHandler[] = [];
  const waiting: Array<{ topic: string; src: Eui64; clusterId: number; frame: Uint8Array; counted: boolean }> = [];
  const counters = { sent: 0, dropped: 0, received: 0, refused: 0 };
  const warn = (message: string, data: Record<string, unknown>): void => {
    try {
      if (options.log) options.log.warn(message, data);
      else console.warn(`hanlab: HAN device ${eui}: ${message} ${JSON.stringify(data)}`);
    } catch {
      // a logging hook must not break the transport
    }
  };
  let closed = false;
  let everConnected = false;
  let troubleReported = false;

  const finish = (topic: string, counted: boolean): void => {
    if (!counted) return;
    try {
      inFlight.done(topic);
    } catch (err) {
      report(toError(err));
    }
  };

  const handlerFailed = (topic: string, err: unknown): void => {
    const cause = toError(err);
    const wrapped = new Error(`HAN device ${eui}: frame handler threw on ${topic}: ${cause.message}`, { cause });
    inFlight.fail(wrapped);
  };

  const dispatch = (topic: string, src: Eui64, clusterId: number, frame: Uint8Array, counted: boolean): void => {
    const pending: PromiseLike<unknown>[] = [];
    try {
      for (const handler of handlers) {
        const result: unknown = handler(src, clusterId, frame);
        if (isThenable(result)) pending.push(result);
      }
    } catch (err) {
      handlerFailed(topic, err);
    } finally {
      if (pending.length === 0) finish(topic, counted);
    }
    if (pending.length > 0) {
      Promise.all(pending).then(
        () => finish(topic, counted),
        (err: unknown) => {
          handlerFailed(topic, err);
          finish(topic, counted);
        },
      );
    }
  };

  // What a topic says, worked out once per topic (a device hears a handful, thousands of times):
  // the frame's source and cluster and whether it is counted in flight, or why it is ignored.
  type Heard = { src: Eui64; clusterId: number; counted: boolean } | { ignored: string };
  const heard = new Map<string, Heard>();
  const hear = (topic: string): Heard => {
    let h = heard.get(topic);
    if (h !== undefined) return h;
    const parsed = parseHanTopic(topic);
    if (!parsed.ok) h = { ignored: `HAN device ${eui}: ignoring a message on a malformed topic: ${parsed.error.message}` };
    else if (parsed.value.dst !== eui || parsed.value.premises !== premises) h = { ignored: `HAN device ${eui}: ignoring a frame for ${parsed.value.dst} at premises ${parsed.value.premises} (${topic})` };
    else h = { src: parsed.value.src, clusterId: parsed.value.clusterId, counted: isSimDevice(parsed.value.src) };
    if (heard.size >= TOPIC_CACHE_MAX) heard.clear();
    heard.set(topic, h);
    return h;
  };

  client.on('message', (topic, payload, packet) => {
    if (closed) return;
    const h = hear(topic);
    if ('ignored' in h) {
      report(new Error(h.ignored));
      return;
    }
    const { src, clusterId, counted } = h;
    const refusal = hanInputRefusal(packet.retain, payload.length);
    if (refusal !== null) {
      counters.refused++;
      warn(`HAN frame dropped: ${refusal}`, { topic, src, bytes: payload.length });
      return;
    }
    counters.received++;
    // A copy of its own (MQTT.js may hand out a view of a buffer it reuses).
    const frame = new Uint8Array(payload);
    if (handlers.length === 0) {
      // Held (and still counted) until the device registers its handler.
      waiting.push({ topic, src, clusterId, frame, counted });
      return;
    }
    dispatch(topic, src, clusterId, frame, counted);
  });

  // Retained, on every connection (a restarted broker without persistence has lost them).
  const announce = (): void => {
    if (closed) return;
    for (const a of options.announce ?? []) retained(a.topic, a.payload);
    if (availability !== null) retained(availability, 'online');
  };
  const retained = (topic: string, payload: string): void => {
    client.publish(topic, payload, { qos: 0, retain: true }, (err) => {
      if (err) report(new Error(`HAN device ${eui}: publish to ${topic} via ${where} failed: ${err.message}`));
    });
  };

  client.on('connect', () => {
    // Small frames in quick succession (a report is several frames): no Nagle delay.
    setNoDelay(client);
    // After an outage MQTT.js re-subscribes by itself (clean session + resubscribe).
    everConnected = true;
    troubleReported = false;
    announce();
  });
  client.on('offline', () => {
    if (closed || !everConnected || troubleReported) return;
    troubleReported = true;
    report(new HanConnectionLostError(`HAN device ${eui}: lost its connection to ${where}${brokerUrl !== null ? '; reconnecting' : ' (no reconnection in-process)'}`, eui));
  });
  client.on('error', (err) => {
    if (closed) return;
    if (!everConnected) return; // the initial connection reports through connectHanDevice's rejection
    if (troubleReported && /ECONNREFUSED|ECONNRESET|EPIPE/.test(err.message)) return; // one report per outage
    troubleReported = true;
    const text = `HAN device ${eui}: MQTT error with ${where}: ${err.message}`;
    report(/ECONNREFUSED|ECONNRESET|EPIPE/.test(err.message) ? new HanConnectionLostError(text, eui, { cause: err }) : new Error(text, { cause: err }));
  });

  // Initial connection and SUBACK.
  try {
    await new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `HAN device ${eui}: no connection to ${where} within ${connectTimeoutMs} ms` +
              (lastError ? `: ${lastError.message}` : ''),
          ),
        );
      }, connectTimeoutMs);
      const onError = (err: Error): void => {
        lastError = err;
        // Refusals the broker will not change its mind about.
        if (/Not authorized|Identifier rejected|Bad username|Unacceptable protocol/i.test(err.message)) {
          cleanup();
          const why = /Not authorized|Bad username/i.test(err.message) ? ` (is ${eui} with ${options.secret === undefined ? 'no secret' : 'this secret'} one of its accounts?)` : '';
          reject(new Error(`HAN device ${eui}: ${where} refused the connection: ${err.message}${why}`));
        }
      };
      const onConnect = (): void => {
        client.off('connect', onConnect);
        client.subscribe(subscription, { qos: 0 }, (err, granted) => {
          cleanup();
          if (err) {
            reject(new Error(`HAN device ${eui}: subscription ${subscription} refused by ${where}: ${err.message}`));
            return;
          }
          const refused = (granted ?? []).find((g) => (g.qos & 0x80) !== 0);
          if (refused) {
            reject(new Error(`HAN device ${eui}: subscription ${subscription} refused by ${where}`));
            return;
          }
          resolve();
        });
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        client.off('error', onError);
        client.off('connect', onConnect);
      };
      client.on('error', onError);
      client.on('connect', onConnect);
    });
  } catch (err) {
    closed = true;
    await client.endAsync(true).catch(() => {});
    throw err;
  }

  // The topic of each destination and cluster, whether its frames are counted in flight, and the
  // callback of their publishes (a frame that fails to go out is reported and no longer in flight).
  type SendTo = { topic: string; counted: boolean; published: (err?: Error) => void };
  const sending = new Map<Eui64, Map<number, SendTo>>();
  const sendTo = (dst: Eui64, clusterId: number): SendTo => {
    let byCluster = sending.get(dst);
    if (byCluster === undefined) {
      if (sending.size >= TOPIC_CACHE_MAX) sending.clear();
      sending.set(dst, (byCluster = new Map()));
    }
    let to = byCluster.get(clusterId);
    if (to === undefined) {
      const topic = hanTopic(premises, dst, eui, clusterId);
      const counted = isSimDevice(dst);
      to = {
        topic,
        counted,
        published: (err) => {
          if (!err) return;
          report(new Error(`HAN device ${eui}: publish to ${topic} via ${where} failed (frame lost): ${err.message}`));
          finish(topic, counted);
        },
      };
      byCluster.set(clusterId, to);
    }
    return to;
  };

  const publishJson = (topic: string, model: unknown): void => {
    if (closed) return;
    let text: string;
    try {
      text = JSON.stringify(model);
    } catch (err) {
      report(new Error(`HAN device ${eui}: cannot serialise ${topic}: ${toError(err).message}`));
      return;
    }
    client.publish(topic, text, { qos: 0, retain: true }, (err) => {
      if (err) report(new Error(`HAN device ${eui}: publish to ${topic} via ${where} failed: ${err.message}`));
    });
  };

  const transport: HanDevice = {
    eui,
    premises,
    client,
    get connected() {
      return client.connected;
    },
    observe: {
      state: (model) => publishJson(stateTopic, model),
      screen: (model) => publishJson(screenTopic, model),
    },
    send(dst, clusterId, frame) {
      if (closed) {
        report(new Error(`HAN device ${eui}: send to ${dst} after close (frame dropped)`));
        return;
      }
      const to = sendTo(dst, clusterId);
      const topic = to.topic;
      if (options.drop?.({ src: eui, dst, clusterId, bytes: frame })) {
        counters.dropped++;
        return;
      }
      if (to.counted) inFlight.add(1, topic);
      counters.sent++;
      // A view, not a copy: the frame is the encoder's own array, and both clients copy or write it out.
      client.publish(topic, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), PUBLISH_FRAME, to.published);
    },
    onFrame(handler) {
      handlers.push(handler);
      if (handlers.length === 1 && waiting.length > 0) {
        for (const w of waiting.splice(0)) dispatch(w.topic, w.src, w.clusterId, w.frame, w.counted);
      }
    },
    stats: () => ({ ...counters }),
    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiting.splice(0)) finish(w.topic, w.counted);
      // A clean stop says so itself (the will is only for a connection that breaks).
      if (availability !== null && client.connected) {
        await client.publishAsync(availability, 'offline', { qos: 0, retain: true }).catch((err: unknown) => report(toError(err)));
      }
      // A clean end flushes what is queued, but never waits on it for long: a client whose broker
      // stopped answering (a node of a cluster under load) would otherwise hold its home open for
      // good (seen: ~300 of 10,000 paced homes never closed).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const clean = client.endAsync(false).then(
        () => true,
        (err: unknown) => (report(toError(err)), true),
      );
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)));
      const ended = await Promise.race([clean, late]);
      clearTimeout(timer);
      if (!ended) await client.endAsync(true).catch(() => {});
    },
  };
  return transport;
}

/** The two clients of measureBrokerThroughput: devices at premises `bench` (accounts: throughputAccounts). */
export const THROUGHPUT_EUIS = { publisher: 'BE7C000000000001', subscriber: 'BE7C000000000002' } as const;
const THROUGHPUT_PREMISES = 'bench';
/** Their secrets: the simulator's for seed 0 (a broker measured with them must hold throughputAccounts()). */
const throughputSecret = (eui: string): string => simulatedSecret(0, eui);

/** The accounts a broker needs for measureBrokerThroughput. */
export function throughputAccounts(): Account[] {
  return Object.values(THROUGHPUT_EUIS).map((eui) => deviceAccount({ eui, secret: throughputSecret(eui), premises: THROUGHPUT_PREMISES }));
}

export interface ThroughputOptions {
  /** Frames to send. Default 10000. */
  messages?: number;
  /** Payload size, bytes. Default 64. */
  payloadBytes?: number;
  /** Frames outstanding (sent, not yet received) at most. Default 1000. */
  window?: number;
  /** Give up when nothing arrives for this long, ms. Default 5000. */
  stallTimeoutMs?: number;
}

export interface ThroughputResult {
  messages: number;
  received: number;
  seconds: number;
  messagesPerSecond: number;
}

/**
 * Raw broker throughput with the HAN topic shape: one publisher, one subscriber, QoS 0,
 * `han/bench/{dst}/{src}/0702`, windowed so neither side's buffers grow without bound.
 * Counts end-to-end (first publish to last receipt). The clients log in as THROUGHPUT_EUIS (one
 * measurement at a time per broker: a second would take their sessions over).
 */
export async function measureBrokerThroughput(url: string, options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const messages = options.messages ?? 10_000;
  const payloadBytes = options.payloadBytes ?? 64;
  const window = Math.max(1, options.window ?? 1000);
  const stallTimeoutMs = options.stallTimeoutMs ?? 5000;
  const pubId = THROUGHPUT_EUIS.publisher;
  const subId = THROUGHPUT_EUIS.subscriber;
  const topic = hanTopic(THROUGHPUT_PREMISES, subId, pubId, 0x0702);
  const common: IClientOptions = { protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 5000 };
  const connectOne = (clientId: string): Promise<MqttClient> =>
    new Promise((resolve, reject) => {
      const c = connect(url, { ...common, clientId, username: clientId, password: throughputSecret(clientId) });
      c.once('connect', () => {
        setNoDelay(c);
        c.off('error', reject);
        resolve(c);
      });
      c.once('error', reject);
    });
  const sub = await connectOne(subId);
  let pub: MqttClient | undefined;
  try {
    pub = await connectOne(pubId);
    await sub.subscribeAsync(hanSubscription(THROUGHPUT_PREMISES, subId), { qos: 0 });
    const payload = Buffer.alloc(payloadBytes, 0x5a);
    let sent = 0;
    let received = 0;
    let started = 0;
    let finished = 0;
    await new Promise<void>((resolve) => {
      let stall: ReturnType<typeof setTimeout> | undefined;
      const armStall = (): void => {
        if (stall !== undefined) clearTimeout(stall);
        stall = setTimeout(() => {
          finished = performance.now();
          resolve();
        }, stallTimeoutMs);
      };
      const pump = (): void => {
        while (sent < messages && sent - received < window) {
          sent++;
          pub!.publish(topic, payload, { qos: 0 });
        }
      };
      sub.on('message', () => {
        received++;
        if (received === messages) {
          finished = performance.now();
          if (stall !== undefined) clearTimeout(stall);
          resolve();
          return;
        }
        armStall();
        if (sent - received <= window / 2) pump();
      });
      started = performance.now();
      armStall();
      if (messages === 0) {
        finished = started;
        if (stall !== undefined) clearTimeout(stall);
        resolve();
        return;
      }
      pump();
    });
    const seconds = Math.max(finished - started, 1e-6) / 1000;
    return { messages, received, seconds, messagesPerSecond: received / seconds };
  } finally {
    await Promise.all([sub.endAsync(true).catch(() => {}), pub?.endAsync(true).catch(() => {})]);
  }
}
