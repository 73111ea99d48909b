/**
 * The fleet report as a picture a person reads at a glance (SVG): customer-minutes misled per day
 * per 10,000 homes, one bar per firmware combination and one per fault kind, each labelled with
 * its figure and its number of homes. Plain SVG text: no script, no fonts to fetch.
 */
import type { FleetReport, FleetRow } from './results.ts';

const W = 760;
const LABEL = 250;
const BAR_H = 22;
const GAP = 8;
const VALUE = 150;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function panel(title: string, rows: FleetRow[], top: number, max: number, colour: string): { svg: string; height: number } {
  const parts = [`<text x="16" y="${top + 16}" font-size="15" font-weight="bold">${esc(title)}</text>`];
  let y = top + 28;
  for (const r of rows) {
    const w = max > 0 ? Math.max(r.misledPerDayPer10k > 0 ? 2 : 0, ((W - LABEL - VALUE) * r.misledPerDayPer10k) / max) : 0;
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 15}" font-size="13" text-anchor="end">${esc(r.name)}</text>`,
      `<rect x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${colour}"><title>${esc(`${r.name}: ${r.misledPerDayPer10k.toFixed(1)} per day per 10,000 homes (${r.misledMinutes} minutes over ${r.homes} homes)`)}</title></rect>`,
      `<text x="${(LABEL + w + 6).toFixed(1)}" y="${y + 15}" font-size="12">${r.misledPerDayPer10k.toFixed(1)} · ${r.homes} home${r.homes === 1 ? '' : 's'}</text>`,
    );
    y += BAR_H + GAP;
  }
  return { svg: parts.join('\n'), height: y - top + 6 };
}

export function fleetChartSvg(r: FleetReport): string {
  const max = Math.max(0, ...r.byFirmware.map((x) => x.misledPerDayPer10k), ...r.byFault.map((x) => x.misledPerDayPer10k));
  const head = 64;
  const a = panel('By firmware combination', r.byFirmware, head, max, '#c5221f');
  const b = panel('By fault kind (a home with several counts under each)', r.byFault, head + a.height + 10, max, '#0b5cad');
  const height = head + a.height + 10 + b.height + 28;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" fill="#1b1f24">`,
    `<rect width="${W}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="18" font-weight="bold">Customer-minutes misled per day per 10,000 homes</text>`,
    `<text x="16" y="48" font-size="13">${esc(`${r.homes} homes of ${r.population}, seed ${r.seed}: ${r.total.misledPerDayPer10k.toFixed(1)} across the fleet (p90 of a home-day ${r.misledMinutesPerDay.p90} min)`)}</text>`,
    a.svg,
    b.svg,
    `<text x="16" y="${height - 10}" font-size="11" fill="#5f6b76">Misled: a credit more than the tolerance off with no "may be old" warning, or the gas off / on emergency credit unsaid (hanlab's core metric).</text>`,
    '</svg>',
    '',
  ].join('\n');
}
