import type { ScreenModel } from '../../firmware/display/index.ts';
import type { RunResult } from '../run/run.ts';
import type { TimelineEvent } from '../run/timeline.ts';

const pounds = (v: number | null | undefined) => (typeof v === 'number' ? `£${v.toFixed(2)}` : '—');
const when = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/** What a person glancing at the PPMID would notice change (not the age ticking by). */
function visibleKey(s: ScreenModel): string {
  return JSON.stringify([s.freshness, s.credit, s.ec, s.supply, s.lastUpdate?.hhmm, s.lastUpdate?.source, s.warnings.map((w) => w.code), s.pending, s.topUp]);
}

/** Where the last top-up is: "top-up £5.00 at the hub", "top-up £5.00 failed: no answer from the hub". */
function topUpFlag(t: NonNullable<ScreenModel['topUp']>): string {
  const status = t.status === 'atHub' ? 'at the hub' : t.status === 'failed' ? `failed: ${t.reason}` : t.status;
  return `top-up ${pounds(t.amount)} ${status}`;
}

function describeScreen(s: ScreenModel): string {
  const time = s.lastUpdate ? `updated ${s.lastUpdate.hhmm}${s.lastUpdate.source === 'changeEstimate' ? ' (est.)' : ''}` : 'time unknown';
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
      write(`${'time (UTC)'.padEnd(16)}  ${'PPMID shows'.padEnd(12)} ${'credit'.padStart(8)}   ${'time of reading'.padEnd(20)} …  | true credit`);
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
      const what = e.minute === 'misleading' ? 'MISLEADING: shown credit off the truth, no warning' : e.minute === 'falseAlarm' ? 'false alarm: stale warning though the credit shown is within tolerance' : 'display honest';
      write(`${when(e.t)}  ── ${what} (shown ${pounds(e.shownCredit)}, true ${pounds(e.trueCredit)})`);
    } else if (e.kind === 'wan') {
      if (e.direction === 'command') {
        write(`${when(e.t)}  ── supplier asks ${e.useCase} (counter ${String(e.detail.counter)})`);
      } else {
        const d = e.detail as { dateTime: string | null; timeStatus: { isFromGsme: boolean; clockStatus: string } | null; mac: string };
        const time = d.dateTime === null ? 'no date-time (legacy use case)' : `date-time ${d.dateTime} from the ${d.timeStatus?.isFromGsme ? 'GSME' : 'GPF'}, ${d.timeStatus?.clockStatus}`;
        write(`${when(e.t)}  ── Parse & Correlate: ${e.useCase} response, ${time}, MAC ${d.mac}`);
      }
    } else if (e.kind === 'customer') {
      write(`${when(e.t)}  ── customer: ${e.action}${e.amount !== undefined ? ` £${e.amount.toFixed(2)}` : ''}${e.utrn !== undefined ? ` code ${e.utrn}` : ''} via ${e.via}`);
    } else if (e.kind === 'log' && e.device === 'gsme' && /top-up (applied|refused|keyed in)|meter top-up refused/.test(e.message)) {
      const d = (e.data ?? {}) as { amountGbp?: number; reason?: string };
      write(`${when(e.t)}  ── meter: ${e.message}${d.amountGbp !== undefined ? ` £${d.amountGbp.toFixed(2)}` : ''}${d.reason !== undefined ? ` (${d.reason})` : ''}`);
    }
  };
}

export function formatSummary(r: RunResult, tolerance: number): string {
  const head = ['GSME', 'GPF', 'PPMID', 'fallback', 'misleading min', 'false-alarm min', 'stale min'];
  const rows = r.homes.map((h) => [
    h.firmware.gsme,
    h.firmware.gpf,
    h.firmware.ppmid,
    h.firmware.ppmid === 'legacy' ? '—' : h.firmware.changeTimeFallback ? 'on' : 'off',
    String(h.metrics.misleadingMinutes),
    String(h.metrics.falseAlarmMinutes),
    String(h.metrics.staleMinutes),
  ]);
  const widths = head.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const [main, ...compared] = rows;
  return [
    `Summary: ${r.scenario}, seed ${r.seed}, ${when(r.start)} → ${when(r.end)} UTC`,
    `misleading = the PPMID showed a credit more than £${tolerance.toFixed(2)} off the meter's with no stale / unknown warning (spec section 6);`,
    `false alarm = such a warning while the credit shown was within £${tolerance.toFixed(2)}.`,
    '',
    line(head),
    line(main!) + '   ← this scenario',
    ...(compared.length ? ['', 'every firmware combination, same world:', ...compared.map(line)] : []),
  ].join('\n');
}
