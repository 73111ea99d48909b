/**
 * `hanlab sim --glow`: a home's PPMID also publishes its view in Glow's local JSON layout
 * (han/glow.ts), from its own connection, never retained.
 *
 * The volume is `data.summation` of the PPMID's own context (the machine's snapshot), not a second
 * decoding of the frames delivered to it: the context holds what the PPMID took (a Metering answer
 * it did not match to one of its polls is not in its view, and would be in the frames), and it is
 * read when the screen drawn from it is emitted, so the volume and the reading time shown come
 * from the same Metering read. A PPMID whose snapshot holds no such context (one running on a
 * board) publishes no gas message.
 */
import type { ScreenModel } from '../../firmware/display/index.ts';
import type { GsmeConfig } from '../../firmware/machines/index.ts';
import type { Eui64 } from '../../firmware/platform/index.ts';
import { glowGasMeterJson, glowGasMeterTopic, glowStateJson, glowStateTopic, nextGlowPeriods } from '../../han/glow.ts';
import type { GlowPeriods, PpmidLink } from '../../han/glow.ts';

export interface GlowPublisherOptions {
  eui: Eui64;
  firmware: string;
  mprn: string;
  /** The GSME's configuration as the simulator built it (devices.ts gsmeInput, resolved). */
  meter: GsmeConfig;
  /** The PPMID's machine context now. */
  ppmidContext(): unknown;
  /** The PPMID's hardware clock (its state model gives the offset it took from the GPF). */
  ppmidClock(): number;
  publish(topic: string, payload: string): void;
}

export interface GlowPublisher {
  /** Each screen the PPMID draws. */
  screen(screen: ScreenModel): void;
  /** Each state model the PPMID publishes. */
  state(state: Record<string, unknown>): void;
}

const LINKS: readonly PpmidLink[] = ['up', 'connecting', 'lost'];

export function createGlowPublisher(o: GlowPublisherOptions): GlowPublisher {
  const gasTopic = glowGasMeterTopic(o.eui);
  const stateTopic = glowStateTopic(o.eui);
  let periods: GlowPeriods | null = null;
  let last: { atMs: number; summation: number } | null = null;
  let lastLink: PpmidLink | null = null;
  return {
    screen(screen) {
      // No reading time shown, nothing said: Glow's message has no way to say "time unknown".
      if (screen.lastUpdate === null) return;
      const summation = summationOf(o.ppmidContext());
      if (summation === null) return;
      const atMs = Date.parse(screen.lastUpdate.at);
      // Only a new reading (its time or its volume): most screens change only the age shown.
      if (last !== null && last.atMs === atMs && last.summation === summation) return;
      last = { atMs, summation };
      periods = nextGlowPeriods(periods, atMs, summation);
      o.publish(gasTopic, glowGasMeterJson({ readingTimeMs: atMs, summation, periods, meter: o.meter, mprn: o.mprn, supplier: null }));
    },
    state(state) {
      const link = state['link'] as PpmidLink;
      if (!LINKS.includes(link) || link === lastLink) return;
      lastLink = link;
      const offset = typeof state['clockOffsetMs'] === 'number' ? state['clockOffsetMs'] : 0;
      o.publish(stateTopic, glowStateJson({ nowMs: o.ppmidClock() + offset, eui: o.eui, firmware: o.firmware, link }));
    },
  };
}

/** CurrentSummationDelivered as the PPMID holds it (raw), or null when it has none. */
function summationOf(context: unknown): number | null {
  const data = (context as { data?: { summation?: unknown } } | null | undefined)?.data;
  const s = data?.summation;
  return typeof s === 'number' && Number.isSafeInteger(s) && s >= 0 ? s : null;
}
