/**
 * An in-memory screen with the Graphics semantics of graphics.ts, so the layout draws the same
 * pixels on Node (PNG screenshots, golden tests), in the QuickJS emulator board and, through the
 * real `g`, on an Espruino board. Only Uint8Array and plain closures: no Node APIs, no Map/Set,
 * nothing a board's ES5 bundle would need a polyfill for.
 *
 * Pixel storage:
 * - 1 bpp (SSD1306, Pixl.js): rows of ceil(width / 8) bytes, most significant bit = leftmost
 *   pixel, as Espruino's `Graphics.createArrayBuffer(w, h, 1, { msb: true })`.
 * - 3 bpp (Bangle.js 2 class colour LCD): one byte per pixel holding 0bRGB (red = 4, green = 2,
 *   blue = 1), the colour numbers of Espruino's 3-bit palette.
 */
import type { DrawImageOptions, FontAlign, FontName, Graphics, GraphicsImage } from './graphics.ts';
import { glyphIndex } from './font.ts';
import type { BitmapFont } from './font.ts';
import { FONT_4X6 } from './font-4x6.ts';
import { FONT_6X8 } from './font-6x8.ts';

export type FrameBufferBpp = 1 | 3;

export interface FrameBuffer extends Graphics {
  readonly width: number;
  readonly height: number;
  readonly bpp: FrameBufferBpp;
  readonly buffer: Uint8Array;
  /** The pixel value at (x, y): 0/1, or 0bRGB; 0 outside the screen. */
  getPixel(x: number, y: number): number;
  /** How many times flip() was called. */
  flips(): number;
}

function fontByName(name: string): BitmapFont {
  if (name === '4x6') return FONT_4X6;
  if (name === '6x8') return FONT_6X8;
  // Espruino throws "Unknown font" too.
  throw new Error('Unknown font "' + name + '"');
}

/** setColor(r, g, b) → pixel value, following Espruino's toColor (channels × 256, clamped). */
function rgbToPixel(bpp: FrameBufferBpp, r: number, g: number, b: number): number {
  const ri = Math.max(0, Math.min(255, Math.floor(r * 256)));
  const gi = Math.max(0, Math.min(255, Math.floor(g * 256)));
  const bi = Math.max(0, Math.min(255, Math.floor(b * 256)));
  if (bpp === 1) return ri + gi + bi >= 384 ? 1 : 0;
  return (ri >= 128 ? 4 : 0) | (gi >= 128 ? 2 : 0) | (bi >= 128 ? 1 : 0);
}

