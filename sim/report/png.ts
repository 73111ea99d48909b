/**
 * Framebuffer → PNG (pngjs), enlarged with square pixels so a screenshot is readable on a
 * monitor: ×3 for the 128×64 mono screen (384×192, a 6x8 glyph becomes 18×24) and ×2 for the
 * 176×176 colour screen (352×352). Mono pixels are white on black, as an SSD1306 shows them;
 * colour pixels are the 3-bit palette at full intensity.
 */
import { PNG } from 'pngjs';
import type { FrameBuffer } from '../../firmware/display/render/framebuffer.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';

export const PNG_SCALE: Readonly<Record<DisplayProfile, number>> = { mono128x64: 3, color176: 2 };

/** RGBA of a pixel value. */
function rgba(fb: FrameBuffer, v: number): [number, number, number] {
  if (fb.bpp === 1) return v ? [255, 255, 255] : [0, 0, 0];
  return [v & 4 ? 255 : 0, v & 2 ? 255 : 0, v & 1 ? 255 : 0];
}

/** The framebuffer as an RGBA image, each pixel `scale`×`scale`. */
export function framebufferToImage(fb: FrameBuffer, scale: number): PNG {
  const png = new PNG({ width: fb.width * scale, height: fb.height * scale });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const [r, g, b] = rgba(fb, fb.getPixel(Math.floor(x / scale), Math.floor(y / scale)));
      const i = (y * png.width + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return png;
}

export function framebufferToPng(fb: FrameBuffer, scale: number): Buffer {
  return PNG.sync.write(framebufferToImage(fb, scale));
}
