import type { ScreenModel } from '../../firmware/display/index.ts';
import { classifyMinute, isCreditMisleading, isSupplyMisleading } from '../../firmware/display/index.ts';
import type { MeterTruth, MinuteClass } from '../../firmware/display/index.ts';
import { CreditStatusBit } from '../../firmware/zcl/clusters/prepayment.ts';
import { gpfMachine, gsmeMachine, gsmeSummary, ppmidMachine, resolveGsmeConfig } from '../../firmware/machines/index.ts';
import type { GsmeContext } from '../../firmware/machines/index.ts';

import type { Eui64, Platform, Storage } from '../../firmware/platform/index.ts';
import { startDevice } from '../../firmware/runtime/device.ts';
import type { RunningDevice } from '../../firmware/runtime/device.ts';
import type { MachineRuntime } from '../../firmware/runtime/compact/index.ts';
import { decodeZclFrame } from '../../firmware/zcl/index.ts';
import { clusterName } from '../../firmware/zcl/clusters/index.ts';
import type { AnyEventObject } from 'xstate';
import type { GbcsCrypto } from '../../firmware/gbcs/security.ts';
import { attachHubWan } from '../wan/hub.ts';
import { supplierClientId } from '../wan/parties.ts';
import { startSupplier, SUPPLIER_RESPONSE_TIMEOUT_MS } from '../wan/supplier.ts';
import { DEFAULT_PLAN_SEED, wanCoverageFrom } from '../../dcc/coverage.ts';
import { createUtrnIssuer, simulatedTopUpKey } from '../wan/utrn-issuer.ts';
import { createDeviceClock } from '../clock/device-clock.ts';
import { createDeliveryOrder } from './delivery-order.ts';
import type { SimDeviceClock } from '../clock/device-clock.ts';
import type { VirtualClock } from '../clock/virtual-clock.ts';
import type { InFlight } from '../../han/in-flight.ts';
import { connectHanDevice } from '../../han/mqtt-han.ts';
import type { HanDevice } from '../../han/mqtt-han.ts';
import type { DeviceBus } from '../../han/in-process-broker.ts';
import { haDiscoveryConfigs } from '../../han/ha-discovery.ts';
import { hanMirrorTopic } from '../../han/topics.ts';
import { formatTime } from '../scenario/schema.ts';
import type { Scenario } from '../scenario/schema.ts';
import { gasFlowForMinute, MINUTE_MS } from '../world/consumption.ts';
import { createFaultModel } from '../world/faults.ts';
import { createPrng } from '../world/prng.ts';
import { gpfInput, gsmeInput, ppmidInput } from './devices.ts';
import { createGlowPublisher } from './glow.ts';
import type { GlowPublisher } from './glow.ts';
import type { HomeMetrics, TimelineBody, TimelineEvent } from './timeline.ts';

export type DeviceRole = 'gsme' | 'gpf' | 'ppmid';

/**
 * The simulator's machines run on the compact interpreter unless told otherwise: the same timeline
 * byte for byte as on XState (test/sim-runtime.test.ts), in a fraction of the time.
 */
export const DEFAULT_SIM_RUNTIME: MachineRuntime = 'compact';
const ROLES: readonly DeviceRole[] = ['gsme', 'gpf', 'ppmid'];

