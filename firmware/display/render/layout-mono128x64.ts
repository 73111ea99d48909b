/**
 * The PPMID screen on `mono128x64` (SSD1306 OLED / Pixl.js, 1 bit): balance (6x8 ×3), the time
 * line (in 4x6 with the reading's age when it has one), then two 13-pixel slots for the warnings
 * (inverted bars) and the badges; with more than two of those, every warning and badge in 9-pixel
 * rows, the balance smaller. See layout.ts; a board build takes only its own profile's file (`hanlab:display`).
 */
import type { Graphics } from './graphics.ts';
import type { ScreenModel } from '../screen-model.ts';
import { planScreen } from './plan.ts';
import type { Badge, ScreenPlan, TimeLine } from './plan.ts';
import { badgeRow, bigFont, fitText } from './layout-common.ts';

/** Draws `screen` and flips: one call, one whole frame. */
export function draw(g: Graphics, screen: ScreenModel): void {
  drawMono(g, planScreen(screen));
  g.flip();
}

function drawMono(g: Graphics, p: ScreenPlan): void {
  const W = g.getWidth();
  g.setBgColor(0);
  g.clear();
  g.setColor(1);
  const n = p.banners.length;
  const badges = badgeRow(g, p.badges, 3, 3, W);
  const all = badges.items.length === p.badges.length;

  // Up to two items (warnings, one row of badges): two slots of 13 px under the balance (6x8 ×3)
  // and the time line: the warnings as inverted bars, then the badges.
  if (all && n + (p.badges.length > 0 ? 1 : 0) <= 2) {
    top(g, p.balance, p.time, true, 3);
    for (let i = 0; i < n; i++) monoBanner(g, p.banners[i]!.title, 35 + 16 * i, 13);
    let x = (W - badges.width) >> 1;
    for (let i = 0; i < badges.items.length; i++) x = monoBadge(g, badges.items[i]!, x, 51, 13) + 3;
    return;
  }

  // More: every warning in a row of its own (9 px), then the badges in as many rows as they
  // need; the balance gets smaller to make room (×3, ×2, then one line with the time). Only
  // past six rows do the last warnings share one row.
  const rows: Badge[][] = [];
  let rest = p.badges;
  while (rest.length > 0) {
    const row = badgeRow(g, rest, 3, 3, W);
    if (row.items.length === 0) break;
    rows.push(row.items);
    rest = rest.filter((b) => row.items.indexOf(b) < 0);
  }
  const count = n + rows.length;
  const y0 = count <= 3 ? 34 : count <= 4 ? 26 : 9;
  top(g, p.balance, p.time, count <= 4, count <= 3 ? 3 : count <= 4 ? 2 : 1);
  const slots = Math.floor((64 - y0) / 9);
  // Past the rows there are, the last warning row carries the rest of the titles.
  const own = count > slots ? Math.max(1, slots - rows.length) - 1 : n;
  let y = y0;
  for (let i = 0; i < n && i <= own; i++, y += 9) {
    let title = p.banners[i]!.title;
    if (i === own) for (let j = i + 1; j < n; j++) title += ' ' + p.banners[j]!.title;
    monoBanner(g, title, y, 9);
  }
  for (let r = 0; r < rows.length && y + 9 <= 64; r++, y += 9) {
    let x = 0;
    for (let i = 0; i < rows[r]!.length; i++) x = monoBadge(g, rows[r]![i]!, x, y, 9) + 3;
  }
}

/** Balance and time line: balance 6x8 ×`scale` over the time line, or (scale 1) both on one line. */
/** Balance and time line; with an age, the time line in 4x6 ("Updated 10:00, 42 min ago", shorter when long). */
function top(g: Graphics, balance: string, tl: TimeLine, withSource: boolean, scale: number): void {
  const W = g.getWidth();
  const plain = withSource && tl.source !== '' ? tl.main + ' ' + tl.source : tl.main;
  const aged = (t: string) => t + (tl.source === 'est.' ? ' est., ' : ', ') + tl.age;
  g.setFontAlign(0, -1);
  if (scale === 1) {
    if (tl.age === '') {
      g.setFont('6x8', 1);
      g.drawString(fitText(g, balance + ' ' + plain, W), W >> 1, 0);
    } else {
      g.setFont('4x6', 1);
      g.drawString(fitText(g, balance + ' ' + aged(tl.at), W), W >> 1, 1);
    }
    return;
  }
  // Balance: 6x8 ×3 (18 px a character, 7 fit), smaller only for an unusually long amount.
  const s = bigFont(g, balance, W - 2, scale === 3 ? [3, 2, 1] : [2, 1]);
  g.setFontAlign(0, -1);
  g.drawString(balance, W >> 1, 1 + ((8 * scale - 8 * s) >> 1));
  const y = scale === 3 ? 25 : 17;
  if (tl.age === '') {
    g.setFont('6x8', 1);
    g.drawString(fitText(g, plain, W), W >> 1, y);
    return;
  }
  g.setFont('4x6', 1);
  const t = g.stringWidth(aged(tl.main)) <= W ? aged(tl.main) : aged(tl.at);
  g.drawString(fitText(g, t, W), W >> 1, y + 2);
  g.setFont('6x8', 1);
}

/** A warning's title as an inverted bar `h` px tall (13 or 9) at y. */
function monoBanner(g: Graphics, title: string, y: number, h: number): void {
  const W = g.getWidth();
  g.setColor(1);
  g.fillRect(0, y, W - 1, y + h - 1);
  g.setColor(0);
  g.setFont('6x8', 1);
  g.setFontAlign(0, -1);
  g.drawString(fitText(g, title, W - 4), W >> 1, y + ((h - 7) >> 1));
  g.setColor(1);
}

/**
 * Draws a badge `h` px tall (13 or 9) at x; returns its right edge. Alerts and cautions are
 * inverted, info outlined (in a 9-px row: plain text, an outline would touch the letters).
 */
function monoBadge(g: Graphics, b: Badge, x: number, y: number, h: number): number {
  g.setFont('6x8', 1);
  g.setFontAlign(-1, -1);
  const x2 = x + g.stringWidth(b.text) + 2;
  g.setColor(1);
  if (b.tone === 'info') {
    if (h > 9) g.drawRect(x, y, x2, y + h - 1);
  }
  else g.fillRect(x, y, x2, y + h - 1);
  g.setColor(b.tone === 'info' ? 1 : 0);
  g.drawString(b.text, x + 2, y + ((h - 7) >> 1));
  g.setColor(1);
  return x2;
}
