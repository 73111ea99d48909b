import { formatUkDateTime } from '../../firmware/display/format.ts';

/**
 * A one-line progress bar on a terminal's stderr, shown only once a run has taken a couple of
 * seconds, and never when stderr is not a terminal (CI logs, pipes): stdout stays clean for
 * `--json`.
 */
export function createProgressBar(stream: NodeJS.WriteStream, showAfterMs = 2000): { update(fraction: number): void; clear(): void } {
  const started = performance.now();
  let shown = false;
  return {
    update(fraction) {
      if (!stream.isTTY || performance.now() - started < showAfterMs) return;
      shown = true;
      const width = 30;
      const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      stream.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(fraction * 100).toFixed(0).padStart(3)}% simulated`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * The timeline's output on stdout. On a terminal, where the run is at stays on the last line
 * ("… simulated to 2026-01-15 17:30 GMT, 48%", rewritten with \r, shown once the run has taken a
 * couple of seconds) and each timeline line is written above it as the run reaches it; anywhere
 * else (a file, a pipe) only the lines themselves, the same bytes however they are chunked.
 */
export function createTimelineOutput(
  stream: NodeJS.WriteStream,
  showAfterMs = 2000,
): { write(text: string): void; update(fraction: number, at: number): void; clear(): void; readonly tty: boolean } {
  const tty = stream.isTTY === true;
  const started = performance.now();
  let status = '';
  return {
    tty,
    write(text) {
      if (text === '') return;
      stream.write(status === '' ? text : `\r\x1b[K${text}${status}`);
    },
    update(fraction, at) {
      if (!tty || performance.now() - started < showAfterMs) return;
      const percent = (Math.min(1, Math.max(0, fraction)) * 100).toFixed(0);
      const next = `… simulated to ${formatUkDateTime(at)}, ${percent}%`;
      if (next === status) return;
      status = next;
      stream.write(`\r\x1b[K${status}`);
    },
    clear() {
      if (status !== '') stream.write('\r\x1b[K');
      status = '';
    },
  };
}
