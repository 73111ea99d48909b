/**
 * The PPMID's screen as the device draws it: each screen model goes through the firmware's own
 * layout (firmware/display/render) into a framebuffer, the same code a board runs on its `g` and
 * `hanlab sim --screenshots` writes as PNGs. The page shows these pictures, so what it shows is
 * the device's drawing, not a second layout in the browser.
 *
 * A run draws a screen a minute but few distinct pictures (the age ticks once a minute while a
 * reading is old): each distinct framebuffer is kept once, under a number given in the order
 * first drawn (so the same run gives the same numbers), and made a PNG only when a page asks for
 * it (a long recording has thousands the page may never show).
 */
import { createFrameBuffer } from '../firmware/display/render/framebuffer.ts';
import { DISPLAY_PROFILES, drawScreen } from '../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../firmware/display/render/layout.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { PNG_SCALE, framebufferToPng } from '../sim/report/png.ts';

export interface ScreenImages {
  readonly profile: DisplayProfile;
  /** Draws the model; returns the number of its picture. */
  draw(screen: ScreenModel): number;
  /** The PNG of picture `id`, or undefined when no such picture was drawn. */
  png(id: number): Buffer | undefined;
  /** Pictures drawn so far. */
  readonly count: number;
}

export function createScreenImages(profile: DisplayProfile): ScreenImages {
  const p = DISPLAY_PROFILES[profile];
  const fb = createFrameBuffer(p.width, p.height, p.bpp);
  const ids = new Map<string, number>();
  const pixels: Uint8Array[] = [];
  const pngs = new Map<number, Buffer>();
  const picture = createFrameBuffer(p.width, p.height, p.bpp);
  return {
    profile,
    draw(screen) {
      drawScreen(fb, screen, profile);
      const key = Buffer.from(fb.buffer).toString('base64');
      let id = ids.get(key);
      if (id === undefined) {
        id = pixels.length;
        ids.set(key, id);
        pixels.push(fb.buffer.slice());
      }
      return id;
    },
    png(id) {
      const px = pixels[id];
      if (px === undefined) return undefined;
      let png = pngs.get(id);
      if (png === undefined) {
        picture.buffer.set(px);
        pngs.set(id, (png = framebufferToPng(picture, PNG_SCALE[profile])));
      }
      return png;
    },
    get count() {
      return pixels.length;
    },
  };
}
