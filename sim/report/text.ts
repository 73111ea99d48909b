import type { MinuteClass, ScreenModel } from '../../firmware/display/index.ts';
import { formatUkDateTime } from '../../firmware/display/format.ts';
import type { RunResult } from '../run/run.ts';
import type { HomeMetrics } from '../run/timeline.ts';
import type { TimelineEvent } from '../run/timeline.ts';

const pounds = (v: number | null | undefined) => (typeof v === 'number' ? `£${v.toFixed(2)}` : '—');
/** "2026-07-01 17:59 BST": UK civil time with its zone, as a person reads it (the JSON keeps ISO UTC). */
const when = (t: number) => formatUkDateTime(t);

const METRIC_TEXT: Record<MinuteClass, string> = {
  creditMisleading: 'MISLEADING: shown credit off the truth, no warning',
  supplyMisleading: 'MISLEADING: gas off or on emergency credit, the screen does not say so',
  creditAndSupplyMisleading: 'MISLEADING: shown credit off the truth and gas off or on emergency credit, no warning',
  falseAlarm: 'false alarm: warning though the credit shown is within tolerance and the gas is on',
  ok: 'display honest',
};

/** What a person glancing at the PPMID would notice change (not the age ticking by). */
function visibleKey(s: ScreenModel): string {
  return JSON.stringify([s.freshness, s.credit, s.ec, s.supply, s.lastUpdate?.local ?? s.lastUpdate?.hhmm, s.lastUpdate?.source, s.warnings.map((w) => w.code), s.pending, s.topUp]);
}

/** Where the last top-up is: "top-up £5.00 at the hub", "top-up £5.00 failed: no answer from the hub". */
function topUpFlag(t: NonNullable<ScreenModel['topUp']>): string {
  const status = t.status === 'atHub' ? 'at the hub' : t.status === 'failed' ? `failed: ${t.reason}` : t.status;
  return `top-up ${pounds(t.amount)} ${status}`;
}

function describeScreen(s: ScreenModel): string {
  const time = s.lastUpdate ? `${s.lastUpdate.source === 'received' ? 'received' : 'updated'} ${s.lastUpdate.local ?? s.lastUpdate.hhmm}${s.lastUpdate.source === 'changeEstimate' ? ' (est.)' : ''}` : 'time unknown';
  const flags = [s.ec !== 'none' ? `EC ${s.ec}` : '', s.supply !== 'on' ? `supply ${s.supply}` : '', ...s.pending.filter((p) => p !== 'topUp').map((p) => `${p} pending`), s.topUp ? topUpFlag(s.topUp) : ''].filter(Boolean);
  const warnings = s.warnings.map((w) => w.code);
  return [s.freshness.padEnd(12), pounds(s.credit).padStart(8), ' ', time.padEnd(20), flags.join(', '), warnings.length ? `⚠ ${warnings.join(', ')}` : ''].join(' ').trimEnd();
}

/**
 * The readable timeline of one home: a line whenever what the PPMID shows changes, with the true
 * balance beside it, and the faults and customer actions that explain why.
 */
