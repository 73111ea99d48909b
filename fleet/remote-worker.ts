/**
 * `hanlab fleet worker --coordinator nats://…`: joins a fleet run over NATS (coordinator.ts), takes
 * homes, runs each in virtual time in this process and sends its outcome, a heartbeat all along,
 * until the coordinator says the run is done.
 */
import { hostname } from 'node:os';
import { resolvePopulation } from './population/load.ts';
import { homeRunOptions, launchGate, runHome, START_RATE } from './run.ts';
import type { HomeOutcome } from './run.ts';
import { FLEET_PROTOCOL, subject } from './coordinator.ts';
import type { FleetJob, TakeReply } from './coordinator.ts';
import type { NatsConnection } from './nats-link.ts';
import { openFileLimit, workerCapacity } from './open-files.ts';

export interface RemoteWorkerOptions {
  /** Join this run only (default: whichever coordinator answers). */
  run?: string;
  /** How long to wait for a coordinator to answer the join (default 10 s). */
  joinTimeoutMs?: number;
  onHome?(o: HomeOutcome): void;
  onJoined?(job: FleetJob): void;
  /** Paced runs: at most this many homes live at once here (default: as many as its open files allow, open-files.ts). */
  capacity?: number;
}

const decode = (d: Uint8Array) => JSON.parse(new TextDecoder().decode(d)) as unknown;

/** The homes this worker ran. */
export async function runRemoteWorker(nc: NatsConnection, o: RemoteWorkerOptions = {}): Promise<number> {
  const name = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let job: FleetJob;
  try {
    const reply = await nc.request(o.run === undefined ? 'hanlab.fleet.join' : subject(o.run, 'join'), JSON.stringify({ worker: name }), { timeout: o.joinTimeoutMs ?? 10_000 });
    job = decode(reply.data) as FleetJob;
  } catch (err) {
    throw new Error(`no fleet coordinator answered${o.run === undefined ? '' : ` for run ${o.run}`} (${(err as Error).message})`);
  }
  if (job.protocol !== FLEET_PROTOCOL) throw new Error(`the coordinator speaks fleet protocol ${job.protocol}, this worker ${FLEET_PROTOCOL}: run the same hanlab version`);
  const pop = resolvePopulation(job.population, job.label);
  // Paced homes run side by side, up to `capacity` live here (within this process's open files,
  // checked before it takes any); virtual ones one after another.
  const capacity = job.speed === undefined ? 1 : workerCapacity(o.capacity, job.broker ?? 'in-process', openFileLimit());
  o.onJoined?.(job);
  let over = false;
  const end = nc.subscribe(subject(job.run, 'end'), { callback: () => void (over = true) });
  const beat = () => nc.publish(subject(job.run, 'alive'), JSON.stringify({ worker: name }));
  beat();
  const heart = setInterval(beat, job.heartbeatMs);
  let ran = 0;
  const homeOptions = homeRunOptions(job);
  // Paced homes come online gradually (launchGate), as on local workers.
  const gate = launchGate(START_RATE);
  const runOne = async (index: number) => {
    if (job.speed !== undefined) await gate();
    const outcome = await runHome(pop, homeOptions, index);
    nc.publish(subject(job.run, 'result'), JSON.stringify({ worker: name, outcome }));
    ran++;
    o.onHome?.(outcome);
  };
  const live = new Set<Promise<void>>();
  let failure: Error | null = null;
  try {
    while (!over && failure === null) {
      if (live.size >= capacity) {
        await Promise.race(live);
        continue;
      }
      let reply: TakeReply;
      try {
        reply = decode((await nc.request(subject(job.run, 'take'), JSON.stringify({ worker: name }), { timeout: 10_000 })).data) as TakeReply;
      } catch (err) {
        if (over) break;
        throw new Error(`the fleet coordinator of run ${job.run} stopped answering (${(err as Error).message})`);
      }
      if ('done' in reply) break;
      if ('wait' in reply) {
        await Promise.race([new Promise((r) => setTimeout(r, reply.wait)), ...live]);
        continue;
      }
      for (const index of reply.homes) {
        // The heartbeat runs between homes: a virtual home's run is one long task on this thread.
        beat();
        const p: Promise<void> = runOne(index).then(
          () => void live.delete(p),
          (err: unknown) => {
            live.delete(p);
            failure ??= err as Error;
          },
        );
        live.add(p);
        if (capacity === 1) await p;
      }
    }
    await Promise.all(live);
    if (failure !== null) throw failure;
  } finally {
    clearInterval(heart);
    end.unsubscribe();
    await nc.flush().catch(() => {});
  }
  return ran;
}
