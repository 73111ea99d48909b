/**
 * A fleet coordinated over NATS subjects: workers anywhere that reach the NATS server (`hanlab
 * fleet worker --coordinator nats://…`) join, take a few homes at a time, and send each home's
 * outcome back. A worker not heard from for `lostAfterMs` is lost: the homes it held and had not
 * reported go back to the queue, to be run again from the seed by another. Outcomes depend on
 * (population, seed, index) alone, so the first one to arrive for a home is kept and the report is
 * that of an undisturbed run.
 *
 * Subjects, `R` the run id: `hanlab.fleet.R.join` (request: the job), `hanlab.fleet.R.take`
 * (request: homes to run, `wait`, or `done`), `hanlab.fleet.R.result` (one outcome),
 * `hanlab.fleet.R.alive` (a worker's heartbeat), `hanlab.fleet.R.end` (the run is over);
 * `hanlab.fleet.join` reaches the coordinator of any run (a worker given no run id).
 */
import type { NatsConnection } from './nats-link.ts';
import type { HomeOutcome, HomeRunOptions } from './run.ts';
import type { Population } from './population/schema.ts';

export const FLEET_PROTOCOL = 1;

export interface FleetJob extends HomeRunOptions {
  protocol: number;
  run: string;
  population: Population;
  label: string;
  heartbeatMs: number;
}

export type TakeReply = { homes: number[] } | { wait: number } | { done: true };

export interface CoordinatorOptions {
  run: string;
  homes: number;
  job: Omit<FleetJob, 'protocol' | 'run' | 'heartbeatMs'>;
  /** Homes handed out at a time (default 2). */
  chunk?: number;
  heartbeatMs?: number;
  /** A worker silent this long is lost (default 5 heartbeats). */
  lostAfterMs?: number;
  onHome?(o: HomeOutcome): void;
  onWorkerLost?(info: { worker: string; homesLeft: number }): void;
  onWorkerJoined?(worker: string): void;
  /** Told of each hand-out, after it is recorded as the worker's (tests kill a worker holding homes). */
  onTake?(worker: string, homes: number[]): void;
}

export const subject = (run: string, what: 'join' | 'take' | 'result' | 'alive' | 'end') => `hanlab.fleet.${run}.${what}`;

/** Runs the fleet's coordination until every home has an outcome; the outcomes in index order. */
export async function coordinateFleet(nc: NatsConnection, o: CoordinatorOptions): Promise<HomeOutcome[]> {
  const heartbeatMs = o.heartbeatMs ?? 1000;
  const lostAfterMs = o.lostAfterMs ?? 5 * heartbeatMs;
  const chunk = o.chunk ?? 2;
  const job: FleetJob = { protocol: FLEET_PROTOCOL, run: o.run, heartbeatMs, ...o.job };
  const jobText = JSON.stringify(job);
  const queue: number[] = Array.from({ length: o.homes }, (_, i) => i);
  const held = new Map<string, Set<number>>();
  const seen = new Map<string, number>();
  const done = new Map<number, HomeOutcome>();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const heard = (worker: string) => {
    if (!seen.has(worker)) o.onWorkerJoined?.(worker);
    seen.set(worker, Date.now());
  };
  const json = (data: Uint8Array): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(new TextDecoder().decode(data));
      return v !== null && typeof v === 'object' ? v : null;
    } catch {
      return null;
    }
  };

  const subs = [
    nc.subscribe(subject(o.run, 'join'), { callback: (_e, m) => void m.respond(jobText) }),
    nc.subscribe('hanlab.fleet.join', { callback: (_e, m) => void m.respond(jobText) }),
    nc.subscribe(subject(o.run, 'alive'), {
      callback: (_e, m) => {
        const w = json(m.data)?.['worker'];
        if (typeof w === 'string') heard(w);
      },
    }),
    nc.subscribe(subject(o.run, 'take'), {
      callback: (_e, m) => {
        const w = json(m.data)?.['worker'];
        if (typeof w !== 'string') return void m.respond(JSON.stringify({ wait: heartbeatMs }));
        heard(w);
        let reply: TakeReply;
        if (done.size === o.homes) reply = { done: true };
        else {
          const homes: number[] = [];
          while (homes.length < chunk && queue.length > 0) {
            const h = queue.shift()!;
            if (!done.has(h)) homes.push(h);
          }
          if (homes.length > 0) {
            let mine = held.get(w);
            if (mine === undefined) held.set(w, (mine = new Set()));
            for (const h of homes) mine.add(h);
            reply = { homes };
            o.onTake?.(w, homes);
          } else reply = { wait: heartbeatMs };
        }
        m.respond(JSON.stringify(reply));
      },
    }),
    nc.subscribe(subject(o.run, 'result'), {
      callback: (_e, m) => {
        const r = json(m.data);
        const w = r?.['worker'];
        const outcome = r?.['outcome'] as HomeOutcome | undefined;
        if (typeof w !== 'string' || outcome === undefined || !Number.isInteger(outcome.index) || outcome.index < 0 || outcome.index >= o.homes) return;
        heard(w);
        held.get(w)?.delete(outcome.index);
        if (done.has(outcome.index)) return;
        done.set(outcome.index, outcome);
        o.onHome?.(outcome);
        if (done.size === o.homes) finish();
      },
    }),
  ];
  // A lost worker's homes go back to the front of the queue.
  const watch = setInterval(() => {
    const now = Date.now();
    for (const [w, at] of seen) {
      if (now - at <= lostAfterMs) continue;
      seen.delete(w);
      const mine = [...(held.get(w) ?? [])].filter((h) => !done.has(h)).sort((a, b) => a - b);
      held.delete(w);
      queue.unshift(...mine);
      o.onWorkerLost?.({ worker: w, homesLeft: mine.length });
    }
  }, Math.max(50, Math.floor(heartbeatMs / 2)));
  try {
    if (o.homes > 0) await finished;
  } finally {
    clearInterval(watch);
    nc.publish(subject(o.run, 'end'), JSON.stringify({ done: true }));
    await nc.flush();
    for (const s of subs) s.unsubscribe();
  }
  return [...done.values()].sort((a, b) => a.index - b.index);
}
