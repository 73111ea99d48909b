/** bench/progress.ts: the benchmarks' progress lines on stderr (start, end, and every 10 s between). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progress } from '../bench/progress.ts';

function recorder() {
  const lines: string[] = [];
  const p = progress('x', { write: (t) => lines.push(t), now: () => Date.now() });
  return { lines, p };
}

describe('bench progress lines', () => {
  afterEach(() => vi.useRealTimers());

  it('a step says when it starts and when it ends, with its time, and returns what it made', async () => {
    vi.useFakeTimers({ now: 0 });
    const { lines, p } = recorder();
    const r = await p.step('build ppmid', async () => {
      vi.setSystemTime(1_500);
      return 42;
    });
    expect(r).toBe(42);
    expect(lines).toEqual(['bench:x: build ppmid …\n', 'bench:x: build ppmid: done in 1.5 s\n']);
  });

  it('a step that fails says so and throws on', async () => {
    vi.useFakeTimers({ now: 0 });
    const { lines, p } = recorder();
    await expect(
      p.step('generate', () => {
        vi.setSystemTime(2_000);
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(lines.at(-1)).toBe('bench:x: generate: failed after 2.0 s\n');
  });

  it('a long step says it is still going every 10 s while it waits', async () => {
    vi.useFakeTimers({ now: 0 });
    const { lines, p } = recorder();
    const done = p.step('withdraw', () => new Promise<void>((resolve) => setTimeout(resolve, 25_000)));
    await vi.advanceTimersByTimeAsync(25_000);
    await done;
    expect(lines).toEqual(['bench:x: withdraw …\n', 'bench:x: withdraw: … 10.0 s\n', 'bench:x: withdraw: … 20.0 s\n', 'bench:x: withdraw: done in 25.0 s\n']);
  });

  it('tick says a line only when the last one is 10 s old (a loop that never yields)', () => {
    vi.useFakeTimers({ now: 0 });
    const { lines, p } = recorder();
    let made = 0;
    const line = () => `input ${++made}`;
    for (const t of [1_000, 9_999, 10_000, 15_000, 19_999, 20_000]) {
      vi.setSystemTime(t);
      p.tick(line);
    }
    expect(lines).toEqual(['bench:x: input 1\n', 'bench:x: input 2\n']);
    expect(made).toBe(2);
    p.say('now');
    vi.setSystemTime(29_999);
    p.tick(line);
    expect(lines.at(-1)).toBe('bench:x: now\n');
  });
});
