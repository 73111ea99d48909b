/*
 * The Graphics of a stand-in board's SSD1306: it keeps the strings of the frame being drawn (flip()
 * hands them over) and measures text in the current font. One class a board, so a bundle that adds
 * `Graphics.prototype.setFont6x8` adds it to its own board only, as on hardware.
 *
 * `fonts`: the board's firmware fonts (board.json). setFont then takes a name as Espruino 2v29's
 * Graphics.setFont does ("Name", "Name:2", "Name:1x2", "VectorNN", a size argument, "" for 4x6)
 * and, for a name the firmware lacks, calls `setFont<Name>` from the graphics or its prototype if
 * there is one, or throws `Unknown font "6x8"`. Without fonts (no Espruino profile) any name goes.
 */
function hanlabGraphicsClass(fonts, onFlip) {
  var font = { name: '4x6', width: 4 };
  var scale = 1;
  var strings = [];

  function Graphics() {}

  function hasFont(name) {
    if (!fonts) return true;
    for (var i = 0; i < fonts.length; i++) if (fonts[i] === name) return true;
    return false;
  }
  function int(s) { return parseInt(s, 10) || 0; }
  function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v; }
  function builtIn(name) { return { name: name, width: name === '4x6' ? 4 : 6 }; }

  Graphics.prototype = {
    constructor: Graphics,
    clear: function () { strings = []; return this; },
    setColor: function () { return this; },
    setBgColor: function () { return this; },
    setFontAlign: function () { return this; },
    fillRect: function () { return this; },
    drawRect: function () { return this; },
    drawImage: function () { return this; },
    getWidth: function () { return 128; },
    getHeight: function () { return 64; },
    drawString: function (text) { strings.push(String(text)); return this; },
    flip: function () { onFlip(strings.slice()); },
    /** A bitmap font of the bundle's own (what a setFont<Name> calls): `width` fixed, or one char code a glyph. */
    setFontCustom: function (bitmap, firstChar, width, height) {
      font = { name: 'Custom', width: width, firstChar: firstChar, height: height };
      scale = 1;
      return this;
    },
    setFont: function (id, size) {
      if (typeof id !== 'string') return undefined; // Espruino ignores it, and returns nothing to chain on
      var vector = false, sizeAt = -1, name = id, sx = 0, sy = 0;
      size = int(size);
      if (hasFont('Vector') && id.slice(0, 6) === 'Vector') {
        vector = true;
        if (id.length > 6) sizeAt = 6; // "Vector20"
      }
      var colon = id.indexOf(':');
      if (colon >= 0) sizeAt = colon + 1;
      if (sizeAt >= 0) {
        var sizeText = id.slice(sizeAt), x = sizeText.indexOf('x');
        if (x >= 0) {
          sx = clamp(int(sizeText.slice(0, x)), 0, 63);
          sy = clamp(int(sizeText.slice(x + 1)), 0, 63);
        } else {
          size = int(sizeText);
        }
        name = id.slice(0, sizeAt > 0 ? sizeAt - 1 : 0);
      }
      if (size < 1) size = 1;
      var next = null;
      if (vector) next = builtIn('Vector');
      else if (name === '' || name === '4x6') next = builtIn('4x6');
      else if (hasFont(name)) next = builtIn(name);
      if (!next) {
        var setter = this['setFont' + name];
        if (!setter) throw new Error('Unknown font ' + JSON.stringify(name));
        setter.call(this);
        next = font;
      }
      font = next;
      scale = sx || sy ? sx : size;
      return this;
    },
    stringWidth: function (text) {
      var lines = String(text).split('\n'), widest = 0;
      for (var i = 0; i < lines.length; i++) {
        var w = 0;
        for (var j = 0; j < lines[i].length; j++) {
          w += typeof font.width === 'string' ? font.width.charCodeAt(lines[i].charCodeAt(j) - font.firstChar) || 0 : font.width;
        }
        widest = Math.max(widest, w * scale);
      }
      return widest;
    }
  };
  return Graphics;
}
