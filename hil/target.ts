/**
 * The device under test and how it is started. `emulator` and `node` run the board build as a
 * child process (`hanlab board run`), exactly as it runs on its own; `mqtt://HOST:PORT#EUI` is a
 * device already on a broker (a flashed board), which the harness never starts or stops; `inproc`
 * (for the harness's own unit tests) runs the same board entry, `startBoardDevice`, in this
 * process on XState, `inproc-emulator` the emulator board's bundle in QuickJS in this process, and
 * `inproc-node` the node board's bundle in this process (its HAN on the in-process bus instead of
 * MQTT.js), all on the harness's clock and timers (`LaunchOptions.time`): the only targets whose
 * timers the harness owns, so the only ones that can run on virtual time (clock.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor } from 'xstate';
import { gpfMachine, gsmeMachine, ppmidMachine } from '../firmware/machines/index.ts';
import type { Eui64 } from '../firmware/platform/index.ts';
import { startBoardDevice } from '../firmware/runtime/app.ts';
import type { DeviceBuild } from '../firmware/runtime/app.ts';
import type { BoardDeviceConfig } from '../boards/config/device-config-schema.ts';
import type { DeviceActor, RunningDevice } from '../firmware/runtime/device-core.ts';
import { FRAME_ENCODERS } from '../boards/bundler/bundle.ts';
import { InFlight } from '../han/in-flight.ts';
import { connectHanDevice } from '../han/mqtt-han.ts';
import type { HanDevice } from '../han/mqtt-han.ts';
import { isEui64 } from '../han/topics.ts';
import { attachBoardWan } from '../boards/runner/board-hub.ts';
import { runBoard } from '../boards/runner/run-board.ts';
import { realTime } from './clock.ts';
import type { HilTime } from './clock.ts';
import type { HanBus } from '../han/in-process-broker.ts';
import type { SerialConsole } from './console.ts';

export type TargetSpec =
  | { kind: 'inproc' | 'inproc-emulator' | 'inproc-node' }
  | { kind: 'emulator' | 'node' }
  | { kind: 'mqtt'; url: string; eui: Eui64 };

/** `emulator`, `node`, `inproc` or `mqtt://HOST:PORT#EUI`; returns the problem as a string. */
export function parseTarget(text: string): TargetSpec | string {
  if (text === 'emulator' || text === 'node') return { kind: text };
  if (text === 'inproc' || text === 'inproc-emulator' || text === 'inproc-node') return { kind: text };
  const m = /^(mqtts?:\/\/[^/:#]+:\d{1,5})#(.*)$/.exec(text);
  if (!m) return `--dut: expected emulator, node or mqtt://HOST:PORT#EUI, found ${JSON.stringify(text)}`;
  if (!isEui64(m[2])) return `--dut: the EUI after # must be 16 upper-case hex digits, found ${JSON.stringify(m[2])}`;
  const port = Number(m[1]!.split(':').at(-1));
  if (port < 1 || port > 65535) return `--dut: port ${port} is out of range`;
  return { kind: 'mqtt', url: m[1]!, eui: m[2]! };
}

export interface Dut {
  readonly target: TargetSpec['kind'];
  readonly eui: Eui64;
  /** The device's own log lines, when the target lets the harness read them (else null). */
  logLines(): readonly string[] | null;
  /** Null while it runs; why it stopped otherwise (a crash is a failure of every later step). */
  exited(): string | null;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** The DUT's config; a board process gets it as its --config file, secret included. */
  config: BoardDeviceConfig;
  /** A broker URL; the `inproc` DUT may also take the in-process bus. */
  brokerUrl: HanBus;
  /** The `inproc` DUT's clock and timers (default real time); a board process has its own. */
  time?: HilTime;
  noStaleDetection?: boolean;
  console?: SerialConsole;
  /** How long a child board may take to say it is up (it bundles first). */
  startTimeoutMs?: number;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MACHINES = { gsme: gsmeMachine, gpf: gpfMachine, ppmid: ppmidMachine } as const;

export async function launchDut(spec: TargetSpec, o: LaunchOptions): Promise<Dut> {
  switch (spec.kind) {
    case 'inproc':
      return launchInProcess(o);
    case 'inproc-emulator':
      return launchInProcessBoard('emulator', o);
    case 'inproc-node':
      return launchInProcessBoard('node', o);
    case 'emulator':
    case 'node':
      if (typeof o.brokerUrl !== 'string') throw new Error(`the ${spec.kind} board needs a broker URL, not the in-process bus`);
      return launchBoardProcess(spec.kind, { ...o, brokerUrl: o.brokerUrl });
    case 'mqtt':
      return {
        target: 'mqtt',
        eui: spec.eui,
        logLines: () => o.console?.lines() ?? null,
        exited: () => null,
        stop: async () => {},
      };
  }
}

async function launchInProcess(o: LaunchOptions): Promise<Dut> {
  const lines: string[] = [];
  const time = o.time ?? realTime();
  const inFlight = new InFlight();
  const transport: HanDevice = await connectHanDevice({
    url: o.brokerUrl,
    premises: o.config.premises,
    eui: o.config.eui,
    ...(o.config.secret !== undefined ? { secret: o.config.secret } : {}),
    device: o.config.device,
    inFlight,
    isSimDevice: () => false,
    onError: (err) => lines.push(`warn ${err.message}`),
    log: { warn: (message, data) => lines.push(`warn ${message}${data ? ' ' + JSON.stringify(data) : ''}`) },
    reconnectPeriodMs: 250,
  });
  const machine = MACHINES[o.config.device];
  const build: DeviceBuild = {
    device: o.config.device,
    runtime: 'xstate',
    buildFlags: o.noStaleDetection ? { staleDetection: false } : {},
    encodeFrame: FRAME_ENCODERS[o.config.device],
    createDeviceActor: (input, timers) => createActor(machine, { input: input as never, clock: timers }) as unknown as DeviceActor,
  };
  const line = (level: string) => (message: string, data?: Record<string, unknown>) => lines.push(`${level} ${message}${data ? ' ' + JSON.stringify(data) : ''}`);
  const device: RunningDevice | null = startBoardDevice(
    build,
    { clock: { now: () => time.epochMs() }, timers: time.timers, han: transport, observe: transport.observe, log: { info: line('info'), warn: line('warn') } },
    o.config,
  );
  if (!device) {
    await transport.close();
    throw new Error(`in-process DUT did not start: ${lines.at(-1) ?? 'no reason logged'}`);
  }
  const log = { info: line('info'), warn: line('warn') };
  const wan = o.config.device === 'gpf' ? await attachBoardWan({ url: o.brokerUrl, config: o.config, gpf: device, log }) : null;
  let stopped: string | null = null;
  return {
    target: 'inproc',
    eui: o.config.eui,
    logLines: () => lines,
    exited: () => stopped,
    async stop() {
      if (stopped) return;
      stopped = 'stopped by the harness';
      await wan?.close();
      device.stop();
      await transport.close();
    },
  };
}

/**
 * A board (`runBoard`) in this process instead of a child: the same code `hanlab board run
 * --board emulator|node` runs (the emulator's bundle in QuickJS, the node board's bundle as an
 * ES module), on the harness's clock and timers, its HAN on the harness's bus. Every device call
 * is synchronous, so it keeps lockstep on virtual time. The node board's MQTT.js connection is
 * what this leaves out: the `node` target (a child process) runs it.
 */
async function launchInProcessBoard(board: 'emulator' | 'node', o: LaunchOptions): Promise<Dut> {
  const lines: string[] = [];
  const time = o.time ?? realTime();
  // Every DUT starts from empty storage, as a child node board does (launchBoardProcess), in a
  // folder of its own that goes when it stops.
  const dir = board === 'node' ? mkdtempSync(join(tmpdir(), 'hanlab-hil-')) : undefined;
  const removeDir = () => dir !== undefined && rmSync(dir, { recursive: true, force: true });
  let running: Awaited<ReturnType<typeof runBoard>>;
  try {
    running = await runBoard({
      board,
      device: o.config.device,
      broker: o.brokerUrl,
      config: o.config,
      ...(dir !== undefined ? { stateDir: join(dir, 'state') } : {}),
      time: { clock: { now: () => time.epochMs() }, timers: time.timers },
      ...(o.noStaleDetection ? { flags: { staleDetection: false } } : {}),
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
  } catch (err) {
    removeDir();
    throw err;
  }
  let stopped: string | null = null;
  void running.fault.then((reason) => (stopped ??= `the ${board} stopped: ${reason}`));
  return {
    target: board === 'emulator' ? 'inproc-emulator' : 'inproc-node',
    eui: o.config.eui,
    logLines: () => lines,
    exited: () => stopped,
    async stop() {
      if (!stopped) {
        stopped = 'stopped by the harness';
        await running.stop();
      }
      removeDir();
    },
  };
}

async function launchBoardProcess(board: 'emulator' | 'node', o: LaunchOptions & { brokerUrl: string }): Promise<Dut> {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-hil-'));
  const configFile = join(dir, `${o.config.device}.json`);
  writeFileSync(configFile, JSON.stringify(o.config, null, 2) + '\n');
  const args = [join(REPO, 'bin', 'hanlab.js'), 'board', 'run', '--board', board, '--device', o.config.device, '--broker', o.brokerUrl, '--config', configFile];
  if (o.noStaleDetection) args.push('--no-stale-detection');
  // Every DUT starts from empty storage: what an earlier run of the same device kept stays out.
  if (board === 'node') args.push('--state', join(dir, 'state'));
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let exited: string | null = null;
  let upResolve: (() => void) | undefined;
  const collect = (stream: NodeJS.ReadableStream | null): void => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) {
        lines.push(p);
        if (p.startsWith('hanlab board: up ')) upResolve?.();
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const gone = new Promise<void>((res) => {
    child.on('exit', (code, signal) => {
      exited = `board process exited (${signal ?? `status ${code}`})`;
      res();
    });
    child.on('error', (err) => {
      exited = `board process could not start: ${err.message}`;
      res();
    });
  });
  const timeoutMs = o.startTimeoutMs ?? 60_000;
  const up = await Promise.race([
    new Promise<'up'>((res) => (upResolve = () => res('up'))),
    gone.then(() => 'gone' as const),
    new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), timeoutMs).unref()),
  ]);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (up !== 'up') {
    child.kill('SIGKILL');
    await gone;
    removeDir();
    const last = lines.filter((l) => l.trim() !== '').at(-1) ?? 'no output';
    throw new Error(`the ${board} board did not come up (${up === 'gone' ? exited : `nothing within ${timeoutMs} ms`}): ${last}`);
  }
  return {
    target: board,
    eui: o.config.eui,
    logLines: () => lines,
    exited: () => exited,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(t);
      }
      // Its config and storage: the folder is the DUT's alone.
      removeDir();
    },
  };
}
