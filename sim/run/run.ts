import { VirtualClock } from '../clock/virtual-clock.ts';
import { startEmbeddedBroker } from '../../han/embedded-broker.ts';
import { startInProcessBroker } from '../../han/in-process-broker.ts';
import type { DeviceBus } from '../../han/in-process-broker.ts';
import { InFlight, InFlightTimeoutError } from '../../han/in-flight.ts';
import { HanConnectionLostError } from '../../han/mqtt-han.ts';
import type { Scenario } from '../scenario/schema.ts';
import { startHome } from './home.ts';
import { simulationIdentities, simulationSecret } from './identities.ts';
import { homeVariants } from './variants.ts';
import { simulatedWanCrypto } from '../wan/keys.ts';
import type { DeviceStarters, Home } from './home.ts';
import type { HomeMetrics, TimelineEvent } from './timeline.ts';
import type { MachineRuntime } from '../../firmware/runtime/compact/index.ts';

export interface RunOptions {
  /**
   * Where the HAN runs. Default (or `in-process`): the in-process bus, no broker, no sockets
   * (han/in-process-broker.ts). `embedded`: an embedded Aedes broker on a free port of
   * 127.0.0.1. `mqtt://HOST:PORT`: an external broker, which must hold the run's accounts
   * (identities.ts `simulationIdentities`). The timeline is the same bytes on each.
   */
  broker?: string;
  /** Told the embedded broker's URL once it listens, before the run starts (to watch it). */
  onBroker?(url: string): void;
  /** Stop early at this epoch ms (must lie inside the scenario). */
  until?: number;
  /**
   * Pace virtual time at this many times wall-clock speed (1 = real time, 60 = an hour per wall
   * minute), for watching with an MQTT client. Unset: as fast as the machine goes.
   */
  speed?: number;
  /** The wall clock `speed` paces against (default: performance.now and setTimeout); tests give a fake one. */
  wallClock?: WallClock;
  /** Every timeline event, in order, as it happens. */
  onEvent?(event: TimelineEvent): void;
  /**
   * Fraction of the run done, 0..1, and the virtual time reached (epoch ms), about every 200 wall
   * ms, after the timeline events so far have gone to `onEvent`; last (1, the end) once it is over.
   */
  onProgress?(fraction: number, at: number): void;
  /** Transport trouble (broker gone…): reported here; the run then fails with a clear error. */
  onWarning?(message: string): void;
  /** How devices are started, in every home (default: their machines on `runtime`, in process). */
  start?: DeviceStarters;
  /** What runs the device machines: 'compact' (the default) or 'xstate'; the timeline is the same bytes. */
  runtime?: MachineRuntime;
  /**
   * Publish the devices' state and screen models on the HAN's broker (retained `hanlab/` topics,
   * for watching with an MQTT client). Default true; the timeline is the same without them.
   */
  publishModels?: boolean;
  /**
   * Home Assistant MQTT discovery on the broker (han/ha-discovery.ts): retained sensor configs
   * under `homeassistant/`, each device's availability and last will. Only on a broker (the
   * in-process bus takes no client from outside): refused there. The timeline is the same.
   */
  haDiscovery?: boolean;
  /**
   * The broker is a cluster whose nodes may die (`mqtt://A,mqtt://B,…`, devices failing over):
   * a device's lost connection is a `fault` event (`brokerConnectionLost`), not the end of the
   * run, and frames still in flight after IN_FLIGHT_TIMEOUT_MS are given up as lost to the broker
   * (a `fault` event `brokerLostFrames` naming them) and the run goes on. Off: either ends the
   * run with an error (a lone broker that fails has lost the run's HAN).
   */
  brokerFailover?: boolean;
  /** Mirror each HAN frame as JSON on `hanlab/{premises}/han` (home.ts `hanJson`); only on a broker. */
  hanJson?: boolean;
  /** Each PPMID's view in Glow's local JSON layout on `glow/{eui}/…` (home.ts `glow`); only on a broker. */
  glow?: boolean;
}

/** Wall time for pacing a run: now in ms, and a wait of ms. */
export interface WallClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realWallClock: WallClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface HomeResult {
  label: string;
  /** Its premises on the HAN (its topics `han/{premises}/…`, `hanlab/{premises}/…`): where to watch it. */
  premises: string;
  firmware: { gsme: string; gpf: string; ppmid: string; changeTimeFallback: boolean };
  metrics: HomeMetrics;
}

