/** The framebuffer follows Espruino's Graphics semantics (firmware/display/render/graphics.ts). */
import { describe, expect, it } from 'vitest';
import { createFrameBuffer } from '../firmware/display/render/framebuffer.ts';
import type { FrameBuffer } from '../firmware/display/render/framebuffer.ts';

/** The rows of a framebuffer as '#'/'.' strings. */
function art(fb: FrameBuffer, x1 = 0, y1 = 0, x2 = fb.width - 1, y2 = fb.height - 1): string[] {
  const rows: string[] = [];
  for (let y = y1; y <= y2; y++) {
    let r = '';
    for (let x = x1; x <= x2; x++) r += fb.getPixel(x, y) ? '#' : '.';
    rows.push(r);
  }
  return rows;
}

/** Bounding box of the lit pixels. */
function ink(fb: FrameBuffer): [number, number, number, number] {
  let x1 = Infinity, y1 = Infinity, x2 = -1, y2 = -1;
  for (let y = 0; y < fb.height; y++) {
    for (let x = 0; x < fb.width; x++) {
      if (!fb.getPixel(x, y)) continue;
      x1 = Math.min(x1, x); y1 = Math.min(y1, y); x2 = Math.max(x2, x); y2 = Math.max(y2, y);
    }
  }
  return [x1, y1, x2, y2];
}

