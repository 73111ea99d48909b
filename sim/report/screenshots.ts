/**
 * `hanlab sim --screenshots DIR`: a PNG of the main home's PPMID screen every time it changes
 * visibly. Each screen event is drawn into a framebuffer without the reading's age and compared
 * with the last such picture; only a change of pixels writes a file (drawn with its age, as the
 * customer saw it then). The age ("42 min ago") counts up every minute while a reading is not
 * fresh: a picture a minute would bury the changes that matter.
 *
 * File names are `NNNN-YYYYMMDDTHHMMZZZ-<freshness>.png`: a sequence number from 0001 and the
 * virtual minute of the change in UK civil time with its zone (GMT or BST: "20260701T1759BST";
 * the sequence number keeps the repeated hour of the clocks-back night in order), so a run with
 * the same scenario and seed writes the same files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFrameBuffer } from '../../firmware/display/render/framebuffer.ts';
import { withoutAge } from '../../firmware/display/screen-model.ts';
import { ukTime } from '../../firmware/display/uk-time.ts';
import { DISPLAY_PROFILES, drawScreen } from '../../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';
import type { TimelineEvent } from '../run/timeline.ts';
import { PNG_SCALE, framebufferToPng } from './png.ts';

export interface ScreenshotWriter {
  onEvent(e: TimelineEvent): void;
  /** Files written so far. */
  written(): string[];
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** "20260115T1350GMT", "20260701T1759BST": the UK civil minute of a virtual epoch ms, with its zone. */
export function minuteStamp(t: number): string {
  const u = ukTime(t);
  return `${u.year}${p2(u.month)}${p2(u.day)}T${p2(u.hour)}${p2(u.minute)}${u.zone}`;
}

/** `home` is the timeline label of the home to follow: 'scenario', the scenario as written. */
export function createScreenshotWriter(dir: string, profile: DisplayProfile, home = 'scenario'): ScreenshotWriter {
  const p = DISPLAY_PROFILES[profile];
  const fb = createFrameBuffer(p.width, p.height, p.bpp);
  let lastAgeless: Uint8Array | null = null;
  const files: string[] = [];
  return {
    onEvent(e) {
      if (e.kind !== 'screen' || e.home !== home) return;
      drawScreen(fb, withoutAge(e.screen), profile);
      if (lastAgeless !== null && Buffer.from(lastAgeless).equals(Buffer.from(fb.buffer))) return;
      lastAgeless = fb.buffer.slice();
      drawScreen(fb, e.screen, profile);
      const name = `${String(files.length + 1).padStart(4, '0')}-${minuteStamp(e.t)}-${e.screen.freshness}.png`;
      writeFileSync(join(dir, name), framebufferToPng(fb, PNG_SCALE[profile]));
      files.push(name);
    },
    written: () => files.slice(),
  };
}