export function createTextTimeline(home: string, write: (line: string) => void): (e: TimelineEvent) => void {
  let last = '';
  let started = false;
  return (e) => {
    if (e.home !== home) return;
    if (!started) {
      started = true;
      write(`${'time (UK)'.padEnd(20)}  ${'PPMID shows'.padEnd(12)} ${'credit'.padStart(8)}   ${'time of reading'.padEnd(20)} …  | true credit`);
    }
    if (e.kind === 'screen') {
      const key = visibleKey(e.screen);
      if (key === last) return;
      last = key;
      write(`${when(e.t)}  ${describeScreen(e.screen)}  | true ${pounds(e.trueCredit)}`);
    } else if (e.kind === 'fault') {
      const what =
        e.fault === 'outage'
          ? `HAN outage ${e.phase} (${String(e.link)}, ${String(e.direction)}, loss ${String(e.loss)})`
          : e.fault === 'power'
            ? e.phase === 'off'
              ? `power off: ${String(e.device)} (for ${Math.round(Number(e.forMs) / 60_000)} min)`
              : `power on: ${String(e.device)} starts from its storage`
            : `${e.fault} on ${String(e.device)}`;
      write(`${when(e.t)}  ── ${what}`);
    } else if (e.kind === 'metric') {
      write(`${when(e.t)}  ── ${METRIC_TEXT[e.minute]} (shown ${pounds(e.shownCredit)} supply ${e.shownSupply}; true ${pounds(e.trueCredit)} supply ${e.trueSupply}${e.trueOnEmergencyCredit ? ' on emergency credit' : ''})`);
    } else if (e.kind === 'wan') {
      if (e.direction === 'command') {
        write(`${when(e.t)}  ── supplier asks ${e.useCase} (counter ${String(e.detail.counter)})`);
      } else if (e.direction === 'timeout') {
        write(`${when(e.t)}  ── supplier: ${e.useCase} (counter ${e.detail.counter}) timed out after ${Math.round(e.detail.waitedMs / 1000)} s: ${e.detail.reason}`);
      } else {
        const d = e.detail as { dateTime: string | null; timeStatus: { isFromGsme: boolean; clockStatus: string } | null; mac: string };
        const time = d.dateTime === null ? 'no date-time (legacy use case)' : `date-time ${d.dateTime} from the ${d.timeStatus?.isFromGsme ? 'GSME' : 'GPF'}, ${d.timeStatus?.clockStatus}`;
        write(`${when(e.t)}  ── Parse & Correlate: ${e.useCase} response, ${time}, MAC ${d.mac}`);
      }
    } else if (e.kind === 'coverage') {
      write(`${when(e.t)}  ── SM WAN coverage reaches ${e.postcode} (from ${e.from}): the comms hub can answer`);
    } else if (e.kind === 'smi') {
      write(`${when(e.t)}  ── SMI: ${e.device === 'gpf' ? 'comms hub' : 'GSME'} ${e.eui} ${e.from} → ${e.state} (MPRN ${e.mprn})`);
    } else if (e.kind === 'customer') {
      write(`${when(e.t)}  ── customer: ${e.action}${e.amount !== undefined ? ` £${e.amount.toFixed(2)}` : ''}${e.utrn !== undefined ? ` code ${e.utrn}` : ''} via ${e.via}`);
    } else if (e.kind === 'log' && e.device === 'gsme' && /top-up (applied|refused|keyed in)|meter top-up refused/.test(e.message)) {
      const d = (e.data ?? {}) as { amountGbp?: number; reason?: string };
      write(`${when(e.t)}  ── meter: ${e.message}${d.amountGbp !== undefined ? ` £${d.amountGbp.toFixed(2)}` : ''}${d.reason !== undefined ? ` (${d.reason})` : ''}`);
    }
  };
}

const SHOWN: readonly [keyof HomeMetrics['shownMinutes'], string][] = [
  ['fresh', 'fresh'],
  ['late', 'late'],
  ['stale', 'stale'],
  ['unknown', 'unknown'],
  ['clockProblem', 'clock'],
  ['hanLost', 'HAN lost'],
  ['noData', 'no data'],
];

export function formatSummary(r: RunResult, tolerance: number): string {
  const head = ['GSME', 'GPF', 'PPMID', 'fallback', 'credit-misl', 'supply-misl', 'false-alarm', ...SHOWN.map(([, name]) => name)];
  const rows = r.homes.map((h) => [
    h.firmware.gsme,
    h.firmware.gpf,
    h.firmware.ppmid,
    h.firmware.ppmid === 'legacy' ? '—' : h.firmware.changeTimeFallback ? 'on' : 'off',
    String(h.metrics.creditMisleadingMinutes),
    String(h.metrics.supplyMisleadingMinutes),
    String(h.metrics.falseAlarmMinutes),
    ...SHOWN.map(([k]) => String(h.metrics.shownMinutes[k])),
  ]);
  const widths = head.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const [main, ...compared] = rows;
  const tol = `£${tolerance.toFixed(2)}`;
  return [
    `Summary: ${r.scenario}, seed ${r.seed}, ${when(r.start)} → ${when(r.end)}; minutes of simulated time (the spec's core metric):`,
    `credit-misl  = the PPMID showed a credit more than ${tol} off the meter's with no "may be old" warning (stale, no change seen, HAN lost);`,
    `supply-misl  = the gas was really off (valve closed), or the meter on emergency credit, and the PPMID showed neither that nor "supply may be off";`,
    `false-alarm  = a "may be old" or "supply may be off" warning while the credit shown was within ${tol} and the gas on, not on emergency credit;`,
    `fresh … no data = the minutes the PPMID showed each state.`,
    '',
    line(head),
    line(main!) + '   ← this scenario',
    ...(compared.length ? ['', 'every firmware combination, same world:', ...compared.map(line)] : []),
  ].join('\n');
}
