/* Uint8Array.prototype.slice: a copy, unlike subarray's view. */
if (typeof Uint8Array !== 'undefined' && !Uint8Array.prototype.slice) {
  Uint8Array.prototype.slice = function (start, end) {
    var n = this.length, s = start === undefined ? 0 : start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
    var e = end === undefined ? n : end < 0 ? Math.max(n + end, 0) : Math.min(end, n);
    var out = new Uint8Array(Math.max(e - s, 0));
    for (var i = s; i < e; i++) out[i - s] = this[i];
    return out;
  };
}
