import type { ScreenModel } from '../firmware/display/index.ts';
import type { DeviceKind } from '../firmware/runtime/app.ts';
import type { HanBus } from '../han/in-process-broker.ts';
import type { BoardDeviceConfig } from '../boards/config/device-config-schema.ts';
import type { HarnessClock, HilTime } from './clock.ts';
import type { HarnessDeviceSetup, HarnessHome } from './home.ts';
import type { DutObserver } from './observer.ts';
import type { Dut } from './target.ts';

/** A step's assertion failed: `message` says what was expected and what was seen. */
export class HilFailure extends Error {
  override readonly name = 'HilFailure';
  constructor(
    message: string,
    /** The DUT's last screen model when the step failed (PPMID DUTs). */
    readonly screen: ScreenModel | null = null,
  ) {
    super(message);
  }
}

/** A case that cannot run on this target (e.g. a broker restart on someone else's broker). */
export class HilSkip extends Error {
  override readonly name = 'HilSkip';
}

export interface HilContext {
  readonly dut: Dut;
  /** The DUT's config, its broker secret included. */
  readonly config: BoardDeviceConfig;
  readonly home: HarnessHome;
  readonly observe: DutObserver;
  /** The hub's clock (harness time plus jumps). */
  readonly clock: HarnessClock;
  /** How the harness waits: every sleep, timeout and "since" goes through it (clock.ts). */
  readonly time: HilTime;
  /** The broker's URL, or the in-process bus (the `inproc` target). */
  readonly brokerUrl: HanBus;
  /** Harness ms (`time.now()`) the case began: screens published before it belong to an earlier case. */
  readonly since: number;
  /** Stops and restarts the broker on the same port; null when the broker is not the harness's. */
  readonly restartBroker: ((downMs: number) => Promise<void>) | null;
  /** Starts (or restarts) the harness's devices for a case; the others keep running. */
  setupHome(setup: Partial<Record<DeviceKind, HarnessDeviceSetup>>): Promise<void>;
  /** A UTRN of `pounds` for the run's GSME (the DUT's key when it is the GSME), a new counter each time. */
  utrn(pounds: number): string;
  /** A named step: its duration and outcome go into the report. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface HilCase {
  name: string;
  /** A freshness case: it tests late / stale detection (the no-stale-detection build fails it). */
  freshness?: boolean;
  run(ctx: HilContext): Promise<void>;
}

export interface HilSuite {
  name: string;
  device: DeviceKind;
  description: string;
  cases: HilCase[];
}

export interface StepResult {
  name: string;
  ms: number;
  ok: boolean;
}

export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  steps: StepResult[];
  /** Failure or skip reason. */
  message?: string;
  failedStep?: string;
  screen?: ScreenModel | null;
  /** PNG of `screen`, written next to the JUnit file when asked. */
  png?: string;
}

export interface SuiteResult {
  suite: string;
  device: DeviceKind;
  target: string;
  dutEui: string;
  ms: number;
  cases: CaseResult[];
}
