/**
 * `hanlab sim --screenshots DIR`: a PNG of the main home's PPMID screen every time it changes
 * visibly. Each screen event is drawn into a framebuffer and compared with the last picture;
 * only a change of pixels writes a file. The layout never draws the age, so a screen model that
 * only counted another minute writes nothing.
 *
 * File names are `NNNN-YYYYMMDDTHHMM-<freshness>.png`: a sequence number from 0001 and the
 * virtual UTC minute of the change, so a run with the same scenario and seed writes the same
 * files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFrameBuffer } from '../../firmware/display/render/framebuffer.ts';
import { DISPLAY_PROFILES, drawScreen } from '../../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';
import type { TimelineEvent } from '../run/timeline.ts';
import { PNG_SCALE, framebufferToPng } from './png.ts';

export interface ScreenshotWriter {
  onEvent(e: TimelineEvent): void;
  /** Files written so far. */
  written(): string[];
}

/** "20260115T1350" (UTC) of a virtual epoch ms. */
export function minuteStamp(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '');
}

/** `home` is the timeline label of the home to follow: 'scenario', the scenario as written. */
export function createScreenshotWriter(dir: string, profile: DisplayProfile, home = 'scenario'): ScreenshotWriter {
  const p = DISPLAY_PROFILES[profile];
  const fb = createFrameBuffer(p.width, p.height, p.bpp);
  let last: Uint8Array | null = null;
  const files: string[] = [];
  return {
    onEvent(e) {
      if (e.kind !== 'screen' || e.home !== home) return;
      drawScreen(fb, e.screen, profile);
      if (last !== null && Buffer.from(last).equals(Buffer.from(fb.buffer))) return;
      last = fb.buffer.slice();
      const name = `${String(files.length + 1).padStart(4, '0')}-${minuteStamp(e.t)}-${e.screen.freshness}.png`;
      writeFileSync(join(dir, name), framebufferToPng(fb, PNG_SCALE[profile]));
      files.push(name);
    },
    written: () => files.slice(),
  };
}
