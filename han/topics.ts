/**
 * MQTT topics of the HAN stand-in (SECMP0015 section 5):
 *
 * - `han/{premises}/{dstEui}/{srcEui}/{clusterId}`: one ZCL frame per message, cluster id as 4
 *   upper-case hex digits; EUI-64s as 16 upper-case hex digits.
 * - `hanlab/{premises}/{device}/state|screen`: observability (JSON, retained).
 * - `hanlab/{premises}/{device}/availability`: `online` / `offline` (retained; `offline` is also
 *   the device connection's MQTT last will), with `hanlab sim --ha-discovery`.
 * - `hanlab/{premises}/han`: every HAN frame of the premises as JSON (not retained), with
 *   `hanlab sim --han-json`.
 * - `glow/{ppmidEui}/SENSOR/gasmeter|STATE`: the PPMID's view in Glow's local JSON (not
 *   retained), with `hanlab sim --glow` (han/glow.ts builds them).
 * - `wan/{premises}/{chEui}/command|response`: the WAN stand-in (GBCS message bytes).
 *
 * Builders throw on bad input (a bug in the caller); parsers return a result with a typed error
 * (a malformed topic is data from the network).
 */
import type { Eui64 } from '../firmware/platform/han.ts';

export const HAN_ROOT = 'han';
export const OBSERVE_ROOT = 'hanlab';
export const WAN_ROOT = 'wan';

export type ObserveKind = 'state' | 'screen';
export type WanKind = 'command' | 'response';

export interface HanTopic {
  premises: string;
  dst: Eui64;
  src: Eui64;
  clusterId: number;
}

export interface ObserveTopic {
  premises: string;
  device: string;
  kind: ObserveKind;
}

export interface WanTopic {
  premises: string;
  chEui: Eui64;
  kind: WanKind;
}

export type TopicErrorCode =
  | 'wrong-root'
  | 'wrong-level-count'
  | 'bad-premises'
  | 'bad-device'
  | 'bad-eui'
  | 'bad-cluster'
  | 'bad-kind';

export class TopicError extends Error {
  override readonly name = 'TopicError';
  constructor(
    readonly code: TopicErrorCode,
    readonly topic: string,
    detail: string,
  ) {
    super(`malformed topic ${JSON.stringify(topic)}: ${detail}`);
  }
}

export type TopicResult<T> = { ok: true; value: T } | { ok: false; error: TopicError };

const EUI_RE = /^[0-9A-F]{16}$/;
const CLUSTER_RE = /^[0-9A-F]{4}$/;

/** 16 upper-case hex digits. */
export function isEui64(value: unknown): value is Eui64 {
  return typeof value === 'string' && EUI_RE.test(value);
}

/**
 * A usable single topic level for premises and device names: non-empty, no `/`, no MQTT
 * wildcards, no NUL, does not start with `$`.
 */
export function isTopicLevel(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    !value.startsWith('$') &&
    !/[/+#\u0000]/.test(value)
  );
}

export function formatClusterId(clusterId: number): string {
  if (!Number.isInteger(clusterId) || clusterId < 0 || clusterId > 0xffff) {
    throw new RangeError(`cluster id must be an integer 0..0xFFFF, got ${clusterId}`);
  }
  return clusterId.toString(16).toUpperCase().padStart(4, '0');
}

function requireLevel(what: string, value: string): void {
  if (!isTopicLevel(value)) throw new TypeError(`${what} is not a usable topic level: ${JSON.stringify(value)}`);
}

function requireEui(what: string, value: string): void {
  if (!isEui64(value)) throw new TypeError(`${what} must be an EUI-64 as 16 upper-case hex digits, got ${JSON.stringify(value)}`);
}

/** `han/{premises}/{dst}/{src}/{cluster}`. */
export function hanTopic(premises: string, dst: Eui64, src: Eui64, clusterId: number): string {
  requireLevel('premises', premises);
  requireEui('dst', dst);
  requireEui('src', src);
  return `${HAN_ROOT}/${premises}/${dst}/${src}/${formatClusterId(clusterId)}`;
}

/** The subscription of device `eui`: `han/{premises}/{eui}/#`. */
export function hanSubscription(premises: string, eui: Eui64): string {
  requireLevel('premises', premises);
  requireEui('eui', eui);
  return `${HAN_ROOT}/${premises}/${eui}/#`;
}

/** `hanlab/{premises}/{device}/{state|screen}`. */
export function observeTopic(premises: string, device: string, kind: ObserveKind): string {
  requireLevel('premises', premises);
  requireLevel('device', device);
  if (kind !== 'state' && kind !== 'screen') throw new TypeError(`observe kind must be state or screen, got ${String(kind)}`);
  return `${OBSERVE_ROOT}/${premises}/${device}/${kind}`;
}

/** `hanlab/{premises}/{device}/availability`: `online` / `offline`, retained (its will says `offline`). */
export function availabilityTopic(premises: string, device: string): string {
  requireLevel('premises', premises);
  requireLevel('device', device);
  return `${OBSERVE_ROOT}/${premises}/${device}/availability`;
}

