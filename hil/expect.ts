/**
 * Assertions about the DUT, made only from what it publishes. Each waits up to a timeout for the
 * expectation to hold and, when it never does, fails with what was expected and the last thing
 * seen (for a display: its freshness and its lines, as the customer would read them). Every wait
 * and timeout is on the run's harness time (`ctx.time`, clock.ts), never the wall clock directly.
 */
import type { ScreenModel } from '../firmware/display/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import type { SeenFrame } from './home.ts';
import { HilFailure } from './types.ts';
import type { HilContext } from './types.ts';

export const DEFAULT_WAIT_MS = 6_000;

export function describeScreen(s: ScreenModel | null): string {
  if (s === null) return 'no screen published since the case began';
  const credit = s.credit === null ? '—' : `£${s.credit.toFixed(2)}`;
  return `${s.freshness} screen (credit ${credit}): ${JSON.stringify(s.lines.join(' | '))}`;
}

/** The DUT's screen now, if it published it during this case (else null). */
export function currentScreen(ctx: HilContext): ScreenModel | null {
  const last = ctx.observe.screens().at(-1);
  return last !== undefined && last.wallMs >= ctx.since ? last.value : null;
}

function alive(ctx: HilContext): void {
  const gone = ctx.dut.exited();
  if (gone !== null) throw new HilFailure(`the DUT is gone: ${gone}`, ctx.observe.screen());
}

/** Waits until the DUT's screen satisfies `test`; `expected` names it for the failure message. */
export async function expectScreen(ctx: HilContext, expected: string, test: (s: ScreenModel) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<ScreenModel> {
  const until = ctx.time.now() + timeoutMs;
  for (;;) {
    alive(ctx);
    const s = currentScreen(ctx);
    if (s !== null && test(s)) return s;
    const left = until - ctx.time.now();
    if (left <= 0) throw new HilFailure(`expected ${expected} within ${timeoutMs} ms; saw ${describeScreen(s)}`, s);
    await ctx.observe.changed(Math.min(left, 250));
  }
}

/** For `forMs`, no screen the DUT publishes may satisfy `bad` (e.g. a spoofed balance). */
export async function expectNoScreen(ctx: HilContext, forbidden: string, bad: (s: ScreenModel) => boolean, forMs: number): Promise<void> {
  const from = ctx.time.now();
  while (ctx.time.now() - from < forMs) {
    alive(ctx);
    await ctx.observe.changed(Math.min(250, forMs));
  }
  const hit = ctx.observe.screens().find((e) => e.wallMs >= from && bad(e.value));
  if (hit) throw new HilFailure(`expected no ${forbidden}; saw ${describeScreen(hit.value)}`, hit.value);
}

export async function expectState(ctx: HilContext, expected: string, test: (s: Record<string, unknown>) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<Record<string, unknown>> {
  const until = ctx.time.now() + timeoutMs;
  for (;;) {
    alive(ctx);
    const s = ctx.observe.state();
    if (s !== null && test(s)) return s;
    const left = until - ctx.time.now();
    if (left <= 0) throw new HilFailure(`expected state ${expected} within ${timeoutMs} ms; saw ${s === null ? 'no state published' : JSON.stringify(s)}`, ctx.observe.screen());
    await ctx.observe.changed(Math.min(left, 250));
  }
}

/** Waits for a frame from the DUT (seen by one of the harness's devices) after `sinceWallMs` (harness ms, `ctx.time.now()`). */
export async function expectFrame(ctx: HilContext, expected: string, test: (f: SeenFrame & { frame: ZclFrame }) => boolean, sinceWallMs: number, timeoutMs = DEFAULT_WAIT_MS): Promise<SeenFrame & { frame: ZclFrame }> {
  const until = ctx.time.now() + timeoutMs;
  for (;;) {
    alive(ctx);
    const hit = ctx.home.seen().find((f): f is SeenFrame & { frame: ZclFrame } => f.wallMs >= sinceWallMs && f.frame !== null && test(f as SeenFrame & { frame: ZclFrame }));
    if (hit) return hit;
    if (ctx.time.now() >= until) {
      const recent = ctx.home.seen().filter((f) => f.wallMs >= sinceWallMs);
      const last = recent.at(-1);
      const saw = last ? `${recent.length} frame(s), the last ${last.frame ? last.frame.command.kind : 'malformed'} on cluster 0x${last.clusterId.toString(16).padStart(4, '0')} to the ${last.dst}` : 'no frame from the DUT';
      throw new HilFailure(`expected ${expected} within ${timeoutMs} ms; saw ${saw}`, ctx.observe.screen());
    }
    await ctx.time.sleep(50);
  }
}

/**
 * Waits for a line of the DUT's own log matching `pattern`. A target whose log the harness cannot
 * read (a flashed board without --console) passes with a note: the rest of the case still checks
 * the device's behaviour.
 */
export async function expectLog(ctx: HilContext, expected: string, pattern: RegExp, sinceIndex: number, timeoutMs = DEFAULT_WAIT_MS): Promise<string | null> {
  const until = ctx.time.now() + timeoutMs;
  for (;;) {
    const lines = ctx.dut.logLines();
    if (lines === null) return null;
    const hit = lines.slice(sinceIndex).find((l) => pattern.test(l));
    if (hit) return hit;
    if (ctx.time.now() >= until) throw new HilFailure(`expected a log line ${expected} (${pattern}) within ${timeoutMs} ms; saw ${lines.length - sinceIndex} new line(s)${lines.length > sinceIndex ? `, the last ${JSON.stringify(lines.at(-1))}` : ''}`, ctx.observe.screen());
    await ctx.time.sleep(50);
  }
}
