/**
 * What the hostile-client tests share: a simulated prepayment home on virtual time (the
 * simulator's own startHome, so its timeline is the one `hanlab sim` prints), the run it is held
 * against, the accounts of the broker, raw MQTT logins, and the frames an attacker sends.
 *
 * The home runs in segments: virtual time stands still between them (nothing in flight), the
 * attacker acts in wall time, then the run goes on. Whatever the attacker got through would be
 * handled by the devices while the clock stands and show up in the rest of the timeline, so "the
 * attack changed nothing" is "the timeline equals the unattacked run's, event for event".
 */
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { encodeConsumerTopUp } from '../../firmware/machines/index.ts';
import type { ScreenModel } from '../../firmware/display/index.ts';
import { ClusterId, encodeZclFrame, Prepayment, ZclGeneralCommand } from '../../firmware/zcl/index.ts';
import { VirtualClock } from '../../sim/clock/virtual-clock.ts';
import { deviceAccount, identityRegistry, observerAccount, simulatedSecret } from '../../han/identities.ts';
import type { IdentityRegistry } from '../../han/identities.ts';
import { InFlight } from '../../han/in-flight.ts';
import type { HanBus } from '../../han/in-process-broker.ts';
import { startHome } from '../../sim/run/home.ts';
import type { Home } from '../../sim/run/home.ts';
import { simulationIdentities, simulationSecret } from '../../sim/run/identities.ts';
import type { TimelineEvent } from '../../sim/run/timeline.ts';
import { builtinScenario } from '../../sim/scenario/load.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { simulatedWanCrypto } from '../../sim/wan/keys.ts';
import { simulatedTopUpKey } from '../../sim/wan/utrn-issuer.ts';
import { euiBytes, issueUtrn, topUpKeyBytes } from '../../firmware/codec/utrn.ts';

export const MIN = 60_000;
/** £ in the meter's money unit (PriceTrailingDigit 0x50). */
export const POUND = 100_000;
/** What every fake balance claims. */
export const FAKE_POUNDS = 999;

/** A HAN device that joined legitimately: it has an account, it may speak, only as itself. */
export const INTRUDER = '00DB48FFFE00A0EE';
/** A second read-only account (the first, hanlab-observer, is the attacker's in one case). */
export const WATCHER = { username: 'security-watch', password: 'watching' };

/** matrix-new-new: £3.15 at midnight, no top-up, outage or remote read in its first hours. */
const BASE = builtinScenario('matrix-new-new');

/** The home at `premises`: one premises per case, so nothing retained by one case reaches another. */
export function scenarioAt(premises: string): Scenario {
  return { ...BASE, premises };
}

/** Every account the cases need: each premises' home, the intruder there, the observers. */
export function securityIdentities(premisesList: readonly string[]): IdentityRegistry {
  return identityRegistry([
    ...premisesList.flatMap((p) => [...simulationIdentities(scenarioAt(p)).values()]),
    ...premisesList.map((p) => deviceAccount({ eui: INTRUDER, secret: secretOf(INTRUDER), premises: p })),
    observerAccount(WATCHER.username, WATCHER.password),
  ]);
}

/** The simulator's secret of a username (the seed is the same for every case's home). */
export function secretOf(username: string): string {
  return simulationSecret(BASE, username);
}

export const EUIS = BASE.devices;

export interface HomeRig {
  readonly premises: string;
  readonly home: Home;
  readonly events: TimelineEvent[];
  /** Transport trouble the home reported (a device that lost the broker). */
  readonly errors: Error[];
  /** Runs virtual time to `start + offsetMs`, in lockstep. */
  runTo(offsetMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(url: HanBus, premises: string): Promise<HomeRig> {
  const scenario = scenarioAt(premises);
  const clock = new VirtualClock(scenario.start);
  const inFlight = new InFlight({ timeoutMs: 10_000 });
  const events: TimelineEvent[] = [];
  const errors: Error[] = [];
  const home = await startHome({
    scenario,
    label: 'scenario',
    premises,
    brokerUrl: url,
    secretFor: (username) => simulationSecret(scenario, username),
    clock,
    inFlight,
    rank: 1,
    crypto: simulatedWanCrypto(scenario.seed, [scenario.devices.gsme.eui]),
    record: (e) => events.push(e),
    onError: (e) => errors.push(e),
  });
  return {
    premises,
    home,
    events,
    errors,
    async runTo(offsetMs) {
      await clock.run(scenario.start + offsetMs, () => inFlight.whenIdle());
    },
    close: () => home.close(),
  };
}

/** The timeline without the input rules' own warnings (a dropped replay is logged, nothing else changes). */
export function withoutDropLogs(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => !(e.kind === 'log' && e.message.startsWith('HAN frame dropped')));
}

export function dropLogs(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => e.kind === 'log' && e.message.startsWith('HAN frame dropped'));
}

