/**
 * "6x8" for an Espruino board whose firmware was built without it (Espruino WiFi: board.json
 * `fonts`), where `g.setFont("6x8", 2)` would throw `Unknown font "6x8"`. Espruino's setFont
 * calls a method `setFont6x8` of the Graphics object, if it has one, then applies the scale; this
 * module gives Graphics.prototype that method, drawing hanlab's own 6x8 glyphs
 * (firmware/display/render/font-6x8.ts, the ones the golden screenshots are drawn with) as an
 * Espruino custom font. The build includes it only for a board that lacks the font (bundle.ts);
 * test/build-espruino-defects.test.ts decodes the bitmap back to those glyphs.
 *
 * Custom font format (Graphics.setFontCustom): a string bitmap, column after column, each column
 * the 8 rows top first, most significant bit first; a width per character from `firstChar`, and a
 * character's bitmap starts after the widths of those before it. So the characters the firmware
 * draws, printable ASCII (32..126) and '£' (0xA3), are 6 columns each (5 inked and the gap), and
 * 127..0xA2 are 0 wide and take no bitmap: 96 × 6 = 576 bytes and 132 widths.
 */

/** Espruino's Graphics class; absent in the Duktape stand-in for the board, whose screen stub takes any font name. */
declare const Graphics: { prototype: Record<string, unknown> } | undefined;

/** The part of Espruino's Graphics the method uses. */
interface CustomFontGraphics {
  setFontCustom(bitmap: string, firstChar: number, widths: string, height: number): CustomFontGraphics;
}

if (typeof Graphics !== 'undefined') {
  // Made once, here: every string Espruino evaluates costs variables, and setFontCustom keeps a
  // reference to the strings it is given rather than a copy.
  const bitmap = atob(
    'AAAAAAAAAAD6AAAAAOAA4AAAKP4o/igAJFT+VEgAxMgQJkYAbJKqRAoAACDAAAAAADhEggAAAIJEOAAAKBB8ECgAEBB8EBAA' +
    'AAUGAAAAEBAQEBAAAAYGAAAABAgQIEAAfIqSonwAAEL+AgAAQoaKkmIAhIKi0owAGChI/ggA5KKiopwAPFKSkgwAgI6QoMAA' +
    'bJKSkmwAYJKSlHgAAGxsAAAAAGpsAAAAEChEggAAKCgoKCgAAIJEKBAAQICKkGAATJKegnwAfpCQkH4A/pKSkmwAfIKCgkQA' +
    '/oKCRDgA/pKSkoIA/pCQkIAAfIKSkl4A/hAQEP4AAIL+ggAABAKC/IAA/hAoRIIA/gICAgIA/kAwQP4A/iAQCP4AfIKCgnwA' +
    '/pCQkGAAfIKKhHoA/pCYlGIAYpKSkowAgID+gIAA/AICAvwA+AQCBPgA/AIcAvwAxigQKMYAwCAeIMAAhoqSosIAAP6CggAA' +
    'QCAQCAQAAIKC/gAAIECAQCAAAQEBAQEAAIBAIAAABCoqKh4A/hIiIhwAHCIiIgQAHCIiEv4AHCoqKhgAEH6QgEAAGCUlJT4A' +
    '/hAgIB4AACK+AgAAAgEhvgAA/ggUIgAAAIL+AgAAPiAeIB4APhAgIB4AHCIiIhwAPyQkJBgAGCQkJD8APhAgIBAAEioqKiQA' +
    'IPwiAgQAPAICBD4AOAQCBDgAPAIMAjwAIhQIFCIAOAUFBT4AIiYqMiIAABBsggAAAAD+AAAAAIJsEAAAECAQCBAAEn6SgkIA'
  );
  const widths = '\x06'.repeat(127 - 32) + '\0'.repeat(0xa3 - 127) + '\x06';
  // By name as strings: Espruino looks the method up by its name, and the bundle's property
  // shortening (boards/bundler/mangle.ts) keeps every name the bundle also writes as a string.
  Graphics.prototype['setFont6x8'] = function (this: CustomFontGraphics): CustomFontGraphics {
    return this['setFontCustom'](bitmap, 32, widths, 8);
  };
}
