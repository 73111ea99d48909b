/** The DUT's last screen model drawn as the board's display would show it, for a failed step. */
import type { ScreenModel } from '../firmware/display/index.ts';
import { createFrameBuffer, DISPLAY_PROFILES, drawScreen } from '../firmware/display/render/index.ts';
import type { DisplayProfile } from '../firmware/display/render/index.ts';
import { PNG_SCALE, framebufferToPng } from '../sim/report/png.ts';

export function renderScreenPng(screen: ScreenModel, profile: DisplayProfile = 'mono128x64'): Buffer {
  const p = DISPLAY_PROFILES[profile];
  const fb = createFrameBuffer(p.width, p.height, p.bpp);
  drawScreen(fb, screen, profile);
  return framebufferToPng(fb, PNG_SCALE[profile]);
}
