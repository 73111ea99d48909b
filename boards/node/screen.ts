/**
 * Where a board's screen goes on a Linux box: one compact text line on the terminal whenever
 * what the customer reads changes (not when only the age ticks), and with a directory, a PNG of
 * the display whenever its pixels change other than by the age (compared as drawn here without
 * it: sim/report/screenshots.ts). The pixels written are the board's own when it has a
 * framebuffer (the emulator's guest drew them), else the same layout drawn here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { createFrameBuffer } from '../../firmware/display/render/framebuffer.ts';
import { DISPLAY_PROFILES, drawScreen } from '../../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';
import { withoutAge } from '../../firmware/display/screen-model.ts';
import type { ScreenModel } from '../../firmware/display/screen-model.ts';

/** A display's pixels as graphics.ts stores them (1 bpp rows, msb first; or a byte of 0bRGB). */
export interface Pixels {
  width: number;
  height: number;
  bpp: 1 | 3;
  buffer: Uint8Array;
}

export interface ScreenOutputOptions {
  /** One line of text (a newline is added). */
  write(line: string): void;
  profile: DisplayProfile;
  /** PNG files go here (created if missing). */
  screenshotsDir?: string;
  /** Wall time for file names. */
  now?: () => number;
}

export interface ScreenOutput {
  show(model: ScreenModel, pixels?: Pixels | null): void;
  /** PNG files written so far. */
  written(): string[];
}

const PNG_SCALE: Record<DisplayProfile, number> = { mono128x64: 3, color176: 2 };

/** The text line for a screen: freshness, then what the customer reads, top to bottom. */
export function screenLine(model: ScreenModel): string {
  return `screen ${model.freshness}: ${model.lines.join(' | ')}`;
}

function pixel(p: Pixels, x: number, y: number): number {
  if (p.bpp === 1) return (p.buffer[y * ((p.width + 7) >> 3) + (x >> 3)]! >> (7 - (x & 7))) & 1;
  return p.buffer[y * p.width + x]!;
}

export function pixelsToPng(p: Pixels, scale: number): Buffer {
  const png = new PNG({ width: p.width * scale, height: p.height * scale });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const v = pixel(p, Math.floor(x / scale), Math.floor(y / scale));
      const rgb = p.bpp === 1 ? (v ? [255, 255, 255] : [0, 0, 0]) : [v & 4 ? 255 : 0, v & 2 ? 255 : 0, v & 1 ? 255 : 0];
      const i = (y * png.width + x) * 4;
      png.data[i] = rgb[0]!;
      png.data[i + 1] = rgb[1]!;
      png.data[i + 2] = rgb[2]!;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export function createScreenOutput(o: ScreenOutputOptions): ScreenOutput {
  const d = DISPLAY_PROFILES[o.profile];
  const local = createFrameBuffer(d.width, d.height, d.bpp);
  const now = o.now ?? (() => Date.now());
  let lastText = '';
  let lastPixels = '';
  const files: string[] = [];
  if (o.screenshotsDir) mkdirSync(o.screenshotsDir, { recursive: true });
  return {
    show(model, pixels) {
      const text = screenLine(model);
      // The age ("42 min ago", "1 h 5 min") counts up every minute: not a change to print.
      const textKey = text.replace(/(\d+ h )?\d+ min/g, '…');
      if (textKey !== lastText) {
        lastText = textKey;
        o.write(text);
      }
      if (!o.screenshotsDir) return;
      drawScreen(local, withoutAge(model), o.profile);
      const key = Buffer.from(local.buffer).toString('base64');
      if (key === lastPixels) return;
      lastPixels = key;
      let p: Pixels | null | undefined = pixels;
      if (!p) {
        drawScreen(local, model, o.profile);
        p = local;
      }
      const stamp = new Date(now()).toISOString().slice(0, 19).replace(/[-:]/g, '');
      const name = `${String(files.length + 1).padStart(4, '0')}-${stamp}-${model.freshness}.png`;
      writeFileSync(join(o.screenshotsDir, name), pixelsToPng(p, PNG_SCALE[o.profile]));
      files.push(name);
    },
    written: () => files.slice(),
  };
}
