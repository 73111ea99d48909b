/**
 * A fleet over local worker processes: the homes split into contiguous ranges, one child process
 * per range (Node's fork, its IPC channel), each running its homes and sending every outcome as it
 * completes. A worker that dies before its range is done is replaced: a new one reruns its homes
 * that did not report, from the seed (a home's outcome depends on the seed and its index alone).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { homeRunOptions } from './run.ts';
import type { HomeOutcome, HomeRunOptions } from './run.ts';
import type { Population } from './population/schema.ts';

export interface WorkerJob extends HomeRunOptions {
  population: unknown;
  label: string;
  homes: number[];
}

/** What a worker process cost: its CPU (user + system) and its peak resident memory. */
export interface WorkerStats {
  pid: number;
  homes: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

export type WorkerMessage = { type: 'home'; outcome: HomeOutcome } | { type: 'stats'; stats: WorkerStats } | { type: 'done' } | { type: 'error'; message: string };

export interface WorkerFleetOptions extends HomeRunOptions {
  workers: number;
  homes: number;
  label: string;
  onHome?(o: HomeOutcome): void;
  /** A worker died and its unfinished homes go to a new one. */
  onWorkerLost?(info: { pid: number | undefined; homesLeft: number; reason: string }): void;
  /** Told what each worker process cost, as it finishes its range. */
  onStats?(stats: WorkerStats): void;
  /** For tests: told of each worker as it starts. */
  onWorker?(child: ChildProcess): void;
  /** Replacements allowed in all before the run fails (default 3 per worker). */
  maxRestarts?: number;
}

const BIN = fileURLToPath(new URL('../bin/hanlab.js', import.meta.url));

/** Homes 0 … n−1 in `w` contiguous ranges, as even as they can be. */
export function splitHomes(n: number, w: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < w; i++) {
    const a = Math.floor((i * n) / w);
    const b = Math.floor(((i + 1) * n) / w);
    if (b > a) out.push(Array.from({ length: b - a }, (_, k) => a + k));
  }
  return out;
}

export async function runFleetOnWorkers(pop: Population, o: WorkerFleetOptions): Promise<HomeOutcome[]> {
  const done = new Map<number, HomeOutcome>();
  let restarts = 0;
  const maxRestarts = o.maxRestarts ?? 3 * o.workers;
  const runRange = (homes: number[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(BIN, ['fleet', '--worker'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
      o.onWorker?.(child);
      let stderr = '';
      let finished = false;
      let failure: string | null = null;
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      child.on('message', (m: WorkerMessage) => {
        if (m.type === 'home') {
          if (!done.has(m.outcome.index)) {
            done.set(m.outcome.index, m.outcome);
            o.onHome?.(m.outcome);
          }
        } else if (m.type === 'stats') o.onStats?.(m.stats);
        else if (m.type === 'done') finished = true;
        else failure = m.message;
      });
      child.on('error', (err) => (failure ??= err.message));
      child.on('exit', (code, signal) => {
        if (failure !== null) return reject(new Error(`fleet worker (pid ${child.pid}): ${failure}`));
        const left = homes.filter((h) => !done.has(h));
        if (finished && left.length === 0) return resolve();
        const reason = signal ? `killed by ${signal}` : `exit status ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`;
        if (++restarts > maxRestarts) return reject(new Error(`fleet worker (pid ${child.pid}) lost (${reason}) and ${maxRestarts} workers replaced already: giving up with ${left.length} homes not run`));
        o.onWorkerLost?.({ pid: child.pid, homesLeft: left.length, reason });
        runRange(left).then(resolve, reject);
      });
      const job: WorkerJob = { ...homeRunOptions(o), population: pop, label: o.label, homes };
      child.send(job);
    });
  await Promise.all(splitHomes(o.homes, o.workers).map(runRange));
  return [...done.values()].sort((a, b) => a.index - b.index);
}
