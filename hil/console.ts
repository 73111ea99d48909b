/**
 * `--console serial:/dev/ttyACM0`: the board's Espruino console, for its log lines and a reset
 * between suites. Opened as a plain character device (the line speed is the board's USB CDC, so
 * no baud rate matters; for a UART adapter set it first with `stty -F DEV 115200 raw -echo`).
 * A port that cannot be opened is a usage error: the caller reports it in one line (exit 2).
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import type { ReadStream } from 'node:fs';

export interface SerialConsole {
  readonly path: string;
  lines(): readonly string[];
  /** Restarts the board from its saved code (Espruino `load()`), as a power cycle would; never with Ctrl-C (resetSequence). */
  reset(): void;
  close(): void;
}

/** `serial:PATH` → PATH, or the problem. */
export function parseConsoleSpec(text: string): { path: string } | string {
  const m = /^serial:(\/.+)$/.exec(text);
  if (!m) return `--console: expected serial:/dev/PORT (e.g. serial:/dev/ttyACM0), found ${JSON.stringify(text)}`;
  return { path: m[1]! };
}

/**
 * What restarts an Espruino board from its saved code, given the console's last output. Never
 * Ctrl-C: one that arrives while JavaScript runs stops it in Espruino's debugger (`debug>`), and
 * a suite then waits on a board that runs nothing. A line typed at the console is read only when
 * no JavaScript runs, so `load()` waits for the prompt by itself; its echo is off (DLE, as the
 * espruino CLI sends). A board already at `debug>` takes `quit` (leave the debugger, drop what it
 * was running) first.
 */
export function resetSequence(recentOutput: string): string {
  return (/debug>\s*$/.test(recentOutput) ? 'quit\n' : '') + '\x10load()\n';
}

export function openSerialConsole(path: string): SerialConsole | string {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    return `--console: cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  const lines: string[] = [];
  let rest = '';
  const stream: ReadStream = createReadStream('', { fd, autoClose: false, encoding: 'utf8' });
  stream.on('data', (chunk) => {
    rest += String(chunk);
    const parts = rest.split(/\r?\n/);
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  stream.on('error', (err) => lines.push(`hanlab hil: console read failed: ${err.message}`));
  return {
    path,
    lines: () => lines,
    reset: () => {
      writeSync(fd, resetSequence(lines.slice(-2).join('\n') + '\n' + rest));
    },
    close: () => {
      stream.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed by the stream
      }
    },
  };
}
