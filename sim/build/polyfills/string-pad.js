/* String.prototype.padStart and padEnd. */
(function () {
  function pad(s, len, fill) {
    var f = fill === undefined ? ' ' : String(fill), out = '';
    if (f === '' || s.length >= len) return '';
    while (out.length < len - s.length) out += f;
    return out.substring(0, len - s.length);
  }
  if (!String.prototype.padStart) String.prototype.padStart = function (len, fill) { var s = String(this); return pad(s, len, fill) + s; };
  if (!String.prototype.padEnd) String.prototype.padEnd = function (len, fill) { var s = String(this); return s + pad(s, len, fill); };
})();