export interface HomeOptions {
  scenario: Scenario;
  /** The row label in the summary ('scenario' for the scenario as written). */
  label: string;
  premises: string;
  /** A broker URL, or the in-process bus. */
  brokerUrl: DeviceBus;
  /** How long a device waits for its first connection (default connectHanDevice's 5 s). */
  connectTimeoutMs?: number;
  /** The broker password of each of the home's accounts (its devices' EUIs, the hub's WAN side, the supplier). */
  secretFor(username: string): string;
  clock: VirtualClock;
  inFlight: InFlight;
  /** First timer rank of this home: its devices take rank, rank+1, rank+2 and its world rank+3. */
  rank: number;
  /** Key agreement for the WAN (supplier, Access Control Broker, each home's GSME). */
  crypto: GbcsCrypto;
  record(event: TimelineEvent): void;
  onError(err: Error): void;
  /** How a device is started (default: its machine on `runtime`, in this process). */
  start?: DeviceStarters;
  /** What runs the machines a `start` does not cover (default 'compact'; the timeline is the same on both). */
  runtime?: MachineRuntime;
  /**
   * Publish each device's state and screen models (retained `hanlab/{premises}/{device}/…`), as
   * the devices do on a real HAN. Default true; false where nobody can read them (no timeline
   * line depends on them).
   */
  publishModels?: boolean;
  /**
   * Home Assistant MQTT discovery (han/ha-discovery.ts): each device's connection publishes its
   * `availability` (online, offline, and offline as its last will) and the PPMID and GSME their
   * retained sensor configs. Default false; the timeline is the same with it.
   */
  haDiscovery?: boolean;
  /**
   * Mirror every HAN frame that goes out (not those the HAN loses) as JSON on
   * `hanlab/{premises}/han` (not retained), from the sending device's connection. Default false;
   * the timeline is the same with it.
   */
  hanJson?: boolean;
  /**
   * The PPMID's view in Hildebrand Glow's local JSON layout (han/glow.ts, sim/run/glow.ts), from
   * its own connection, not retained. Default false; the timeline is the same with it.
   */
  glow?: boolean;
}

/** Starts one device on the platform the home made for it (e.g. on an emulated board). */
export type DeviceStarter = (platform: Platform, input: Record<string, unknown>) => RunningDevice;
export type DeviceStarters = Partial<Record<DeviceRole, DeviceStarter>>;

export interface Home {
  readonly label: string;
  readonly premises: string;
  readonly devices: Readonly<Record<DeviceRole, RunningDevice>>;
  readonly transports: Readonly<Record<DeviceRole, HanDevice>>;
  metrics(): HomeMetrics;
  /** The screen model the PPMID shows now (null before its first screen). */
  screen(): ScreenModel | null;
  trueCreditPounds(): number | null;
  /** The frames in flight were given up as lost (a broker node died): stop waiting for them. */
  abandonFrames(): void;
  close(): Promise<void>;
}

/**
 * One simulated prepayment home: GSME, GPF and PPMID machines, each on its own MQTT connection,
 * driven by the shared virtual clock, plus the physical world around them (gas flowing every
 * minute, the customer's buttons, link outages and clock faults) and the core metric sampled
 * every simulated minute.
 */
