/* fill(value, start, end) on arrays and on Uint8Array (the codec's byte buffers). */
(function () {
  function fill(v, start, end) {
    var n = this.length, s = start === undefined ? 0 : start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
    var e = end === undefined ? n : end < 0 ? Math.max(n + end, 0) : Math.min(end, n);
    for (var i = s; i < e; i++) this[i] = v;
    return this;
  }
  if (!Array.prototype.fill) Array.prototype.fill = fill;
  if (typeof Uint8Array !== 'undefined' && !Uint8Array.prototype.fill) Uint8Array.prototype.fill = fill;
})();
