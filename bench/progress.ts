/**
 * Progress lines for the benchmarks, on stderr (the figures go to stdout): `bench:NAME: …` when a
 * long step starts and when it ends, and at least every 10 s while one runs, so that nobody
 * watches minutes of silence. Nothing here is measured: a line costs a write, at most one per
 * 10 s inside a step, and steps are timed by the benchmarks themselves.
 */

export const PROGRESS_EVERY_MS = 10_000;

export interface Progress {
  /** One line now. */
  say(line: string): void;
  /** A line from `line()` when the last one is PROGRESS_EVERY_MS old (for loops that never yield). */
  tick(line: () => string): void;
  /**
   * `what …`, then `what: done in S s` (or `what: failed after S s`), and while `fn` runs, a line
   * every PROGRESS_EVERY_MS that nothing else was said (a timer: it runs when `fn` awaits I/O; a loop
   * that never yields says its own with `tick`).
   */
  step<T>(what: string, fn: () => Promise<T> | T): Promise<T>;
}

export function progress(bench: string, o: { write?: (text: string) => void; now?: () => number } = {}): Progress {
  const write = o.write ?? ((text: string) => void process.stderr.write(text));
  const now = o.now ?? (() => performance.now());
  let lastSaid = now();
  const say = (line: string): void => {
    lastSaid = now();
    write(`bench:${bench}: ${line}\n`);
  };
  const seconds = (since: number) => ((now() - since) / 1000).toFixed(1);
  return {
    say,
    tick(line) {
      if (now() - lastSaid >= PROGRESS_EVERY_MS) say(line());
    },
    async step(what, fn) {
      const t0 = now();
      say(`${what} …`);
      const heartbeat = setInterval(() => {
        if (now() - lastSaid >= PROGRESS_EVERY_MS - 50) say(`${what}: … ${seconds(t0)} s`);
      }, PROGRESS_EVERY_MS);
      heartbeat.unref();
      try {
        const r = await fn();
        say(`${what}: done in ${seconds(t0)} s`);
        return r;
      } catch (err) {
        say(`${what}: failed after ${seconds(t0)} s`);
        throw err;
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}