export async function startHome(o: HomeOptions): Promise<Home> {
  const s = o.scenario;
  // Every comparison home draws the same world (gas flow, losses, wake jitter) from the seed:
  // only the firmware differs, so differences in the metric are the firmware's doing.
  const rng = createPrng(s.seed, 'home');
  const faults = createFaultModel(s, rng.fork('faults'));
  const flows = rng.fork('consumption');
  const seedFor = (role: DeviceRole) => rng.fork(`device:${role}`).int(1, 0x7fffffff);
  const euis: Record<DeviceRole, Eui64> = { gsme: s.devices.gsme.eui, gpf: s.devices.gpf.eui, ppmid: s.devices.ppmid.eui };
  const roleOf = (eui: Eui64): DeviceRole | 'other' => ROLES.find((r) => euis[r] === eui) ?? 'other';
  const at = () => o.clock.now();
  const rec = (e: TimelineBody) => o.record({ t: at(), home: o.label, ...e });

  const clocks: Record<DeviceRole, SimDeviceClock> = {
    gsme: createDeviceClock(o.clock, { offsetMs: s.devices.gsme.clock.offset, driftPpm: s.devices.gsme.clock.driftPpm }),
    gpf: createDeviceClock(o.clock),
    ppmid: createDeviceClock(o.clock),
  };

  const transports = {} as Record<DeviceRole, HanDevice>;
  try {
    for (const role of ROLES) {
      transports[role] = await connectHanDevice({
        url: o.brokerUrl,
        ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
        premises: o.premises,
        eui: euis[role],
        secret: o.secretFor(euis[role]),
        device: role,
        ...(o.haDiscovery === true
          ? { availability: true, announce: role === 'gpf' ? [] : haDiscoveryConfigs({ premises: o.premises, device: role, eui: euis[role], firmware: s.devices[role].firmware }) }
          : {}),
        inFlight: o.inFlight,
        isSimDevice: (eui) => roleOf(eui) !== 'other',
        onError: o.onError,
        // Only a replayed (retained) or oversized frame gets here: it shows in the timeline as the
        // device's own warning (a normal run has none, so timelines stay the same).
        log: { warn: (message, data) => rec({ kind: 'log', device: role, level: 'warn', message, ...(data ? { data } : {}) }) },
      });
    }
  } catch (err) {
    // A device that cannot get on the HAN ends the home: the ones already on it leave it too
    // (left connected, they kept a fleet worker alive after its run had failed).
    await Promise.allSettled(Object.values(transports).map((t) => t.close()));
    throw err;
  }

  // Each device's non-volatile memory: kept across a power cut (a `power` fault), in memory.
  const storages = {} as Record<DeviceRole, Storage>;
  for (const role of ROLES) {
    const kept = new Map<string, string>();
    storages[role] = { read: (k) => kept.get(k) ?? null, write: (k, v) => void kept.set(k, v) };
  }
  // Frames reach a device only while it is powered (one handler per transport, the current run's).
  const powered: Record<DeviceRole, boolean> = { gsme: true, gpf: true, ppmid: true };
  const frameHandlers: Partial<Record<DeviceRole, Parameters<HanDevice['onFrame']>[0]>> = {};
  // Handed over in the order they were sent, whichever connection the broker used first.
  const order = createDeliveryOrder();
  for (const role of ROLES) transports[role].onFrame((src, clusterId, bytes) => {
    order.arrived(channel(euis[role], src, clusterId), () => {
      const h = frameHandlers[role];
      if (powered[role] && h) h(src, clusterId, bytes);
    });
  });

  let screen: ScreenModel | null = null;
  const publishModels = o.publishModels !== false;
  const mirror = o.hanJson === true ? hanMirrorTopic(o.premises) : null;
  // Made once the devices' inputs are (the GSME's configuration): before any device starts.
  let glow: GlowPublisher | null = null;
  const platformFor = (role: DeviceRole, rank: number): Platform => {
    const t = transports[role];
    return {
      storage: storages[role],
      clock: clocks[role],
      timers: o.clock.forDevice(rank),
      han: {
        // Loss is decided here, once per frame, so the timeline records exactly what the HAN lost.
        send: (dst, clusterId, bytes) => {
          const lost = faults.drop({ src: euis[role], dst, atMs: at() });
          o.record(hanEvent(at(), o.label, role, roleOf(dst), clusterId, bytes, lost));
          if (!lost) {
            if (roleOf(dst) !== 'other') order.sent(channel(dst, euis[role], clusterId));
            t.send(dst, clusterId, bytes);
            if (mirror !== null) t.client.publish(mirror, hanFrameJson(at(), role, roleOf(dst), euis[role], dst, clusterId, bytes), MIRROR_PUBLISH);
          }
        },
        onFrame: (h) => void (frameHandlers[role] = h),
      },
      observe: {
        state: (model) => {
          if (publishModels) t.observe.state(model);
          if (role === 'ppmid') glow?.state(model);
        },
        screen: (model) => {
          screen = model as ScreenModel;
          if (publishModels) t.observe.screen(model);
          rec({ kind: 'screen', screen, trueCredit: trueCredit() });
          glow?.screen(screen);
        },
      },
      log: {
        info: (message, data) => rec({ kind: 'log', device: role, level: 'info', message, ...(data ? { data } : {}) }),
        warn: (message, data) => rec({ kind: 'log', device: role, level: 'warn', message, ...(data ? { data } : {}) }),
      },
    };
  };

  // Devices power up one at a time, each in its own step of the run, so their start-up traffic
  // is in lockstep like everything else: the GPF first (it must be listening), then the GSME (the
  // truth exists before the PPMID draws its first screen), then the PPMID.
  const world = o.clock.forDevice(o.rank + 3);
  const devices = {} as Record<DeviceRole, RunningDevice>;
  const inputs = { gsme: gsmeInput(s, seedFor('gsme')), gpf: gpfInput(s, seedFor('gpf')), ppmid: ppmidInput(s, seedFor('ppmid')) };
  if (o.glow === true) {
    glow = createGlowPublisher({
      eui: euis.ppmid,
      firmware: s.devices.ppmid.firmware,
      mprn: s.mprn,
      meter: resolveGsmeConfig(inputs.gsme.config),
      ppmidContext: () => devices.ppmid.snapshot().context,
      ppmidClock: () => clocks.ppmid.now(),
      publish: (topic, payload) => void transports.ppmid.client.publish(topic, payload, GLOW_PUBLISH),
    });
  }
  const onGpf: [string, (e: AnyEventObject) => void][] = [];
  const machines = { gsme: gsmeMachine, gpf: gpfMachine, ppmid: ppmidMachine };
  const ranks: Record<DeviceRole, number> = { gsme: o.rank, gpf: o.rank + 1, ppmid: o.rank + 2 };
  // Listeners the world keeps on a device: attached again when it restarts after a power cut.
  const listeners: Record<DeviceRole, [string, (e: AnyEventObject) => void][]> = { gsme: [], gpf: onGpf, ppmid: [] };
  const listen = (role: DeviceRole, type: string, h: (e: AnyEventObject) => void) => {
    listeners[role].push([type, h]);
    devices[role]?.on(type, h);
  };
  const start = (role: DeviceRole): void => {
    const platform = platformFor(role, ranks[role]);
    const starter = o.start?.[role];
    devices[role] = starter ? starter(platform, inputs[role]) : startDevice(machines[role], platform, inputs[role], o.runtime ?? DEFAULT_SIM_RUNTIME);
    for (const [t, h] of listeners[role]) devices[role].on(t, h);
  };
  world.setTimeout(() => start('gpf'), 0);
  world.setTimeout(() => start('gsme'), 0);
  world.setTimeout(() => start('ppmid'), 0);

  // The meter's summary is read several times a simulated minute (the metric, each screen's true
  // credit, the reactive customer): worked out again only for a new context (a machine replaces
  // its context when anything in it changes, and never changes one in place once it is out).
  let summarised: { context: unknown; summary: ReturnType<typeof gsmeSummary> } | null = null;
  function gsmeState(): ReturnType<typeof gsmeSummary> {
    const context = devices.gsme.snapshot().context;
    if (summarised === null || summarised.context !== context) summarised = { context, summary: gsmeSummary(context as GsmeContext) };
    return summarised.summary;
  }
  function truth(): MeterTruth | null {
    if (!devices.gsme) return null;
    const g = gsmeState();
    if (typeof g.creditGbp !== 'number') return null;
    const status = typeof g.creditStatus === 'number' ? g.creditStatus : 0;
    return { credit: g.creditGbp, supply: g.supply as MeterTruth['supply'], onEmergencyCredit: (status & CreditStatusBit.emergencyCreditInUse) !== 0 };
  }
  function trueCredit(): number | null {
    return truth()?.credit ?? null;
  }

  // --- the world, on its own timer rank ---
  const metrics: HomeMetrics = {
    minutes: 0,
    creditMisleadingMinutes: 0,
    supplyMisleadingMinutes: 0,
    misledMinutes: 0,
    falseAlarmMinutes: 0,
    shownMinutes: { fresh: 0, late: 0, stale: 0, unknown: 0, clockProblem: 0, hanLost: 0, noData: 0 },
  };
  let lastMinute = s.start;
  let lastClass: MinuteClass | null = null;
  const everyMinute = () => {
    // The minute starting now is judged by the screen and the truth at its start; the timeline
    // gets a line whenever that judgement changes, so its periods add up to the summary.
    const t = truth();
    if (screen && t !== null) {
      const c = classifyMinute(screen, t, s.metric.tolerance);
      metrics.minutes++;
      if (isCreditMisleading(c)) metrics.creditMisleadingMinutes++;
      if (isSupplyMisleading(c)) metrics.supplyMisleadingMinutes++;
      if (isCreditMisleading(c) || isSupplyMisleading(c)) metrics.misledMinutes++;
      if (c === 'falseAlarm') metrics.falseAlarmMinutes++;
      metrics.shownMinutes[screen.freshness]++;
      if (c !== lastClass) {
        rec({ kind: 'metric', minute: c, shownCredit: screen.credit, shownSupply: screen.supply, trueCredit: t.credit, trueSupply: t.supply, trueOnEmergencyCredit: t.onEmergencyCredit });
      }
      lastClass = c;
    }
    if (at() > lastMinute) devices.gsme.send({ type: 'GAS_FLOW', volumeM3: gasFlowForMinute(s, lastMinute, flows) });
    lastMinute = at();
    if (at() + MINUTE_MS < s.end) world.setTimeout(everyMinute, MINUTE_MS);
  };
  world.setTimeout(everyMinute, 0);

  const atTime = (t: number, fn: () => void) => world.setTimeout(fn, Math.max(0, t - at()));
  // The supplier issues a UTRN for a top-up with an amount (in time order: counters go up); a
  // literal `utrn` is keyed in as written (a reused or forged code).
  const issuer = createUtrnIssuer((eui) => simulatedTopUpKey(s.seed, eui));
  for (const u of s.topUps) {
    atTime(u.at, () => {
      const utrn = u.utrn ?? issuer.issue(s.devices.gsme.eui, u.amount!);
      rec({ kind: 'customer', action: 'topUp', via: u.via, ...(u.amount !== undefined ? { amount: u.amount } : {}), utrn });
      if (u.via === 'ppmid') devices.ppmid.send({ type: 'BUTTON', action: 'topUp', utrn });
      else devices.gsme.send({ type: 'METER_BUTTON', action: 'topUp', utrn });
    });
  }
  const press = (action: 'activateEc' | 'enableSupply', via: 'ppmid' | 'meter') => {
    rec({ kind: 'customer', action, via });
    if (via === 'ppmid' && action === 'activateEc') devices.ppmid.send({ type: 'BUTTON', action });
    else devices.gsme.send({ type: 'METER_BUTTON', action });
  };
  for (const c of s.customer) atTime(c.at, () => press(c.action, c.via));
  for (const out of s.outages) {
    atTime(out.start, () => rec({ kind: 'fault', fault: 'outage', phase: 'start', link: out.link, direction: out.direction, loss: out.loss }));
    atTime(out.end, () => rec({ kind: 'fault', fault: 'outage', phase: 'end', link: out.link, direction: out.direction, loss: out.loss }));
  }
  // A power cut: the device stops (no frames in or out, its timers gone, what it was told is
  // lost) and, `for` later, starts cold from its storage with the same EUI, config and seed.
  for (const cut of s.power) {
    atTime(cut.at, () => {
      rec({ kind: 'fault', fault: 'power', phase: 'off', device: cut.device, forMs: cut.for });
      const off = devices[cut.device];
      const last = off.snapshot();
      powered[cut.device] = false;
      frameHandlers[cut.device] = undefined;
      off.stop();
      // Off: the world's events go nowhere; the meter's truth is what it was at the cut.
      devices[cut.device] = { send: () => {}, snapshot: () => last, on: () => {}, stop: () => {} };
    });
    atTime(cut.end, () => {
      rec({ kind: 'fault', fault: 'power', phase: 'on', device: cut.device });
      powered[cut.device] = true;
      start(cut.device);
    });
  }
  for (const f of s.clockFaults) {
    atTime(f.at, () => {
      rec({ kind: 'fault', fault: `clock-${f.kind}`, device: f.device, ...(f.kind === 'jump' ? { offsetMs: f.offset } : f.kind === 'drift' ? { driftPpm: f.driftPpm } : {}) });
      if (f.kind === 'jump') clocks[f.device].jump(f.offset);
      else if (f.kind === 'drift') clocks[f.device].driftAt(at(), f.driftPpm);
      else if (f.device === 'gsme') devices.gsme.send({ type: 'CLOCK_FAULT', unsynchronised: true });
    });
  }

  // The reactive customer: acts on what the meter itself shows (the truth), after a delay.
  const auto = s.autoCustomer;
  let autoPending: 'enableSupply' | 'activateEc' | null = null;
  world.setTimeout(() => listen('gsme', 'state', () => {
    if (autoPending) return;
    const g = gsmeState();
    const flags = g.creditStatusFlags as string[];
    let action: 'enableSupply' | 'activateEc' | null = null;
    if (auto.enableSupplyWhenArmed && g.supply === 'armed') action = 'enableSupply';
    else if (auto.activateEcWhenAvailable && flags.includes('ecAvailable') && !flags.includes('ecSelected')) action = 'activateEc';
    if (!action) return;
    autoPending = action;
    world.setTimeout(() => {
      autoPending = null;
      press(action, action === 'enableSupply' ? 'meter' : 'ppmid');
    }, auto.reactionDelay);
  }), 0);

  // The DCC's inventory: the home's devices' SMI state changes within the run (history before
  // the start is how the SMI finds them; `hanlab sim --dxi` applies both to a database).
  const smiFrom: Record<'gsme' | 'gpf', string> = { gsme: 'Pending', gpf: 'Pending' };
  for (const e of s.smi) {
    const from = smiFrom[e.device];
    smiFrom[e.device] = e.state;
    if (e.at < s.start) continue;
    atTime(e.at, () => rec({ kind: 'smi', device: e.device, eui: euis[e.device], from, state: e.state, mprn: s.mprn }));
  }

  // SM WAN coverage (DP146): with a postcode, the comms hub has a WAN only from the day the CSP's
  // plan covers it (UTC calendar days); without one, always.
  const coveredFrom = s.postcode === undefined ? undefined : wanCoverageFrom(DEFAULT_PLAN_SEED, s.postcode);
  const coveredAt = (t: number) => coveredFrom === undefined || (coveredFrom !== null && new Date(t).toISOString().slice(0, 10) >= coveredFrom);
  if (s.postcode !== undefined && coveredFrom !== null && coveredFrom !== undefined) {
    const from = Date.parse(`${coveredFrom}T00:00:00Z`);
    if (from > s.start && from <= s.end) atTime(from, () => rec({ kind: 'coverage', postcode: s.postcode!, from: coveredFrom }));
  }
  const noCoverage = () => `no WAN coverage at ${s.postcode} ${coveredFrom ? `until ${coveredFrom}` : '(the CSP has no plan for it)'}`;

  // The supplier and the comms hub's WAN side, when the scenario has service requests.
  let wan: { close(): Promise<void> }[] = [];
  if (s.serviceRequests.length > 0) {
    const hub = await attachHubWan({
      url: o.brokerUrl,
      premises: o.premises,
      hubEui: euis.gpf,
      secret: o.secretFor(euis.gpf),
      gpf: { send: (e) => devices.gpf.send(e), on: (t, h) => onGpf.push([t, h]), snapshot: () => devices.gpf.snapshot(), stop: () => {} },
      crypto: o.crypto,
      inFlight: o.inFlight,
      log: { info: (message, data) => rec({ kind: 'log', device: 'gpf', level: 'info', message, ...(data ? { data } : {}) }), warn: (message, data) => rec({ kind: 'log', device: 'gpf', level: 'warn', message, ...(data ? { data } : {}) }) },
    });
    const supplier = await startSupplier({
      url: o.brokerUrl,
      premises: o.premises,
      hubEui: euis.gpf,
      deviceEui: euis.gsme,
      crypto: o.crypto,
      password: o.secretFor(supplierClientId(o.premises)),
      inFlight: o.inFlight,
      onCommand: (useCase, counter) => rec({ kind: 'wan', direction: 'command', useCase, detail: { counter: String(counter) } }),
      onResponse: (p) => rec({ kind: 'wan', direction: 'response', useCase: p.useCase, detail: { counter: p.counter, dateTime: p.dateTime, timeStatus: p.timeStatus, mac: p.mac, components: p.components } }),
    });
    for (const r of s.serviceRequests) {
      atTime(r.at, () => {
        if (coveredAt(at())) {
          supplier.request(r.useCase);
          return;
        }
        // No SM WAN at the premises: the request never reaches the hub, and the supplier gives up.
        const counter = String(supplier.unreachable(r.useCase));
        const reason = noCoverage();
        world.setTimeout(() => rec({ kind: 'wan', direction: 'timeout', useCase: r.useCase, detail: { counter, waitedMs: SUPPLIER_RESPONSE_TIMEOUT_MS, reason } }), SUPPLIER_RESPONSE_TIMEOUT_MS);
      });
    }
    wan = [hub, supplier];
  }

  return {
    label: o.label,
    premises: o.premises,
    devices,
    transports,
    metrics: () => ({ ...metrics }),
    screen: () => screen,
    trueCreditPounds: trueCredit,
    abandonFrames: () => order.abandon(),
    async close() {
      await Promise.all(wan.map((w) => w.close()));
      for (const role of ROLES) devices[role]?.stop();
      await Promise.all(ROLES.map((r) => transports[r].close()));
    },
  };
}

