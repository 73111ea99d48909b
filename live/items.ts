/**
 * What the page is sent: each timeline event as an item the page can draw without knowing the
 * firmware. A screen becomes the number of its picture (screen-images.ts) with its freshness,
 * warnings and credit beside the true credit; a HAN frame keeps the one-line decoding the timeline
 * already carries; faults, metric changes, the supplier's reads with Parse & Correlate's verdict
 * and the customer's actions carry the very line `hanlab sim` prints for them (sim/report/text.ts),
 * so the page and the terminal never say it two ways.
 */
import { formatUkDateTime } from '../firmware/display/format.ts';
import type { Freshness, MinuteClass } from '../firmware/display/index.ts';
import { createTextTimeline } from '../sim/report/text.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import type { ScreenImages } from './screen-images.ts';

interface Common {
  /** ISO 8601 UTC (machine). */
  t: string;
  /** Epoch ms, for the page's arithmetic (chart, scrubber). */
  ms: number;
  /** UK civil time with its zone, as a person reads it ("2026-01-15 18:29 GMT"). */
  uk: string;
  home: string;
}

export type DashboardItem = Common &
  (
    | { k: 'screen'; img: number; freshness: Freshness; warnings: { code: string; text: string }[]; lines: string[]; credit: number | null; trueCredit: number | null; supply: string }
    | { k: 'han'; from: string; to: string; cluster: string; bytes: number; command: string; lost: boolean }
    | { k: 'wan'; direction: string; useCase: string; text: string }
    | { k: 'fault'; fault: string; phase: string; key: string; text: string }
    | { k: 'metric'; minute: MinuteClass; text: string }
    | { k: 'note'; kind: string; text: string }
  );

/** Turns a run's events into items, drawing screens into `images`. */
export function createItemMaker(images: ScreenImages): (e: TimelineEvent) => DashboardItem | null {
  // One text timeline per home, read line by line: its wording for everything but screens.
  const texts = new Map<string, (e: TimelineEvent) => void>();
  let written: string[] = [];
  const textOf = (e: TimelineEvent): string | null => {
    let print = texts.get(e.home);
    const first = print === undefined;
    if (!print) texts.set(e.home, (print = createTextTimeline(e.home, (l) => written.push(l))));
    written = [];
    print(e);
    // Its first call writes the column header before the event's own line, if any.
    const l = written.length > (first ? 1 : 0) ? written[written.length - 1]! : null;
    // "2026-01-15 17:30 GMT  ── HAN outage start (…)": the item has its own time.
    return l === null ? null : l.replace(/^.*?──\s*/, '');
  };
  return (e) => {
    const common: Common = { t: formatTime(e.t), ms: e.t, uk: formatUkDateTime(e.t), home: e.home };
    switch (e.kind) {
      case 'screen':
        return {
          ...common,
          k: 'screen',
          img: images.draw(e.screen),
          freshness: e.screen.freshness,
          warnings: e.screen.warnings.map((w) => ({ code: w.code, text: w.text })),
          lines: e.screen.lines,
          credit: e.screen.credit,
          trueCredit: e.trueCredit,
          supply: e.screen.supply,
        };
      case 'han':
        return { ...common, k: 'han', from: e.from, to: e.to, cluster: e.cluster, bytes: e.bytes, command: e.command, lost: e.lost === true };
      case 'wan':
        return { ...common, k: 'wan', direction: e.direction, useCase: e.useCase, text: textOf(e) ?? `${e.useCase} ${e.direction}` };
      case 'fault': {
        const phase = typeof e.phase === 'string' ? e.phase : '';
        // What a start and its end have in common, to shade the time between them.
        const key = e.fault === 'outage' ? `outage ${String(e.link)}` : e.fault === 'power' ? `power ${String(e.device)}` : e.fault;
        return { ...common, k: 'fault', fault: e.fault, phase, key, text: textOf(e) ?? e.fault };
      }
      case 'metric':
        return { ...common, k: 'metric', minute: e.minute, text: textOf(e) ?? e.minute };
      default: {
        const text = textOf(e);
        return text === null ? null : { ...common, k: 'note', kind: e.kind, text };
      }
    }
  };
}
