/**
 * The part of Espruino's `Graphics` class (https://www.espruino.com/Reference#Graphics) that the
 * PPMID layout uses. On a board the layout is handed the real `g`; on Node and in the emulator it
 * gets `createFrameBuffer()` (framebuffer.ts), which implements exactly these semantics:
 *
 * - Coordinates are pixels from the top-left; rectangle corners are **inclusive**
 *   (`fillRect(0, 0, 1, 1)` fills four pixels) and may be given in either order.
 * - Colours: `setColor(n)` writes the integer `n` into pixels as it is (1 bpp: 0 / 1; a 3-bit
 *   colour display: 0bRGB); `setColor(r, g, b)` takes channels 0..1 and picks the nearest pixel
 *   value (1 bpp: white when r + g + b ≥ 1.5, as Espruino's "other bpp" rule).
 * - Fonts: the built-in fixed-width bitmap fonts "4x6" and "6x8" (a glyph advances 4 or 6
 *   pixels, a line is 6 or 8 pixels high), with an integer scale: `setFont('6x8', 2)` or
 *   `setFont('6x8:2')`.
 * - `setFontAlign(x, y)`: −1 left / top (default), 0 centre, 1 right / bottom of the anchor;
 *   the offset is `floor(size × (align + 1) / 2)` as Espruino computes it.
 * - `drawString` draws only the glyphs' ink in the foreground colour (with `solid`, the cells in
 *   the background colour first); `\n` starts a new line.
 * - `drawImage` takes Espruino's image object; 1 bpp images draw 1 bits in the foreground and 0
 *   bits in the background colour unless `transparent` names the value to skip.
 * - `clear()` fills the screen with the background colour; `flip()` sends it to the display
 *   (a no-op for RAM-only targets).
 *
 * Every drawing call and setter returns the instance, as Espruino does, so calls can chain.
 */

export type FontName = '4x6' | '6x8';

/** Horizontal / vertical text alignment: −1 left or top, 0 centre, 1 right or bottom. */
export type FontAlign = -1 | 0 | 1;

/** Espruino's image object (https://www.espruino.com/Graphics#images-bitmaps). */
export interface GraphicsImage {
  width: number;
  height: number;
  /** Bits per pixel; 1 when absent. */
  bpp?: number;
  /** A pixel value that is not drawn. */
  transparent?: number;
  /** Pixels row after row, no row padding, most significant bit first. */
  buffer: Uint8Array | string;
}

export interface DrawImageOptions {
  /** Integer magnification (Espruino also allows fractions; the layout never uses them). */
  scale?: number;
}

export interface Graphics {
  /** Fill the screen with the background colour; `reset` also restores the default state. */
  clear(reset?: boolean): this;
  setColor(color: number): this;
  setColor(r: number, g: number, b: number): this;
  setBgColor(color: number): this;
  setBgColor(r: number, g: number, b: number): this;
  setFont(name: FontName | `${FontName}:${number}`, scale?: number): this;
  setFontAlign(x: FontAlign, y?: FontAlign): this;
  drawString(text: string, x: number, y: number, solid?: boolean): this;
  fillRect(x1: number, y1: number, x2: number, y2: number): this;
  drawRect(x1: number, y1: number, x2: number, y2: number): this;
  drawImage(image: GraphicsImage, x: number, y: number, options?: DrawImageOptions): this;
  flip(): void;
  getWidth(): number;
  getHeight(): number;
  /** Width in pixels of `text` in the current font (the widest line of a multi-line string). */
  stringWidth(text: string): number;
}