/** A frame's channel for the delivery order: its topic's destination, source and cluster. */
function channel(dst: Eui64, src: Eui64, clusterId: number): string {
  return `${dst}/${src}/${clusterId}`;
}

/** The timeline event of a frame sent. */

function hanEvent(t: number, home: string, from: DeviceRole, to: DeviceRole | 'other', clusterId: number, bytes: Uint8Array, lost: boolean): TimelineEvent {
  const e: TimelineEvent & { kind: 'han' } = { t, home, kind: 'han', from, to, cluster: clusterName(clusterId), bytes: bytes.length, command: frameLine(bytes) };
  if (lost) e.lost = true;
  return e;
}

/** The --han-json mirror's publishes: QoS 0, never retained (a frame is an event, not a state). */
const MIRROR_PUBLISH = { qos: 0, retain: false } as const;

/** --glow's publishes: QoS 0, not retained, as a Glow device's own. */
const GLOW_PUBLISH = { qos: 0, retain: false } as const;

/**
 * A HAN frame as `hanlab/{premises}/han` carries it: when (virtual UTC), who to whom (role and
 * EUI), the cluster (id as 4 hex digits, and name), the timeline's one-line description, the
 * decoded ZCL frame (header and command, attribute values as decoded; byte strings as hex) and
 * the frame's bytes in hex.
 */
