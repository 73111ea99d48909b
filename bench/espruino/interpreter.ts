/**
 * An Espruino interpreter built for Linux (a fixed variable count, 32-bit: 13-byte variables as
 * on the Espruino WiFi), driven through its console as the espruino CLI drives a board over
 * serial: Storage written a line at a time, each line answered before the next is sent, then a
 * restart that runs `.bootcde` from Storage as a board does at power-on. The interpreter keeps its
 * flash in `espruino.flash` in its working directory, so each run gets a folder of its own.
 *
 * hanlab does not build Espruino: bring the binary (docs/decisions.md, "Espruino 2v29 measured",
 * says how the one behind the recorded figures was configured).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ConsoleLine {
  /** ms since the interpreter started. */
  at: number;
  text: string;
}

export interface EspruinoProcess {
  lines(): readonly ConsoleLine[];
  /** Sends one line to the console; a leading DLE (0x10) turns its echo off, as the espruino CLI does. */
  send(line: string): void;
  /** Resolves with the first console line after `from` (an index into lines()) that `test` accepts. */
  waitFor(test: (text: string) => boolean, from: number, timeoutMs: number): Promise<string>;
  exited(): string | null;
  stop(): Promise<void>;
}

/** Espruino prints a prompt and erase-line codes before what it prints: the text without them. */
function clean(text: string): string {
  return text.replace(/\r/g, '').replace(/^(>|\x1b\[J)+/, '');
}

export function startEspruino(binary: string, cwd: string): EspruinoProcess {
  const t0 = performance.now();
  const child: ChildProcessWithoutNullStreams = spawn(binary, [], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: ConsoleLine[] = [];
  let rest = '';
  let gone: string | null = null;
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    rest += chunk.toString('latin1'); // Espruino's strings are bytes
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) lines.push({ at: performance.now() - t0, text: clean(p) });
    for (const w of waiters.splice(0)) w();
  });
  child.on('error', (err) => {
    gone = `${binary} did not start: ${err.message}`;
  });
  child.on('exit', (code, signal) => {
    gone ??= `${binary} exited (${signal ?? `status ${code}`})`;
    for (const w of waiters.splice(0)) w();
  });
  return {
    lines: () => lines,
    send: (line) => {
      if (gone === null) child.stdin.write(line + '\n');
    },
    waitFor: async (test, from, timeoutMs) => {
      const until = performance.now() + timeoutMs;
      for (let i = from; ; ) {
        for (; i < lines.length; i++) if (test(lines[i]!.text)) return lines[i]!.text;
        if (gone !== null) throw new Error(`Espruino console: ${gone}`);
        const left = until - performance.now();
        if (left <= 0) throw new Error(`Espruino console: nothing expected within ${timeoutMs} ms; last line ${JSON.stringify(lines.at(-1)?.text ?? '')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 500));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    exited: () => gone,
    stop: async () => {
      if (gone !== null) return;
      const exit = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exit;
    },
  };
}

/**
 * Writes `files` to the interpreter's Storage through its console, as the espruino CLI writes a
 * board's (1 KB a line, the first line giving the whole size), after erasing it. A line's answer
 * (`=true`) comes before the next line goes: Espruino reads its console a line at a time.
 */
export async function writeStorage(binary: string, cwd: string, files: Record<string, string>): Promise<void> {
  const e = startEspruino(binary, cwd);
  try {
    await e.waitFor((t) => /espruino\.com/.test(t), 0, 10_000);
    const CHUNK = 1024;
    const statements = ['require("Storage").eraseAll();'];
    for (const [name, data] of Object.entries(files)) {
      const n = JSON.stringify(name);
      if (data.length <= CHUNK) {
        statements.push(`require("Storage").write(${n},${JSON.stringify(data)});`);
        continue;
      }
      statements.push(`require("Storage").write(${n},${JSON.stringify(data.slice(0, CHUNK))},0,${data.length});`);
      for (let i = CHUNK; i < data.length; i += CHUNK) statements.push(`require("Storage").write(${n},${JSON.stringify(data.slice(i, i + CHUNK))},${i});`);
    }
    for (const s of statements) {
      const from = e.lines().length;
      e.send(s);
      const answer = await e.waitFor((t) => t.startsWith('=') || t.startsWith('Uncaught'), from, 10_000);
      if (!answer.startsWith('=')) throw new Error(`Espruino Storage write refused: ${answer}`);
    }
  } finally {
    await e.stop();
  }
}