export function createFrameBuffer(width: number, height: number, bpp: FrameBufferBpp, onFlip?: (fb: FrameBuffer) => void): FrameBuffer {
  const stride = bpp === 1 ? (width + 7) >> 3 : width;
  const buffer = new Uint8Array(stride * height);
  const mask = bpp === 1 ? 1 : 7;
  let fg = mask;
  let bg = 0;
  let font = FONT_4X6;
  let scale = 1;
  let alignX: FontAlign = -1;
  let alignY: FontAlign = -1;
  let flipCount = 0;

  function setPixel(x: number, y: number, c: number): void {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    if (bpp === 1) {
      const i = y * stride + (x >> 3);
      const bit = 0x80 >> (x & 7);
      buffer[i] = c ? buffer[i]! | bit : buffer[i]! & ~bit;
    } else {
      buffer[y * stride + x] = c;
    }
  }

  function fill(x1: number, y1: number, x2: number, y2: number, c: number): void {
    const xa = Math.max(0, Math.min(x1, x2));
    const xb = Math.min(width - 1, Math.max(x1, x2));
    const ya = Math.max(0, Math.min(y1, y2));
    const yb = Math.min(height - 1, Math.max(y1, y2));
    if (!(xa <= xb && ya <= yb)) return;
    if (xa !== Math.floor(xa) || ya !== Math.floor(ya)) {
      // Fractional corners: pixel by pixel, exactly as they always were drawn.
      for (let y = ya; y <= yb; y++) for (let x = xa; x <= xb; x++) setPixel(x, y, c);
      return;
    }
    // Whole rows of bytes at a time: a clear or a bar is a few hundred byte writes instead of
    // thousands of setPixel calls (the emulator board's interpreter draws every screen).
    const xe = Math.floor(xb);
    const ye = Math.floor(yb);
    if (bpp === 1) {
      const b0 = xa >> 3;
      const b1 = xe >> 3;
      const m0 = 0xff >> (xa & 7);
      const m1 = (0xff << (7 - (xe & 7))) & 0xff;
      for (let y = ya; y <= ye; y++) {
        const row = y * stride;
        if (b0 === b1) {
          const m = m0 & m1;
          buffer[row + b0] = c ? buffer[row + b0]! | m : buffer[row + b0]! & ~m;
          continue;
        }
        buffer[row + b0] = c ? buffer[row + b0]! | m0 : buffer[row + b0]! & ~m0;
        const full = c ? 0xff : 0;
        for (let b = b0 + 1; b < b1; b++) buffer[row + b] = full;
        buffer[row + b1] = c ? buffer[row + b1]! | m1 : buffer[row + b1]! & ~m1;
      }
    } else {
      for (let y = ya; y <= ye; y++) {
        const row = y * stride;
        for (let x = xa; x <= xe; x++) buffer[row + x] = c;
      }
    }
  }

  function toPixel(r: number, g?: number, b?: number): number {
    // One argument: the integer goes into the pixel as it is (setColor(-1) is "all bits on").
    if (g === undefined || b === undefined) return Math.floor(r) & mask;
    return rgbToPixel(bpp, r, g, b);
  }

  function lineWidth(line: string): number {
    return line.length * font.cellW * scale;
  }

  function drawGlyph(code: number, x: number, y: number, solid: boolean): void {
    const w = font.glyphW;
    const base = glyphIndex(code) * w;
    if (solid) fill(x, y, x + font.cellW * scale - 1, y + font.cellH * scale - 1, bg);
    for (let c = 0; c < w; c++) {
      const bits = font.columns[base + c]!;
      for (let r = 0; r < font.cellH; r++) {
        if (!(bits & (1 << r))) continue;
        // At scale 1 a dot is one pixel: fill(x, y, x, y) is setPixel(x, y), without its set-up.
        if (scale === 1) setPixel(x + c, y + r, fg);
        else fill(x + c * scale, y + r * scale, x + c * scale + scale - 1, y + r * scale + scale - 1, fg);
      }
    }
  }

  function imagePixel(img: GraphicsImage, bitOffset: number, ibpp: number): number {
    let v = 0;
    for (let k = 0; k < ibpp; k++) {
      const bit = bitOffset + k;
      const byteAt = bit >> 3;
      const byte = typeof img.buffer === 'string' ? img.buffer.charCodeAt(byteAt) & 255 : img.buffer[byteAt]!;
      v = (v << 1) | ((byte >> (7 - (bit & 7))) & 1);
    }
    return v;
  }

  const fb: FrameBuffer = {
    width: width,
    height: height,
    bpp: bpp,
    buffer: buffer,
    getPixel: function (x: number, y: number): number {
      if (x < 0 || y < 0 || x >= width || y >= height) return 0;
      if (bpp === 1) return (buffer[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1;
      return buffer[y * stride + x]!;
    },
    flips: function (): number {
      return flipCount;
    },
    clear: function (reset?: boolean): FrameBuffer {
      if (reset) {
        fg = mask;
        bg = 0;
        font = FONT_4X6;
        scale = 1;
        alignX = -1;
        alignY = -1;
      }
      fill(0, 0, width - 1, height - 1, bg);
      return fb;
    },
    setColor: function (r: number, g?: number, b?: number): FrameBuffer {
      fg = toPixel(r, g, b);
      return fb;
    },
    setBgColor: function (r: number, g?: number, b?: number): FrameBuffer {
      bg = toPixel(r, g, b);
      return fb;
    },
    setFont: function (name: string, size?: number): FrameBuffer {
      const colon = name.indexOf(':');
      let s = size === undefined ? 1 : size;
      if (colon >= 0) {
        s = parseInt(name.substring(colon + 1), 10);
        name = name.substring(0, colon);
      }
      font = fontByName(name as FontName);
      scale = s >= 1 ? Math.floor(s) : 1;
      return fb;
    },
    setFontAlign: function (x: FontAlign, y?: FontAlign): FrameBuffer {
      alignX = x;
      alignY = y === undefined ? -1 : y;
      return fb;
    },
    stringWidth: function (text: string): number {
      const lines = String(text).split('\n');
      let max = 0;
      for (let i = 0; i < lines.length; i++) max = Math.max(max, lineWidth(lines[i]!));
      return max;
    },
    drawString: function (text: string, x: number, y: number, solid?: boolean): FrameBuffer {
      const lines = String(text).split('\n');
      const lineH = font.cellH * scale;
      let top = y - Math.floor((lines.length * lineH * (alignY + 1)) / 2);
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        let left = x - Math.floor((lineWidth(line) * (alignX + 1)) / 2);
        for (let j = 0; j < line.length; j++) {
          drawGlyph(line.charCodeAt(j), left, top, solid === true);
          left += font.cellW * scale;
        }
        top += lineH;
      }
      return fb;
    },
    fillRect: function (x1: number, y1: number, x2: number, y2: number): FrameBuffer {
      fill(x1, y1, x2, y2, fg);
      return fb;
    },
    drawRect: function (x1: number, y1: number, x2: number, y2: number): FrameBuffer {
      fill(x1, y1, x2, y1, fg);
      fill(x1, y2, x2, y2, fg);
      fill(x1, y1, x1, y2, fg);
      fill(x2, y1, x2, y2, fg);
      return fb;
    },
    drawImage: function (img: GraphicsImage, x: number, y: number, options?: DrawImageOptions): FrameBuffer {
      const ibpp = img.bpp || 1;
      const s = options && options.scale && options.scale >= 1 ? Math.floor(options.scale) : 1;
      for (let iy = 0; iy < img.height; iy++) {
        for (let ix = 0; ix < img.width; ix++) {
          const v = imagePixel(img, (iy * img.width + ix) * ibpp, ibpp);
          if (img.transparent !== undefined && v === img.transparent) continue;
          // 1 bpp images are drawn in the current colours; deeper ones carry pixel values.
          const c = ibpp === 1 ? (v ? fg : bg) : v & mask;
          fill(x + ix * s, y + iy * s, x + ix * s + s - 1, y + iy * s + s - 1, c);
        }
      }
      return fb;
    },
    flip: function (): void {
      flipCount++;
      if (onFlip) onFlip(fb);
    },
    getWidth: function (): number {
      return width;
    },
    getHeight: function (): number {
      return height;
    },
  };
  return fb;
}
