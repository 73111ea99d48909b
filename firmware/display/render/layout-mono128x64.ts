/**
 * The PPMID screen on `mono128x64` (SSD1306 OLED / Pixl.js, 1 bit): balance (6x8 ×3), the time
 * line (in 4x6 with the reading's age when it has one), then two 13-pixel slots: the top warning as an inverted bar, and the badges (or a second
 * warning). See layout.ts; a board build takes only its own profile's file (`hanlab:display`).
 */
import type { Graphics } from './graphics.ts';
import type { ScreenModel } from '../screen-model.ts';
import { planScreen } from './plan.ts';
import type { Badge, Banner, ScreenPlan } from './plan.ts';
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

  // Balance: 6x8 ×3 (18 px a character, 7 fit), smaller only for an unusually long amount.
  const s = bigFont(g, p.balance, W - 2, [3, 2, 1]);
  g.setFontAlign(0, -1);
  g.drawString(p.balance, W >> 1, 1 + ((24 - 8 * s) >> 1));

  g.setFont('6x8', 1);
  const tl = p.time;
  if (tl.age === '') {
    g.drawString(fitText(g, tl.source === '' ? tl.main : tl.main + ' ' + tl.source, W), W >> 1, 25);
  } else {
    // With its age, in the small font: "Updated 10:00, 42 min ago", without "Updated" when long.
    g.setFont('4x6', 1);
    const age = (tl.source === 'est.' ? ' est., ' : ', ') + tl.age;
    const t = g.stringWidth(tl.main + age) <= W ? tl.main + age : tl.at + age;
    g.drawString(fitText(g, t, W), W >> 1, 27);
    g.setFont('6x8', 1);
  }

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