describe('framebuffer (Espruino Graphics semantics)', () => {
  it('rectangles are inclusive, corners in any order, clipped to the screen', () => {
    const fb = createFrameBuffer(6, 4, 1);
    fb.fillRect(1, 1, 2, 2);
    fb.drawRect(5, 3, 4, 0);
    fb.fillRect(-10, 3, 0, 99);
    expect(art(fb)).toEqual(['....##', '.##.##', '.##.##', '#...##']);
  });

  it('a filled rectangle is exactly the pixels it covers, whatever bytes its edges fall in (1 and 3 bpp)', () => {
    // Rows are filled a byte at a time: held against a pixel-by-pixel model on 2,000 seeded
    // rectangles (corners on and off the screen, in any order), set and cleared.
    let seed = 1;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (const bpp of [1, 3] as const) {
      const [w, h] = [21, 5];
      const fb = createFrameBuffer(w, h, bpp);
      const model = new Array<number>(w * h).fill(0);
      for (let i = 0; i < 2000; i++) {
        const coord = (n: number) => rand(n + 6) - 3;
        const [x1, y1, x2, y2] = [coord(w), coord(h), coord(w), coord(h)];
        const c = bpp === 1 ? rand(2) : rand(8);
        fb.setColor(c).fillRect(x1, y1, x2, y2);
        for (let y = Math.max(0, Math.min(y1, y2)); y <= Math.min(h - 1, Math.max(y1, y2)); y++) {
          for (let x = Math.max(0, Math.min(x1, x2)); x <= Math.min(w - 1, Math.max(x1, x2)); x++) model[y * w + x] = c;
        }
        const pixels = Array.from({ length: w * h }, (_, k) => fb.getPixel(k % w, Math.floor(k / w)));
        expect(pixels, `rectangle ${i} (${x1},${y1})-(${x2},${y2}) colour ${c}, ${bpp} bpp`).toEqual(model);
      }
    }
  });

  it('1 bpp storage is MSB-first rows of ceil(w/8) bytes; clear() uses the background colour', () => {
    const fb = createFrameBuffer(10, 2, 1);
    fb.fillRect(0, 0, 0, 0).fillRect(9, 1, 9, 1);
    expect([...fb.buffer]).toEqual([0x80, 0, 0, 0x40]);
    fb.setBgColor(1).clear();
    expect([...fb.buffer]).toEqual([0xff, 0xc0, 0xff, 0xc0]); // the row padding is not screen
  });

  it('setColor: integers go in as they are, r,g,b 0..1 map to the nearest pixel value', () => {
    const mono = createFrameBuffer(1, 1, 1);
    expect(mono.setColor(0.6, 0.6, 0.35).fillRect(0, 0, 0, 0).getPixel(0, 0)).toBe(1); // sum ≥ 1.5
    expect(mono.setColor(0.5, 0.5, 0.4).fillRect(0, 0, 0, 0).getPixel(0, 0)).toBe(0);
    const colour = createFrameBuffer(1, 1, 3);
    expect(colour.setColor(1, 0.5, 0).fillRect(0, 0, 0, 0).getPixel(0, 0)).toBe(0b110);
    expect(colour.setColor(0, 0, 1).fillRect(0, 0, 0, 0).getPixel(0, 0)).toBe(0b001);
    expect(colour.setColor(-1).fillRect(0, 0, 0, 0).getPixel(0, 0)).toBe(0b111);
    expect(colour.setColor(5).fillRect(0, 0, 0, 0).getPixel(0, 0)).toBe(5);
  });

  it('fonts are fixed width: 4x6 advances 4, 6x8 advances 6, times the integer scale', () => {
    const fb = createFrameBuffer(100, 40, 1);
    expect(fb.stringWidth('£1.5')).toBe(16); // default font 4x6
    expect(fb.setFont('6x8').stringWidth('£1.5')).toBe(24);
    expect(fb.setFont('6x8', 2).stringWidth('£1.5')).toBe(48);
    expect(fb.setFont('6x8:3').stringWidth('ab\nabcd')).toBe(72);
    expect(() => fb.setFont('Vector' as '6x8')).toThrow(/Unknown font/);
  });

  it('setFontAlign offsets by floor(size × (align + 1) / 2), as Espruino', () => {
    const fb = createFrameBuffer(40, 20, 1);
    fb.setFont('6x8').setFontAlign(1, 1).drawString('I', 20, 10); // 'I' ink: columns 1-3, rows 0-6 of the 6x8 cell
    expect(ink(fb)).toEqual([15, 2, 17, 8]);
    fb.clear().setFontAlign(0, 0).drawString('II', 20, 10); // 12×8 box centred: left 14, top 6
    expect(ink(fb)).toEqual([15, 6, 23, 12]);
  });

  it('draws the glyphs at scale; solid fills the cell with the background first', () => {
    const fb = createFrameBuffer(12, 16, 1);
    fb.setFont('6x8', 2).drawString('.', 0, 0);
    expect(art(fb, 0, 10, 5, 13)).toEqual(['..####', '..####', '..####', '..####']);
    fb.setBgColor(1).setColor(0).drawString(' ', 0, 0, true);
    expect(art(fb, 0, 0, 11, 15).every((r) => r === '############')).toBe(true);
  });

  it('drawImage: 1 bpp, MSB first, rows unpadded; 1 = colour, 0 = background unless transparent', () => {
    const fb = createFrameBuffer(4, 3, 1);
    const img = { width: 3, height: 2, bpp: 1, buffer: new Uint8Array([0b10101100]) }; // 101 / 011
    fb.setBgColor(0).setColor(1).drawImage(img, 1, 1);
    expect(art(fb)).toEqual(['....', '.#.#', '..##']);
    fb.setBgColor(1).clear().setColor(0).drawImage({ ...img, transparent: 0 }, 0, 0, { scale: 1 });
    expect(art(fb)).toEqual(['.#.#', '#..#', '####']);
    fb.setBgColor(0).clear().setColor(1).drawImage({ width: 1, height: 1, buffer: '\x80' }, 0, 0, { scale: 2 });
    expect(art(fb)).toEqual(['##..', '##..', '....']);
  });

  it('flip() counts frames and hands the finished frame to the callback', () => {
    const seen: number[] = [];
    const fb = createFrameBuffer(8, 1, 1, (f) => seen.push(f.buffer[0]!));
    fb.fillRect(0, 0, 3, 0).flip();
    expect([fb.flips(), seen]).toEqual([1, [0xf0]]);
  });
});
