/**
 * The PPMID screen, drawn through the Graphics subset (graphics.ts) for two displays:
 *
 * - `mono128x64`: SSD1306 OLED / Pixl.js, 1 bit. Balance (6x8 ×3), the time line, then two
 *   13-pixel slots: the top warning as an inverted bar, and the badges (or a second warning).
 * - `color176`: Bangle.js 2 class LCD, 3-bit colour (its 8 colours), black background so all six
 *   hues read well. Header, balance (6x8 ×4), the time (×2) in its freshness colour, where the
 *   time came from, up to three warning bars (red alert / yellow caution) and the badges.
 *
 * Positions are fixed per profile so the balance and the time are always where the eye expects
 * them. What is shown, and in which order, is planned in plan.ts; any text too wide for its box
 * is cut with "..". Ends with `g.flip()`: one call draws one whole frame.
 */
import type { Graphics, GraphicsImage } from './graphics.ts';
import type { ScreenModel } from '../screen-model.ts';
import type { Freshness } from '../freshness.ts';
import { planScreen } from './plan.ts';
import type { Badge, Banner, ScreenPlan, Tone } from './plan.ts';

export type DisplayProfile = 'mono128x64' | 'color176';

export const DISPLAY_PROFILES: Readonly<Record<DisplayProfile, { width: number; height: number; bpp: 1 | 3 }>> = {
  mono128x64: { width: 128, height: 64, bpp: 1 },
  color176: { width: 176, height: 176, bpp: 3 },
};

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

export function drawScreen(g: Graphics, screen: ScreenModel, profile: DisplayProfile): void {
  const plan = planScreen(screen);
  if (profile === 'color176') drawColor(g, plan);
  else drawMono(g, plan);
  g.flip();
}

function rgb(g: Graphics, c: number): void {
  g.setColor((c >> 2) & 1, (c >> 1) & 1, c & 1);
}

/** `text`, cut with ".." to fit `maxW` pixels in the current font. */
export function fitText(g: Graphics, text: string, maxW: number): string {
  if (g.stringWidth(text) <= maxW) return text;
  let t = text;
  while (t.length > 0 && g.stringWidth(t + '..') > maxW) t = t.substring(0, t.length - 1);
  return t + '..';
}

/** The largest 6x8 scale (of `scales`, largest first) at which `text` fits `maxW`. */
function bigFont(g: Graphics, text: string, maxW: number, scales: number[]): number {
  for (let i = 0; i < scales.length; i++) {
    g.setFont('6x8', scales[i]);
    if (g.stringWidth(text) <= maxW) return scales[i]!;
  }
  return 1;
}

/** How many of `badges` fit side by side in `maxW` (in order, skipping any too wide), and their width. */
function badgeRow(g: Graphics, badges: Badge[], pad: number, gap: number, maxW: number): { items: Badge[]; width: number } {
  g.setFont('6x8', 1);
  const items: Badge[] = [];
  let width = 0;
  for (let i = 0; i < badges.length; i++) {
    const w = g.stringWidth(badges[i]!.text) + pad;
    const next = items.length === 0 ? w : width + gap + w;
    if (next <= maxW) {
      items.push(badges[i]!);
      width = next;
    }
  }
  return { items: items, width: width };
}

// ---------------------------------------------------------------------------------------------
// mono128x64

function drawMono(g: Graphics, p: ScreenPlan): void {
  const W = g.getWidth();
  g.setBgColor(0);
  g.clear();
  g.setColor(1);

  // Balance: 6x8 ×3 (18 px a character, 7 fit), smaller only for an unusually long amount.
  const s = bigFont(g, p.balance, W - 2, [3, 2, 1]);
  g.setFontAlign(0, -1);
  g.drawString(p.balance, W >> 1, 1 + ((24 - 8 * s) >> 1));

  g.setFont('6x8', 1);
  const t = p.time.source === '' ? p.time.main : p.time.main + ' ' + p.time.source;
  g.drawString(fitText(g, t, W), W >> 1, 25);

  // Two slots of 13 px below: the top warning, then the next warning if it is an alert (or
  // there are no badges), else the badges.
  const slotY = [35, 51];
  const second = p.banners[1];
  const badges = badgeRow(g, p.badges, 3, 3, W);
  const bannerSlots = badges.items.length === 0 || (second !== undefined && second.tone === 'alert') ? 2 : 1;
  const shown = Math.min(bannerSlots, p.banners.length);
  for (let i = 0; i < shown; i++) {
    const more = i === shown - 1 ? p.banners.length - shown : 0;
    monoBanner(g, p.banners[i]!, slotY[i]!, more);
  }
  if (bannerSlots === 1) {
    let x = (W - badges.width) >> 1;
    for (let i = 0; i < badges.items.length; i++) x = monoBadge(g, badges.items[i]!, x, 51) + 3;
  }
}

function monoBanner(g: Graphics, b: Banner, y: number, more: number): void {
  const W = g.getWidth();
  g.setColor(1);
  g.fillRect(0, y, W - 1, y + 12);
  g.setColor(0);
  // "+N" (more warnings than fit) in the small font at the right end of the bar.
  const right = more > 0 ? W - 12 : W;
  g.setFont('6x8', 1);
  g.setFontAlign(0, -1);
  g.drawString(fitText(g, b.title, right - 4), right >> 1, y + 3);
  if (more > 0) {
    g.setFont('4x6', 1);
    g.setFontAlign(1, -1);
    g.drawString('+' + more, W - 2, y + 4);
  }
  g.setColor(1);
}

/** Draws a badge at x; returns its right edge. Alerts and cautions are inverted, info outlined. */
function monoBadge(g: Graphics, b: Badge, x: number, y: number): number {
  g.setFont('6x8', 1);
  g.setFontAlign(-1, -1);
  const x2 = x + g.stringWidth(b.text) + 2;
  g.setColor(1);
  if (b.tone === 'info') g.drawRect(x, y, x2, y + 12);
  else g.fillRect(x, y, x2, y + 12);
  g.setColor(b.tone === 'info' ? 1 : 0);
  g.drawString(b.text, x + 2, y + 3);
  g.setColor(1);
  return x2;
}

// ---------------------------------------------------------------------------------------------
// color176

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

  rgb(g, TIME_COLOR[p.freshness]);
  g.setFont('6x8', 2);
  g.drawString(fitText(g, p.time.main, W - 4), W >> 1, 56);
  rgb(g, WHITE);
  g.setFont('6x8', 1);
  g.drawString(fitText(g, p.time.sourceLong, W - 4), W >> 1, 74);

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
  const slots = Math.floor((badgeTop - 86) / 27);
  const shown = Math.min(slots, p.banners.length);
  for (let i = 0; i < shown; i++) {
    const more = i === shown - 1 ? p.banners.length - shown : 0;
    colorBanner(g, p.banners[i]!, 86 + i * 27, more);
  }
}

function colorBanner(g: Graphics, b: Banner, y: number, more: number): void {
  const W = g.getWidth();
  const c = toneColors(b.tone);
  rgb(g, c.fill);
  g.fillRect(0, y, W - 1, y + 23);
  rgb(g, c.text);
  g.drawImage(WARNING_ICON, 4, y + 3);
  g.setFont('6x8', 1);
  g.setFontAlign(-1, -1);
  const right = more > 0 ? W - 22 : W - 4;
  g.drawString(fitText(g, b.title, right - 18), 18, y + 4);
  g.drawString(fitText(g, b.detail, W - 20), 18, y + 14);
  if (more > 0) {
    g.setFontAlign(1, -1);
    g.drawString('+' + more, W - 4, y + 4);
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
