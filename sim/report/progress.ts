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