export function hanFrameJson(t: number, from: DeviceRole, to: DeviceRole | 'other', src: Eui64, dst: Eui64, clusterId: number, bytes: Uint8Array): string {
  let zcl: unknown = null;
  try {
    zcl = decodeZclFrame(bytes);
  } catch {
    // A frame the decoder refuses is still mirrored: its bytes say what it was.
  }
  const hex = (b: Uint8Array) => Array.from(b, (x) => hex2(x)).join('');
  return JSON.stringify(
    { t: formatTime(t), from, to, src, dst, clusterId: hex4(clusterId), cluster: clusterName(clusterId), command: frameLine(bytes), zcl, hex: hex(bytes) },
    (_key, value: unknown) => (value instanceof Uint8Array ? hex(value) : value),
  );
}

/** describeFrame of frames seen lately, by their bytes with the sequence number left out. */
const frameLines = new Map<string, string>();
const FRAME_LINES_MAX = 4096;

/**
 * describeFrame(bytes), remembered: the line never shows the ZCL sequence number, and a run sends
 * the same few frames over and over but for it (a PPMID's three reads every minute, the GPF's
 * answers until the next meter report), so with it left out of the key nearly every frame is a
 * frame seen before, where decoding each one again was a good part of a run's time.
 */
function frameLine(bytes: Uint8Array): string {
  // The sequence number follows the frame control, and the manufacturer code when it has one (bit 2).
  const seqAt = bytes.length > 0 && (bytes[0]! & 0x04) !== 0 ? 3 : 1;
  const all = String.fromCharCode.apply(null, bytes as unknown as number[]);
  const key = all.length > seqAt ? all.slice(0, seqAt) + '\0' + all.slice(seqAt + 1) : all;
  let line = frameLines.get(key);
  if (line === undefined) {
    if (frameLines.size >= FRAME_LINES_MAX) frameLines.clear();
    frameLines.set(key, (line = describeFrame(bytes)));
  }
  return line;
}

/** A frame in one line: the command and, per attribute, `id=value` or `id!status`. */
function describeFrame(bytes: Uint8Array): string {
  try {
    const f = decodeZclFrame(bytes);
    const c = f.command;
    switch (c.kind) {
      case 'readAttributes':
        return `read ${c.attributeIds.map(hex4).join(',')}`;
      case 'readAttributesResponse':
        return `readResponse ${c.records.map((r) => ('value' in r ? `${hex4(r.attributeId)}=${showValue(r.value)}` : `${hex4(r.attributeId)}!${hex2(r.status)}`)).join(',')}`;
      case 'reportAttributes':
        return `report ${c.reports.map((r) => `${hex4(r.attributeId)}=${showValue(r.value)}`).join(',')}`;
      case 'defaultResponse':
        return `defaultResponse ${hex2(c.commandId)}:${hex2(c.status)}`;
      default:
        return `command ${hex2(f.header.commandId)}`;
    }
  } catch {
    return 'malformed';
  }
}

function showValue(v: number | string | Uint8Array): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return '0x' + Array.from(v, (b) => hex2(b)).join('');
}

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
