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
 *
 * One file per profile (layout-<profile>.ts, each exporting `draw`); this module picks one at run
 * time for the simulator and the emulator. A board with a fixed display builds in only its own
 * profile's file, through the build's virtual module `hanlab:display` (boards/bundler/bundle.ts).
 */
import type { Graphics } from './graphics.ts';
import type { ScreenModel } from '../screen-model.ts';
import { draw as drawColor176 } from './layout-color176.ts';
import { draw as drawMono128x64 } from './layout-mono128x64.ts';

export { fitText } from './layout-common.ts';

export type DisplayProfile = 'mono128x64' | 'color176';

export const DISPLAY_PROFILES: Readonly<Record<DisplayProfile, { width: number; height: number; bpp: 1 | 3 }>> = {
  mono128x64: { width: 128, height: 64, bpp: 1 },
  color176: { width: 176, height: 176, bpp: 3 },
};

export function drawScreen(g: Graphics, screen: ScreenModel, profile: DisplayProfile): void {
  if (profile === 'color176') drawColor176(g, screen);
  else drawMono128x64(g, screen);
}
