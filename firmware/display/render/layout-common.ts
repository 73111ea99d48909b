/**
 * What both display layouts (layout-mono128x64.ts, layout-color176.ts) use: fitting text and
 * badges into a width in the current font.
 */
import type { Graphics } from './graphics.ts';
import type { Badge } from './plan.ts';

/** `text`, cut with ".." to fit `maxW` pixels in the current font. */
export function fitText(g: Graphics, text: string, maxW: number): string {
  if (g.stringWidth(text) <= maxW) return text;
  let t = text;
  while (t.length > 0 && g.stringWidth(t + '..') > maxW) t = t.substring(0, t.length - 1);
  return t + '..';
}

/** The largest 6x8 scale (of `scales`, largest first) at which `text` fits `maxW`. */
export function bigFont(g: Graphics, text: string, maxW: number, scales: number[]): number {
  for (let i = 0; i < scales.length; i++) {
    g.setFont('6x8', scales[i]);
    if (g.stringWidth(text) <= maxW) return scales[i]!;
  }
  return 1;
}

/** How many of `badges` fit side by side in `maxW` (in order, skipping any too wide), and their width. */
export function badgeRow(g: Graphics, badges: Badge[], pad: number, gap: number, maxW: number): { items: Badge[]; width: number } {
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
