/**
 * Runs one suite against one DUT: the broker (the harness's own embedded one unless the DUT is
 * already on a broker), the DUT, the observer, the harness's devices, then every case in order.
 * The DUT runs for the whole suite, as a board on a bench would; each case sets the rest of the
 * home up afresh (firmware, config, links) before it starts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HilTime } from './clock.ts';
import type { DeviceKind } from '../firmware/runtime/app.ts';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import type { EmbeddedBroker } from '../han/embedded-broker.ts';
import { VirtualClock } from '../sim/clock/virtual-clock.ts';
import { startInProcessBroker } from '../han/in-process-broker.ts';
import type { HanBus } from '../han/in-process-broker.ts';
import { createHarnessClock, realTime, virtualTime } from './clock.ts';
import { dutConfig, hilIdentities, hilObserverCredentials, hilSecret } from './config.ts';
import { createHarnessHome } from './home.ts';
import { hilGsmeEui, hilGsmeTopUpKey, hilUtrnIssuer } from './utrn.ts';
import type { HarnessDeviceSetup } from './home.ts';
import { observeDut } from './observer.ts';
import type { DutObserver } from './observer.ts';
import { renderScreenPng } from './screen-png.ts';
import { launchDut } from './target.ts';
import type { TargetSpec } from './target.ts';
import type { SerialConsole } from './console.ts';
import { HilFailure, HilSkip } from './types.ts';
import type { CaseResult, HilContext, HilSuite, StepResult, SuiteResult } from './types.ts';

export interface RunSuiteOptions {
  suite: HilSuite;
  target: TargetSpec;
  premises?: string;
  firmware?: 'secmp0015' | 'legacy';
  noStaleDetection?: boolean;
  /**
   * Where an in-process DUT's virtual time starts (epoch ms; default now). Tests fix it: what a
   * screen shows depends on the time of day (a reading from before midnight is shown with its day).
   */
  startMs?: number;
  /** Runs the DUT on this firmware while the suite expects `firmware` (to show the harness fails). */
  dutFirmwareOverride?: 'secmp0015' | 'legacy';
  console?: SerialConsole;
  /** Where PNGs of failed steps' screens go (none when absent). */
  artifactsDir?: string;
  /** Only the cases whose name contains this. */
  only?: string;
  /** One line per case as it finishes. */
  onCase?(result: CaseResult): void;
  /** How long a DUT already on a broker (mqtt://…) has to show its retained state or screen (default 10 s). */
  dutSeenMs?: number;
}

/** The DUT on someone else's broker published nothing: said once, before any case runs. */
export class DutNotSeen extends Error {
  override readonly name = 'DutNotSeen';
}

