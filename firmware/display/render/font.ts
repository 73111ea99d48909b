/**
 * Fixed-width bitmap fonts for the framebuffer, drawn for hanlab (art in ./fonts/*.txt, packed
 * by test/display-font.test.ts). Glyphs are stored as hex text, not number arrays: on Espruino
 * an array literal costs a variable per element, a string a few bytes per variable block.
 *
 * Glyph order: printable ASCII 32..126, then '£' (U+00A3, the same code in ISO 8859-1, so a
 * board's byte string and a JavaScript string agree). Each glyph is `glyphW` column bytes, bit 0
 * the top row.
 */

export interface BitmapFont {
  /** Advance per glyph and line height at scale 1 (the "6x8" in the font's name). */
  cellW: number;
  cellH: number;
  /** Inked columns per glyph: cellW − 1, the last column is the gap. */
  glyphW: number;
  columns: Uint8Array;
}

export const POUND_GLYPH = 95;
const QUESTION_GLYPH = 63 - 32;

export function makeFont(cellW: number, cellH: number, hex: string): BitmapFont {
  const columns = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < columns.length; i++) columns[i] = parseInt(hex.substring(i * 2, i * 2 + 2), 16);
  return { cellW: cellW, cellH: cellH, glyphW: cellW - 1, columns: columns };
}

/**
 * The glyph for a character code. Typographic punctuation the screen model uses maps to its
 * ASCII look-alike (dashes → '-', quotes → ' and "); anything else without a glyph draws '?'.
 * (Espruino's own fonts cover ISO 8859-1; the layout sends only ASCII and '£', so a board and
 * the framebuffer draw the same characters.)
 */
export function glyphIndex(code: number): number {
  if (code >= 32 && code <= 126) return code - 32;
  if (code === 0xa3) return POUND_GLYPH;
  if (code === 0x2013 || code === 0x2014 || code === 0x2212) return 45 - 32;
  if (code === 0x2018 || code === 0x2019) return 39 - 32;
  if (code === 0x201c || code === 0x201d) return 34 - 32;
  return QUESTION_GLYPH;
}
