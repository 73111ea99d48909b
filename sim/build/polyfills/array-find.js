/* Array.prototype.find and findIndex. */
if (!Array.prototype.findIndex) {
  Array.prototype.findIndex = function (f, self) {
    for (var i = 0; i < this.length; i++) if (f.call(self, this[i], i, this)) return i;
    return -1;
  };
}
if (!Array.prototype.find) {
  Array.prototype.find = function (f, self) {
    var i = this.findIndex(f, self);
    return i < 0 ? undefined : this[i];
  };
}
