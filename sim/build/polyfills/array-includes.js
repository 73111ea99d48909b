/* Array.prototype.includes (SameValueZero). */
if (!Array.prototype.includes) {
  Array.prototype.includes = function (v, from) {
    for (var i = from || 0; i < this.length; i++) if (this[i] === v || (v !== v && this[i] !== this[i])) return true;
    return false;
  };
}