export async function runSuite(o: RunSuiteOptions): Promise<SuiteResult> {
  // Durations in the report are wall time; every wait, timeout and "since" is harness time.
  const wall = () => performance.now();
  const started = wall();
  const device: DeviceKind = o.suite.device;
  const config = dutConfig({ device, premises: o.premises, firmware: o.firmware, ...(o.target.kind === 'mqtt' ? { eui: o.target.eui } : {}) });
  // Someone else's broker holds these accounts already (hanlab hil --print-broker-files).
  const identities = hilIdentities(config);
  let broker: EmbeddedBroker | null = null;
  let url: HanBus;
  let time: HilTime;
  if (o.target.kind === 'inproc' || o.target.kind === 'inproc-emulator' || o.target.kind === 'inproc-node') {
    // The one DUT whose timers the harness owns: it, the harness's devices, the observer and the
    // supplier all run in this process on one virtual clock over the in-process bus (microtasks),
    // so a wait costs no wall time. A settle is one turn of the event loop: every frame, screen
    // and response a timer set off has been delivered by then.
    url = startInProcessBroker({ identities });
    time = virtualTime(new VirtualClock(o.startMs ?? Date.now()), () => new Promise<void>((r) => setImmediate(r)));
  } else {
    // A child board process or a flashed board keeps its own real timers: so does the harness.
    time = realTime();
    if (o.target.kind === 'mqtt') url = o.target.url;
    else {
      broker = await startEmbeddedBroker({ identities });
      url = broker.url;
    }
  }
  const bus = url;
  const clock = createHarnessClock(time.epochMs(), time.now);
  const observe = await observeDut(url, config.premises, [device, config.eui], hilObserverCredentials(config), time);
  const home = createHarnessHome({ url, premises: config.premises, dut: { device, eui: config.eui }, clock, time, secretFor: (eui) => hilSecret(config, eui), topUpKey: hilGsmeTopUpKey(config) });
  const issuer = hilUtrnIssuer(config, Date.now());
  const cleanup: (() => Promise<void>)[] = [() => observe.close(), () => home.close()];
  const results: CaseResult[] = [];
  try {
    const dut = await launchDut(o.target, { config: o.dutFirmwareOverride ? { ...config, firmware: o.dutFirmwareOverride } : config, brokerUrl: url, time, noStaleDetection: o.noStaleDetection, console: o.console });
    cleanup.unshift(() => dut.stop());
    if (o.console) o.console.reset();
    if (o.target.kind === 'mqtt') await awaitDut(observe, time, o.target, config.premises, device, o.dutSeenMs ?? 10_000);

    const restartBroker =
      broker === null
        ? null
        : async (downMs: number) => {
            const port = broker!.port;
            await broker!.close();
            await time.sleep(downMs);
            broker = await startEmbeddedBroker({ port, identities });
          };

    for (const c of o.suite.cases) {
      if (o.only !== undefined && !c.name.includes(o.only)) continue;
      const steps: StepResult[] = [];
      let currentStep = '(setup)';
      const t0 = wall();
      // On virtual time the previous case's last screen may carry this very instant: move on 1 ms
      // so that everything published before the case is strictly before `since`.
      await time.sleep(1);
      const ctx: HilContext = {
        since: time.now(),
        dut,
        config,
        home,
        observe,
        clock,
        time,
        brokerUrl: bus,
        restartBroker,
        utrn: (pounds) => issuer.issue(hilGsmeEui(config), pounds),
        async setupHome(setup) {
          home.restore();
          for (const role of home.roles) await home.start(role, setup[role] ?? ({} as HarnessDeviceSetup));
        },
        async step(name, fn) {
          currentStep = name;
          const t0 = wall();
          try {
            const value = await fn();
            steps.push({ name, ms: Math.round(wall() - t0), ok: true });
            return value;
          } catch (err) {
            steps.push({ name, ms: Math.round(wall() - t0), ok: false });
            throw err;
          }
        },
      };
      let result: CaseResult;
      try {
        await c.run(ctx);
        result = { name: c.name, status: 'passed', ms: 0, steps };
      } catch (err) {
        if (err instanceof HilSkip) result = { name: c.name, status: 'skipped', ms: 0, steps, message: err.message };
        else {
          const failure = err instanceof HilFailure ? err : null;
          const screen = failure ? failure.screen : observe.screen();
          result = { name: c.name, status: 'failed', ms: 0, steps, message: failure ? failure.message : `harness error: ${(err as Error).stack ?? String(err)}`, failedStep: currentStep, screen };
          if (o.artifactsDir && screen && device === 'ppmid') {
            mkdirSync(o.artifactsDir, { recursive: true });
            const file = join(o.artifactsDir, `${o.suite.name}-${slug(c.name)}.png`);
            writeFileSync(file, renderScreenPng(screen));
            result.png = file;
          }
        }
      }
      result.ms = Math.round(wall() - t0);
      results.push(result);
      o.onCase?.(result);
    }
    return { suite: o.suite.name, device, target: describeTarget(o.target), dutEui: config.eui, ms: Math.round(wall() - started), cases: results };
  } finally {
    for (const f of cleanup) await f().catch(() => {});
    if (broker) await (broker as EmbeddedBroker).close();
    if (typeof bus !== 'string') await bus.close();
  }
}

/** Waits for the DUT's first state or screen (a running board's are retained, so they come at once). */
async function awaitDut(observe: DutObserver, time: HilTime, target: Extract<TargetSpec, { kind: 'mqtt' }>, premises: string, device: DeviceKind, ms: number): Promise<void> {
  const until = time.now() + ms;
  for (;;) {
    if (observe.states().length > 0 || observe.screens().length > 0) return;
    const left = until - time.now();
    if (left <= 0) break;
    await observe.changed(Math.min(left, 250));
  }
  throw new DutNotSeen(
    `--dut: DUT not seen: ${target.eui} published no state or screen on ${target.url} within ${ms / 1000} s ` +
      `(hanlab/${premises}/${device}/state or hanlab/${premises}/${target.eui}/state): is it powered, on the network, flashed with hanlab hil --print-config's config?`,
  );
}

export function describeTarget(t: TargetSpec): string {
  return t.kind === 'mqtt' ? `${t.url}#${t.eui}` : t.kind;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
