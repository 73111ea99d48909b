/**
 * Running `hanlab` from a test, two ways.
 *
 * `hanlab(...args)` calls the CLI's `main` in this process, with its stdout and stderr captured:
 * what a person sees (exit status, every byte on both streams) at the cost of a function call. A
 * child process costs one to two seconds of CPU each (Node starts, tsx loads the CLI), which over
 * the suite's hundreds of runs made up much of `npm test` on two cores (issue 14).
 *
 * `spawnHanlab(args)` runs bin/hanlab.js in a child process, as a person runs it: for what only a
 * process shows. The tests that keep it say why: the bin script itself, standard input, exiting
 * (a handle left open hangs a process, not a function call), a refusal that once looped forever
 * (a child can be timed out, a loop in this process cannot), signals and kill -9.
 */
import { execFile } from 'node:child_process';
import { Console } from 'node:console';
import { fileURLToPath } from 'node:url';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/hanlab.js', import.meta.url));

/**
 * One run at a time: the streams are the process's, so two runs at once (a `describe.concurrent`,
 * a `Promise.all`) would write into each other's capture. Runs queue; tests still overlap their
 * own waiting.
 */
let queue: Promise<unknown> = Promise.resolve();

/** `hanlab ARGS…` in this process: its exit status and everything it wrote to stdout and stderr. */
export function hanlab(...args: string[]): Promise<CliRun> {
  const run = queue.then(() => capture(args));
  queue = run.catch(() => {});
  return run;
}

async function capture(args: string[]): Promise<CliRun> {
  const { main } = await import('../../cli/main.ts');
  const out: string[] = [];
  const err: string[] = [];
  const into = (sink: string[]) =>
    ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (done) queueMicrotask(() => done(null));
      return true;
    }) as typeof process.stdout.write;
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const consoleBefore = globalThis.console;
  process.stdout.write = into(out);
  process.stderr.write = into(err);
  // vitest puts a console of its own in the worker; a command's console.warn goes to its stderr, as in a process.
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    // What Node does with an error thrown out of bin/hanlab.js: the stack on stderr, status 1.
    err.push(`${(e as Error)?.stack ?? String(e)}\n`);
    code = 1;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    globalThis.console = consoleBefore;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export interface SpawnOptions {
  /** Written to its standard input, which is then closed (default: closed at once). */
  stdin?: string;
  /** Killed after this long, a failure of the test rather than a hang of it (default none). */
  timeoutMs?: number;
}

/** `node bin/hanlab.js ARGS…` in a child process, from the repository root. */
export function spawnHanlab(args: string[], o: SpawnOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20, ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}) }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        // Killed by the timeout, or could not start: no exit status to report.
        reject(new Error(`hanlab ${args.join(' ')}: ${err.killed ? `killed after ${o.timeoutMs} ms` : err.message}; stderr: ${stderr}`));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
    child.stdin!.end(o.stdin);
  });
}
