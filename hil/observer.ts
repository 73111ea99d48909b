/**
 * What the DUT publishes about itself: its retained `hanlab/{premises}/{device}/state` and
 * `/screen` topics, read by a plain MQTT client as any tool would, logged in as an observer (it
 * may only read `hanlab/#`). A board may publish under its device kind or its EUI; the harness's
 * own devices publish as `harness-…` and are ignored. Only the DUT's account may write its
 * topics (han/identities.ts), so a retained screen there is the DUT's own.
 */
import { connect } from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { HanBus } from '../han/in-process-broker.ts';
import type { ScreenModel } from '../firmware/display/index.ts';
import type { Credentials } from '../han/identities.ts';
import { OBSERVE_ROOT, parseObserveTopic } from '../han/topics.ts';
import type { HilTime } from './clock.ts';
import { realTime } from './clock.ts';

export interface Observed<T> {
  /** Harness ms (`HilTime.now()`) it arrived. */
  wallMs: number;
  value: T;
}

export interface DutObserver {
  screen(): ScreenModel | null;
  state(): Record<string, unknown> | null;
  screens(): readonly Observed<ScreenModel>[];
  states(): readonly Observed<Record<string, unknown>>[];
  /** Resolves at the next publication of either kind (or after `ms`). */
  changed(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function observeDut(url: HanBus, premises: string, names: readonly string[], account: Credentials, time: HilTime = realTime()): Promise<DutObserver> {
  const screens: Observed<ScreenModel>[] = [];
  const states: Observed<Record<string, unknown>>[] = [];
  let wakers: (() => void)[] = [];
  const where = typeof url === 'string' ? url : 'the in-process bus';
  // Client id = username: every broker insists (one harness observer per broker at a time).
  const client: MqttClient =
    typeof url === 'string'
      ? connect(url, { protocolVersion: 4, clientId: account.username, username: account.username, password: account.password, clean: true, reconnectPeriod: 250, connectTimeout: 5000 })
      : (url.connect({ clientId: account.username, username: account.username, password: account.password }) as unknown as MqttClient);
  client.on('error', () => {}); // reconnects by itself; a broker restart is one of the cases
  client.on('message', (topic, payload) => {
    const t = parseObserveTopic(topic);
    if (!t.ok || t.value.premises !== premises || !names.includes(t.value.device)) return;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // a board publishing garbage shows up as "never saw a screen"
    }
    if (typeof value !== 'object' || value === null) return;
    const entry = { wallMs: time.now(), value };
    if (t.value.kind === 'screen') screens.push(entry as Observed<ScreenModel>);
    else states.push(entry as Observed<Record<string, unknown>>);
    const w = wakers;
    wakers = [];
    for (const f of w) f();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`HIL observer: no connection to ${where} within 5 s`)), 5000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      // A refused login does not get better by waiting for the timeout.
      client.on('error', (err) => {
        if (!/Not authorized|Bad username/i.test(err.message)) return;
        clearTimeout(timer);
        reject(new Error(`HIL observer: ${where} refused ${account.username} (${err.message}): does it hold the run's accounts (hanlab hil --print-broker-files)?`));
      });
    });
  } catch (err) {
    await client.endAsync(true).catch(() => {});
    throw err;
  }
  // One filter at a time: the in-process bus takes no list.
  for (const kind of ['state', 'screen']) await client.subscribeAsync(`${OBSERVE_ROOT}/${premises}/+/${kind}`, { qos: 0 });
  return {
    screen: () => screens.at(-1)?.value ?? null,
    state: () => states.at(-1)?.value ?? null,
    screens: () => screens,
    states: () => states,
    changed: (ms) => time.wait(ms, (wake) => wakers.push(wake)),
    close: () => client.endAsync(true),
  };
}