export function screens(events: readonly TimelineEvent[]): ScreenModel[] {
  return events.flatMap((e) => (e.kind === 'screen' ? [e.screen] : []));
}

/** A raw MQTT 3.1.1 login; rejects with the broker's refusal (or the socket's end). */
export function login(url: string, o: { clientId: string; username?: string; password?: string }): Promise<MqttClient> {
  return connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 5000, ...o }, false);
}

/** Logged in as the intruder's own account. */
export function loginIntruder(url: string): Promise<MqttClient> {
  return login(url, { clientId: INTRUDER, username: INTRUDER, password: secretOf(INTRUDER) });
}

/** Resolves once `client` is disconnected (or after `ms`, with false). */
export function closedWithin(client: MqttClient, ms: number): Promise<boolean> {
  if (!client.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, check: () => boolean, ms = 5_000, everyMs = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A GSME report (GSME → GPF) claiming CreditRemaining £999, marked complete. */
export function fakeReport(seq: number): Uint8Array {
  return encodeZclFrame({
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: false, sequence: seq, commandId: ZclGeneralCommand.reportAttributes },
    command: {
      kind: 'reportAttributes',
      reports: [
        { attributeId: Prepayment.CreditRemaining.id, type: Prepayment.CreditRemaining.type, value: FAKE_POUNDS * POUND },
        { attributeId: 0xfffe, type: 0x20, value: 1 },
      ],
    },
  });
}

/** A GPF Read Attributes Response (GPF → PPMID) with CreditRemaining £999. */
export function fakeCreditResponse(seq: number): Uint8Array {
  return encodeZclFrame({
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.readAttributesResponse },
    command: { kind: 'readAttributesResponse', records: [{ attributeId: Prepayment.CreditRemaining.id, status: 0, type: Prepayment.CreditRemaining.type, value: FAKE_POUNDS * POUND }] },
  });
}

/** A ConsumerTopUp (PPMID → GPF, queued for the GSME) carrying the UTRN `code`. */
export function topUpFrame(seq: number, code: string): Uint8Array {
  return encodeZclFrame({
    header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence: seq, commandId: 0x04 },
    command: { kind: 'other', payload: encodeConsumerTopUp(2, code) },
  });
}

/** The home's meter's top-up key (the simulator's, from the scenario's seed). */
export function meterKey(): string {
  return simulatedTopUpKey(BASE.seed, BASE.devices.gsme.eui);
}

/** A genuine UTRN for the home's meter: `pounds`, counter `counter` (the supplier's issue). */
export function genuineUtrn(counter: number, pounds: number): string {
  return issueUtrn(topUpKeyBytes(meterKey())!, euiBytes(BASE.devices.gsme.eui)!, counter, Math.round(pounds * 100));
}

/** A UTRN with the home meter's tag and a MAC under a key that is not the meter's. */
export function forgedUtrn(counter: number, pounds: number): string {
  return issueUtrn(topUpKeyBytes(simulatedSecret(0xbad, 'forger'))!, euiBytes(BASE.devices.gsme.eui)!, counter, Math.round(pounds * 100));
}

/** A genuine UTRN of another meter (its own key, its own EUI). */
export function otherMetersUtrn(counter: number, pounds: number): string {
  const other = '00DB1234567890B7';
  return issueUtrn(topUpKeyBytes(simulatedTopUpKey(BASE.seed, other))!, euiBytes(other)!, counter, Math.round(pounds * 100));
}

/** A retained screen model claiming £999, fresh, from the meter. */
export function fakeScreen(): string {
  return JSON.stringify({ credit: FAKE_POUNDS, freshness: 'fresh', lastUpdate: { at: new Date().toISOString(), hhmm: '12:00', source: 'gsme' }, warnings: [], lines: [`Credit £${FAKE_POUNDS}.00`] });
}

export const PREPAYMENT = ClusterId.prepayment;
export const METERING = ClusterId.metering;

/** A secret that is not anyone's. */
export const WRONG_SECRET = simulatedSecret(0xbad, 'nobody');
