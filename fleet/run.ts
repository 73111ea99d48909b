/**
 * A fleet run in one process: homes `first … first + count − 1` of a population, each drawn from
 * the seed (population/draw.ts) and run as its own simulation: in virtual time one after another
 * (homes never talk to each other), or, paced at `speed` × real time, all at once (a fleet at real
 * cadence is every home live together). The outcome of a home depends on the population, the seed
 * and its index alone: the same on any worker, in any order.
 */
import { runSimulation } from '../sim/run/run.ts';
import type { RunOptions } from '../sim/run/run.ts';
import type { HomeMetrics } from '../sim/run/timeline.ts';
import { drawHome } from './population/draw.ts';
import { rotateBrokers } from '../han/broker-list.ts';
import type { FaultKind, Population } from './population/schema.ts';
import { OpenFileBudgetError, openFileLimit, openFileShortfall } from './open-files.ts';

export interface HomeOutcome {
  index: number;
  premises: string;
  /** sim/run/variants.ts firmwareName: 'secmp0015', 'legacy-gpf', 'no-fallback', … */
  firmware: string;
  faults: FaultKind[];
  /** Simulated days the home ran. */
  days: number;
  /** HAN frames its devices sent (those its faults lost included). */
  frames: number;
  metrics: HomeMetrics;
  /**
   * What a dying broker node cost the home, when it cost anything (a cluster with failover): its
   * devices' lost connections, the HAN frames given up as lost on the broker, and the simulated
   * minutes in which either happened (its HAN-lost minutes to the broker).
   */
  broker?: { connectionsLost: number; framesLost: number; hanLostMinutes: number };
}

/** How each home of a fleet runs: the same for every home, whichever process runs it. */
export interface HomeRunOptions {
  seed: number;
  /**
   * Where each home's HAN runs: the in-process bus (default), an embedded broker of its own, or
   * MQTT brokers `mqtt://…[,mqtt://…]` holding the fleet's accounts (fleet/identities.ts): home i
   * starts at the (i mod k)-th and fails over to the others.
   */
  broker?: string;
  runtime?: RunOptions['runtime'];
  /** Stop each home at this many ms after the population's start (default its whole duration). */
  untilMs?: number;
  /** Pace every home at this many times real time, all homes at once (default: virtual time, one after another). */
  speed?: number;
}

/** Just the HomeRunOptions of `o` (a job, a worker's options), as a worker sends or receives them. */
export function homeRunOptions(o: HomeRunOptions): HomeRunOptions {
  return {
    seed: o.seed,
    ...(o.broker !== undefined ? { broker: o.broker } : {}),
    ...(o.runtime !== undefined ? { runtime: o.runtime } : {}),
    ...(o.untilMs !== undefined ? { untilMs: o.untilMs } : {}),
    ...(o.speed !== undefined ? { speed: o.speed } : {}),
  };
}

export interface FleetRunOptions extends HomeRunOptions {
  first: number;
  count: number;
  /** Told of each home as it completes, in index order. */
  onHome?(outcome: HomeOutcome): void;
  /** Paced homes start at most this many per wall second (default START_RATE): see launchGate. */
  startRate?: number;
  /** How far home `index` is (0…1), now and then as it runs. */
  onProgress?(index: number, fraction: number): void;
  /** Asked before each home: true ends the run early (the homes done so far are returned). */
  stopped?(): boolean;
}

/** Paced homes started per wall second per process, by default. */
export const START_RATE = 20;

/**
 * Slots at most `perSecond` apart: paced homes come online gradually, as a real fleet's devices
 * do, not all in one second. Measured on a 3-node NATS cluster on this project's 2-core machine:
 * 10,000 homes starting at once, one node refused 3,334 MQTT logins in 20 s (JetStream's session
 * lookups timing out, the disk at 50 % iowait) and a quarter of the devices never got on; at 50
 * per second per worker (4 workers), ~830 homes' devices still did not within 30 s.
 */
export function launchGate(perSecond: number): () => Promise<void> {
  const gap = 1000 / perSecond;
  let next = 0;
  return () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + gap;
    return at <= now ? Promise.resolve() : new Promise((r) => setTimeout(r, at - now));
  };
}

export async function runFleetRange(pop: Population, o: FleetRunOptions): Promise<HomeOutcome[]> {
  if (o.speed !== undefined) {
    // All of them live at once: refused up front rather than failing on EMFILE half-way.
    const short = openFileShortfall(o.count, o.broker ?? 'in-process', openFileLimit(), 'give this process fewer homes (more workers)');
    if (short !== null) throw new OpenFileBudgetError(short);
    const gate = launchGate(o.startRate ?? START_RATE);
    const all = await Promise.all(
      Array.from({ length: o.count }, async (_, k) => {
        await gate();
        const outcome = await runHome(pop, o, o.first + k);
        o.onHome?.(outcome);
        return outcome;
      }),
    );
    return all.sort((a, b) => a.index - b.index);
  }
  const out: HomeOutcome[] = [];
  for (let index = o.first; index < o.first + o.count; index++) {
    if (o.stopped?.()) break;
    out.push(await runHome(pop, o, index));
    o.onHome?.(out[out.length - 1]!);
  }
  return out;
}

export async function runHome(pop: Population, o: HomeRunOptions & Pick<FleetRunOptions, 'onProgress'>, index: number): Promise<HomeOutcome> {
  const home = drawHome(pop, o.seed, index);
  const s = home.scenario;
  const until = o.untilMs === undefined ? s.end : Math.min(s.end, s.start + o.untilMs);
  let warning: string | null = null;
  const onCluster = o.broker !== undefined && o.broker.startsWith('mqtt');
  const broker = { connectionsLost: 0, framesLost: 0, hanLostMinutes: 0 };
  const lostMinutes = new Set<number>();
  let frames = 0;
  const result = await runSimulation(s, {
    ...(onCluster ? { brokerFailover: true } : {}),
    ...(o.speed !== undefined ? { speed: o.speed } : {}),
    ...(o.onProgress ? { onProgress: (fraction: number) => o.onProgress!(index, fraction) } : {}),
    onEvent: (e) => {
      if (e.kind === 'han') frames++;
      if (e.kind !== 'fault') return;
      if (e.fault === 'brokerConnectionLost') broker.connectionsLost++;
      else if (e.fault === 'brokerLostFrames') broker.framesLost += typeof e['frames'] === 'number' ? e['frames'] : 0;
      else return;
      lostMinutes.add(Math.floor(e.t / 60_000));
      broker.hanLostMinutes = lostMinutes.size;
    },
    broker: o.broker === undefined ? 'in-process' : o.broker.startsWith('mqtt') ? rotateBrokers(o.broker, index) : o.broker,
    ...(o.runtime !== undefined ? { runtime: o.runtime } : {}),
    until,
    publishModels: false,
    onWarning: (m) => (warning ??= m),
  });
  const h = result.homes[0];
  if (h === undefined) throw new Error(`home ${index}: the simulation returned no home${warning ? ` (${warning})` : ''}`);
  return {
    index,
    premises: home.premises,
    firmware: home.firmware,
    faults: home.faults,
    days: (until - s.start) / 86_400_000,
    frames,
    metrics: h.metrics,
    ...(broker.connectionsLost + broker.framesLost > 0 ? { broker } : {}),
  };
}