/** `hanlab/{premises}/han`: the HAN's frames as JSON, for people's MQTT tools (not retained). */
export function hanMirrorTopic(premises: string): string {
  requireLevel('premises', premises);
  return `${OBSERVE_ROOT}/${premises}/han`;
}

/** `wan/{premises}/{chEui}/{command|response}`. */
export function wanTopic(premises: string, chEui: Eui64, kind: WanKind): string {
  requireLevel('premises', premises);
  requireEui('chEui', chEui);
  if (kind !== 'command' && kind !== 'response') throw new TypeError(`wan kind must be command or response, got ${String(kind)}`);
  return `${WAN_ROOT}/${premises}/${chEui}/${kind}`;
}

function fail<T>(code: TopicErrorCode, topic: string, detail: string): TopicResult<T> {
  return { ok: false, error: new TopicError(code, topic, detail) };
}

function levels(topic: string, root: string, count: number): string[] | TopicError {
  if (typeof topic !== 'string') return new TopicError('wrong-root', String(topic), 'not a string');
  const parts = topic.split('/');
  if (parts[0] !== root) return new TopicError('wrong-root', topic, `expected it to start with "${root}/"`);
  if (parts.length !== count) {
    return new TopicError('wrong-level-count', topic, `expected ${count} levels, found ${parts.length}`);
  }
  return parts;
}

export function parseHanTopic(topic: string): TopicResult<HanTopic> {
  const parts = levels(topic, HAN_ROOT, 5);
  if (parts instanceof TopicError) return { ok: false, error: parts };
  const [, premises = '', dst = '', src = '', cluster = ''] = parts;
  if (!isTopicLevel(premises)) return fail('bad-premises', topic, `premises ${JSON.stringify(premises)}`);
  if (!isEui64(dst)) return fail('bad-eui', topic, `destination ${JSON.stringify(dst)} is not 16 upper-case hex digits`);
  if (!isEui64(src)) return fail('bad-eui', topic, `source ${JSON.stringify(src)} is not 16 upper-case hex digits`);
  if (!CLUSTER_RE.test(cluster)) return fail('bad-cluster', topic, `cluster ${JSON.stringify(cluster)} is not 4 upper-case hex digits`);
  return { ok: true, value: { premises, dst, src, clusterId: Number.parseInt(cluster, 16) } };
}

export function parseObserveTopic(topic: string): TopicResult<ObserveTopic> {
  const parts = levels(topic, OBSERVE_ROOT, 4);
  if (parts instanceof TopicError) return { ok: false, error: parts };
  const [, premises = '', device = '', kind = ''] = parts;
  if (!isTopicLevel(premises)) return fail('bad-premises', topic, `premises ${JSON.stringify(premises)}`);
  if (!isTopicLevel(device)) return fail('bad-device', topic, `device ${JSON.stringify(device)}`);
  if (kind !== 'state' && kind !== 'screen') return fail('bad-kind', topic, `expected state or screen, found ${JSON.stringify(kind)}`);
  return { ok: true, value: { premises, device, kind } };
}

export function parseWanTopic(topic: string): TopicResult<WanTopic> {
  const parts = levels(topic, WAN_ROOT, 4);
  if (parts instanceof TopicError) return { ok: false, error: parts };
  const [, premises = '', chEui = '', kind = ''] = parts;
  if (!isTopicLevel(premises)) return fail('bad-premises', topic, `premises ${JSON.stringify(premises)}`);
  if (!isEui64(chEui)) return fail('bad-eui', topic, `comms hub ${JSON.stringify(chEui)} is not 16 upper-case hex digits`);
  if (kind !== 'command' && kind !== 'response') {
    return fail('bad-kind', topic, `expected command or response, found ${JSON.stringify(kind)}`);
  }
  return { ok: true, value: { premises, chEui, kind } };
}

export type AnyTopic =
  | ({ type: 'han' } & HanTopic)
  | ({ type: 'observe' } & ObserveTopic)
  | ({ type: 'wan' } & WanTopic);

/** Any hanlab topic, by its root level. */
export function parseTopic(topic: string): TopicResult<AnyTopic> {
  const root = typeof topic === 'string' ? topic.split('/', 1)[0] : undefined;
  switch (root) {
    case HAN_ROOT: {
      const r = parseHanTopic(topic);
      return r.ok ? { ok: true, value: { type: 'han', ...r.value } } : r;
    }
    case OBSERVE_ROOT: {
      const r = parseObserveTopic(topic);
      return r.ok ? { ok: true, value: { type: 'observe', ...r.value } } : r;
    }
    case WAN_ROOT: {
      const r = parseWanTopic(topic);
      return r.ok ? { ok: true, value: { type: 'wan', ...r.value } } : r;
    }
    default:
      return fail('wrong-root', String(topic), `expected it to start with "${HAN_ROOT}/", "${OBSERVE_ROOT}/" or "${WAN_ROOT}/"`);
  }
}
