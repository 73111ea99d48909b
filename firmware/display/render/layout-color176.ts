/**
 * The PPMID screen on `color176` (Bangle.js 2 class LCD, 3-bit colour, black background): header,
 * balance (6x8 ×4), the time (×2) in its freshness colour, where the time came from (or the
 * reading's age, when the screen model shows it), up to three
 * warning bars (red alert / yellow caution) and the badges. See layout.ts; a board build takes only
 * its own profile's file (`hanlab:display`).
 */
import type { Graphics, GraphicsImage } from './graphics.ts';
import type { ScreenModel } from '../screen-model.ts';
import type { Freshness } from '../freshness.ts';
import { NO_READING, planScreen } from './plan.ts';
import type { Badge, Banner, ScreenPlan, TimeLine, Tone } from './plan.ts';
import { badgeRow, bigFont, fitText } from './layout-common.ts';

// The 3-bit palette as 0bRGB, set through setColor(r, g, b) so it works on any colour depth.
const BLACK = 0;
const BLUE = 1;
const GREEN = 2;
const CYAN = 3;
const RED = 4;
const MAGENTA = 5;
const YELLOW = 6;
const WHITE = 7;

/** A warning triangle with a "!" left open (9×8, 1 bpp, 0 bits transparent). */
const WARNING_ICON: GraphicsImage = {
  width: 9,
  height: 8,
  bpp: 1,
  transparent: 0,
  buffer: new Uint8Array([0x08, 0x0e, 0x05, 0x06, 0xc3, 0x63, 0xf9, 0xdd, 0xff]),
};

/** Draws `screen` and flips: one call, one whole frame. */
export function draw(g: Graphics, screen: ScreenModel): void {
  drawColor(g, planScreen(screen));
  g.flip();
}

/** The line under the time: where it came from, spelt out (the 128×64 screen shows `source` only). */
function sourceLine(t: TimeLine): string {
  if (t.source === 'est.') return 'est.: meter sends no time';
  if (t.source === 'clock?') return 'Arrival time (clock problem)';
  if (t.source !== '') return 'Time from the meter (GSME)';
  return t.main === NO_READING ? 'Waiting for the meter' : 'Meter sends no time';
}

function rgb(g: Graphics, c: number): void {
  g.setColor((c >> 2) & 1, (c >> 1) & 1, c & 1);
}

const TIME_COLOR: Record<Freshness, number> = {
  fresh: GREEN,
  late: YELLOW,
  stale: RED,
  unknown: CYAN,
  clockProblem: MAGENTA,
  hanLost: RED,
  noData: WHITE,
};

/** Fill and text colour of a tone; info is drawn as an outline in its text colour. */
function toneColors(t: Tone): { fill: number; text: number } {
  if (t === 'alert') return { fill: RED, text: WHITE };
  if (t === 'caution') return { fill: YELLOW, text: BLACK };
  return { fill: BLACK, text: CYAN };
}

function drawColor(g: Graphics, p: ScreenPlan): void {
  const W = g.getWidth();
  const H = g.getHeight();
  g.setBgColor(0, 0, 0);
  g.clear();

  rgb(g, BLUE);
  g.fillRect(0, 0, W - 1, 15);
  rgb(g, WHITE);
  g.setFont('6x8', 1);
  g.setFontAlign(0, -1);
  g.drawString('GAS BALANCE', W >> 1, 4);

  // Balance: 6x8 ×4 (24 px a character, 7 fit), in a 32 px band.
  const s = bigFont(g, p.balance, W - 4, [4, 3, 2]);
  g.setFontAlign(0, -1);
  g.drawString(p.balance, W >> 1, 21 + ((32 - 8 * s) >> 1));

  const t = p.time;
  rgb(g, TIME_COLOR[p.freshness]);
  g.setFont('6x8', 2);
  // "Updated Tue 10:00" is too wide at ×2: the time alone, and "Updated" goes before the age.
  const whole = t.at === '' || g.stringWidth(t.main) <= W - 4;
  const main = whole ? t.main : t.at;
  const ts = bigFont(g, main, W - 4, [2, 1]);
  g.setFontAlign(0, -1);
  g.drawString(fitText(g, main, W - 4), W >> 1, 56 + 8 - 4 * ts);
  g.setFont('6x8', 1);
  if (t.age === '') {
    rgb(g, WHITE);
    g.drawString(fitText(g, sourceLine(t), W - 4), W >> 1, 74);
  } else {
    g.drawString(fitText(g, (t.source === 'est.' ? 'est. ' : whole ? '' : t.main.slice(0, t.main.length - t.at.length)) + t.age, W - 4), W >> 1, 74);
  }

  // Badges from the bottom up (at most two rows of 15 px), warning bars from y = 86 down in the rest.
  const rows: { items: Badge[]; width: number }[] = [];
  let rest = p.badges;
  while (rest.length > 0 && rows.length < 2) {
    const row = badgeRow(g, rest, 7, 4, W - 4);
    if (row.items.length === 0) break;
    rows.push(row);
    const left: Badge[] = [];
    for (let i = 0; i < rest.length; i++) if (row.items.indexOf(rest[i]!) < 0) left.push(rest[i]!);
    rest = left;
  }
  const badgeTop = H - rows.length * 18;
  for (let r = 0; r < rows.length; r++) {
    let x = (W - rows[r]!.width) >> 1;
    for (let i = 0; i < rows[r]!.items.length; i++) x = colorBadge(g, rows[r]!.items[i]!, x, badgeTop + r * 18 + 2) + 5;
  }
  // Bars of two lines (title, detail) when they all fit, else of the title alone (14 px).
  const n = p.banners.length;
  const pitch = n * 27 - 3 <= badgeTop - 86 ? 27 : 14;
  const slots = Math.floor((badgeTop - 86 + pitch - (pitch === 27 ? 24 : 13)) / pitch);
  const shown = Math.min(slots, n);
  for (let i = 0; i < shown; i++) {
    const more = i === shown - 1 ? n - shown : 0;
    colorBanner(g, p.banners[i]!, 86 + i * pitch, more, pitch === 27);
  }
}

function colorBanner(g: Graphics, b: Banner, y: number, more: number, detail: boolean): void {
  const W = g.getWidth();
  const c = toneColors(b.tone);
  rgb(g, c.fill);
  g.fillRect(0, y, W - 1, y + (detail ? 23 : 12));
  rgb(g, c.text);
  g.drawImage(WARNING_ICON, 4, y + (detail ? 3 : 2));
  g.setFont('6x8', 1);
  g.setFontAlign(-1, -1);
  const right = more > 0 ? W - 22 : W - 4;
  g.drawString(fitText(g, b.title, right - 18), 18, y + (detail ? 4 : 3));
  if (detail) g.drawString(fitText(g, b.detail, W - 20), 18, y + 14);
  if (more > 0) {
    g.setFontAlign(1, -1);
    g.drawString('+' + more, W - 4, y + (detail ? 4 : 3));
  }
}

function colorBadge(g: Graphics, b: Badge, x: number, y: number): number {
  const c = toneColors(b.tone);
  g.setFont('6x8', 1);
  g.setFontAlign(-1, -1);
  const x2 = x + g.stringWidth(b.text) + 6;
  rgb(g, b.tone === 'info' ? c.text : c.fill);
  if (b.tone === 'info') g.drawRect(x, y, x2, y + 14);
  else g.fillRect(x, y, x2, y + 14);
  rgb(g, c.text);
  g.drawString(b.text, x + 4, y + 4);
  return x2;
}
