/**
 * A worker's open-file budget (issue 16: "N homes spread over W worker processes, each within its
 * open-file budget"). Paced homes (`--speed`) are all live at once, and a home on MQTT brokers
 * holds one socket per MQTT connection for its whole run; past the process's limit (`ulimit -n`)
 * a device's connect fails with EMFILE half-way through a fleet. So the homes one process keeps
 * live are bounded before the run starts, from the limit this process (and the workers it forks,
 * which inherit it) may open.
 *
 * Counted on this machine (2026-12-05, /proc/PID/fd of `hanlab fleet --speed 60`): a process
 * with no home holds ~25 files (stdio, the IPC channel, Node's own); 40 homes each with an
 * embedded broker of its own held 67 (42 sockets: one listening socket per home, the devices
 * reach it over in-memory links); a home on MQTT brokers opens one socket per device (3) and,
 * when its scenario has service requests, the supplier's and the hub's WAN clients (2 more).
 * This is the steady state: while Node loads the CLI's modules, before any home, it opens a
 * hundred or more files at once (EMFILE now and then at a limit of 110, never at 140).
 */
import { readFileSync } from 'node:fs';

/** Paced homes asked of one process that its open files cannot hold (a usage error: exit 2). */
export class OpenFileBudgetError extends Error {
  override readonly name = 'OpenFileBudgetError';
}

/** Files a process keeps besides its homes': stdio, the IPC or NATS link, Node's own, headroom. */
export const KEPT_FILES = 64;

/** The most files a paced home keeps open on `broker` (in-process, embedded or mqtt://…). */
export function filesPerHome(broker: string): number {
  if (broker === 'in-process') return 0;
  if (broker === 'embedded') return 1;
  return 5;
}

/** The soft limit of open files in `/proc/self/limits` text; null when it says none or cannot be read. */
export function parseOpenFileLimit(limits: string): number | null {
  const m = /^Max open files\s+(\S+)/m.exec(limits);
  if (!m || m[1] === 'unlimited') return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** This process's open-file limit (Linux: /proc/self/limits); null where it cannot be known. */
export function openFileLimit(): number | null {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

/** How many paced homes on `broker` one process may keep live under `limit` open files (Infinity: no bound). */
export function liveHomesBudget(limit: number | null, broker: string): number {
  const per = filesPerHome(broker);
  if (limit === null || per === 0) return Infinity;
  return Math.max(0, Math.floor((limit - KEPT_FILES) / per));
}

/**
 * Why `homesPerProcess` paced homes on `broker` do not fit one process's open files (null: they
 * do). `fix` says what to change, for the message.
 */
export function openFileShortfall(homesPerProcess: number, broker: string, limit: number | null, fix: string): string | null {
  const budget = liveHomesBudget(limit, broker);
  if (homesPerProcess <= budget) return null;
  return (
    `${homesPerProcess} paced homes live in one process need up to ${homesPerProcess * filesPerHome(broker) + KEPT_FILES} open files ` +
    `(${filesPerHome(broker)} a home on ${broker === 'embedded' ? 'embedded brokers' : 'MQTT brokers'}, ${KEPT_FILES} kept), ` +
    `and a process here may open ${limit} (ulimit -n): at most ${budget} homes a process; ${fix}`
  );
}

/**
 * How many paced homes a `hanlab fleet worker` keeps live: `asked` (--capacity) or, by default,
 * as many as its open files allow. Asking for more than they allow is an error (a worker would
 * fail half-way with EMFILE), not silently cut.
 */
export function workerCapacity(asked: number | undefined, broker: string, limit: number | null): number {
  const budget = liveHomesBudget(limit, broker);
  if (asked === undefined) return Number.isFinite(budget) ? Math.max(1, budget) : DEFAULT_UNBOUNDED_CAPACITY;
  const short = openFileShortfall(asked, broker, limit, `ask --capacity ${budget} or less, or raise ulimit -n`);
  if (short !== null) throw new OpenFileBudgetError(`--capacity ${asked}: ${short}`);
  return asked;
}

/** A worker's paced homes when nothing bounds them by files (the in-process bus, or no known limit). */
const DEFAULT_UNBOUNDED_CAPACITY = 1000;