export interface RunResult {
  scenario: string;
  seed: number;
  start: number;
  end: number;
  homes: HomeResult[];
}

/** Timer ranks of one home: its three devices and its world (see home.ts). */
const RANKS_PER_HOME = 4;

/** Wall ms between the run's turns of the event loop (see settle). */
const YIELD_EVERY_MS = 50;

/** The HAN frames of one home never wait longer than this on loopback; past it something is lost. */
const IN_FLIGHT_TIMEOUT_MS = 10_000;

/** With brokerFailover, how many settles in a row may give frames up before the run fails. */
const MAX_GIVE_UPS = 3;

/** With brokerFailover, a device's first connection may wait this long (a NATS cluster re-electing). */
const FAILOVER_CONNECT_MS = 30_000;

/**
 * Runs a scenario: every home (the scenario itself, and with `compare` one per firmware
 * combination) on one HAN (the in-process bus or a broker), in one virtual time that moves to
 * the next timer only when every HAN frame in flight has been delivered and handled. Same
 * scenario and seed, same timeline.
 */
export async function runSimulation(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const end = Math.min(options.until ?? scenario.end, scenario.end);
  const speed = options.speed;
  if (speed !== undefined && !(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  const wallClock = options.wallClock ?? realWallClock;
  const kind = options.broker ?? 'in-process';
  const haDiscovery = options.haDiscovery === true;
  if (haDiscovery && kind === 'in-process') throw new Error('Home Assistant discovery needs a broker (embedded or a URL), not the in-process bus');
  const hanJson = options.hanJson === true;
  if (hanJson && kind === 'in-process') throw new Error('the HAN JSON mirror needs a broker (embedded or a URL), not the in-process bus');
  const glow = options.glow === true;
  if (glow && kind === 'in-process') throw new Error("Glow's local JSON needs a broker (embedded or a URL), not the in-process bus");
  const identities = simulationIdentities(scenario, [], { haDiscovery, hanJson, glow });
  let url: DeviceBus = kind;
  let broker: { close(): Promise<void> } | null = null;
  if (kind === 'in-process') {
    url = startInProcessBroker({ identities });
    broker = url;
  } else if (kind === 'embedded') {
    const embedded = await startEmbeddedBroker({ identities });
    broker = embedded;
    // The devices over in-memory links (same packets and rules, no loopback socket); anyone
    // watching connects to the URL.
    url = embedded;
    options.onBroker?.(embedded.url);
  }
  const clock = new VirtualClock(scenario.start);
  const inFlight = new InFlight({ timeoutMs: IN_FLIGHT_TIMEOUT_MS });
  let transportError: Error | null = null;
  const variants = homeVariants(scenario);
  const failover = options.brokerFailover === true && kind !== 'in-process' && kind !== 'embedded';
  // Whose device an EUI is, and which home premises is whose, for the failover's fault events.
  const deviceOf = new Map(variants.flatMap((v) => (['gsme', 'gpf', 'ppmid'] as const).map((role) => [v.scenario.devices[role].eui, { home: v.label, device: role }] as const)));
  const homeOfPremises = new Map(variants.map((v) => [v.premises, v.label]));
  const onError = (err: Error) => {
    options.onWarning?.(err.message);
    const who = err instanceof HanConnectionLostError ? deviceOf.get(err.eui) : undefined;
    if (failover && who !== undefined) buffered.push({ t: clock.now(), home: who.home, kind: 'fault', fault: 'brokerConnectionLost', device: who.device, detail: err.message });
    else transportError ??= err;
  };

  const homes: Home[] = [];
  const crypto = simulatedWanCrypto(scenario.seed, variants.map((v) => v.scenario.devices.gsme.eui));
  // Homes run side by side (one timer of each per settle); their events are put back in home
  // order after every settle, so the timeline is the same whatever order the broker delivered in.
  const homeIndex = new Map(variants.map((v, i) => [v.label, i]));
  let buffered: TimelineEvent[] = [];
  let givenUp = 0;
  const flush = () => {
    if (buffered.length === 0) return;
    const batch = buffered;
    buffered = [];
    if (!options.onEvent) return;
    if (variants.length === 1) {
      for (const e of batch) options.onEvent(e);
      return;
    }
    const sorted = batch.map((e, i) => [homeIndex.get(e.home)!, i, e] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [, , e] of sorted) options.onEvent(e);
  };
  try {
    for (const [i, v] of variants.entries()) {
      homes.push(
        await startHome({
          scenario: v.scenario,
          label: v.label,
          premises: v.premises,
          brokerUrl: url,
          // A cluster that lost a node elects JetStream's leader again before it takes MQTT logins.
          ...(failover ? { connectTimeoutMs: FAILOVER_CONNECT_MS } : {}),
          secretFor: (username) => simulationSecret(scenario, username),
          clock,
          inFlight,
          rank: i * RANKS_PER_HOME + 1,
          crypto,
          record: (e) => buffered.push(e),
          onError,
          ...(options.start ? { start: options.start } : {}),
          ...(options.runtime ? { runtime: options.runtime } : {}),
          ...(options.publishModels === false ? { publishModels: false } : {}),
          ...(haDiscovery ? { haDiscovery } : {}),
          ...(hanJson ? { hanJson } : {}),
          ...(glow ? { glow } : {}),
        }),
      );
    }

    const wallStart = performance.now();
    const paceStart = wallClock.now();
    // Virtual ms since the start, as the wall ms at which it is due at `speed`.
    const paceUntil = async (at: number) => {
      const wait = paceStart + (at - scenario.start) / speed! - wallClock.now();
      if (wait > 0) await wallClock.sleep(wait);
    };
    let lastProgress = 0;
    let lastYield = wallStart;
    const settle = async () => {
      try {
        await inFlight.whenIdle();
        givenUp = 0;
      } catch (err) {
        if (!failover || !(err instanceof InFlightTimeoutError)) throw err;
        // A broker node died with frames on it: recorded as lost, per home, and the run goes on.
        if (++givenUp > MAX_GIVE_UPS) throw new Error(`HAN transport failed: frames still lost after ${MAX_GIVE_UPS} waits of ${IN_FLIGHT_TIMEOUT_MS / 1000} s (no broker node left?): ${err.message}`);
        const lost = new Map<string, string[]>();
        const abandoned = inFlight.abandon();
        for (const h of homes) h.abandonFrames();
        for (const [topic, n] of abandoned) {
          const home = homeOfPremises.get(topic.split('/')[1] ?? '') ?? variants[0]!.label;
          for (let i = 0; i < n; i++) lost.set(home, [...(lost.get(home) ?? []), topic]);
        }
        for (const [home, topics] of lost) buffered.push({ t: clock.now(), home, kind: 'fault', fault: 'brokerLostFrames', frames: topics.length, topics });
      }
      if (transportError) throw new Error(`HAN transport failed: ${transportError.message}`);
      flush();
      const wall = performance.now();
      if (wall - lastYield > YIELD_EVERY_MS) {
        // The in-process bus runs on microtasks: let the event loop write output, draw the
        // progress bar and take signals now and then (nothing is in flight, so nothing changes).
        lastYield = wall;
        await new Promise((r) => setImmediate(r));
      }
      if (options.onProgress && wall - lastProgress > 200) {
        lastProgress = wall;
        options.onProgress((clock.now() - scenario.start) / (end - scenario.start), clock.now());
      }
      if (speed !== undefined) {
        const next = clock.nextDue();
        if (next !== undefined && next <= end) await paceUntil(next);
      }
    };
    // One home is one group: a timer at a time.
    await clock.run(end, settle, variants.length > 1 ? { group: (rank) => Math.floor((rank - 1) / RANKS_PER_HOME) } : {});
    flush();
    if (speed !== undefined) await paceUntil(end);
    options.onProgress?.(1, end);

    return {
      scenario: scenario.name,
      seed: scenario.seed,
      start: scenario.start,
      end,
      homes: homes.map((h, i) => {
        const d = variants[i]!.scenario.devices;
        return {
          label: h.label,
          premises: variants[i]!.premises,
          firmware: { gsme: d.gsme.firmware, gpf: d.gpf.firmware, ppmid: d.ppmid.firmware, changeTimeFallback: d.ppmid.changeTimeFallback },
          metrics: h.metrics(),
        };
      }),
    };
  } finally {
    await Promise.allSettled(homes.map((h) => h.close()));
    await broker?.close();
  }
}

