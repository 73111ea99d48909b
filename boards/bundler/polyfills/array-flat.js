/* Array.prototype.flat (depth, default 1) and flatMap, without concat: Espruino's concat stops at an undefined argument. */
if (!Array.prototype.flat) {
  Array.prototype.flat = function (depth) {
    var d = depth === undefined ? 1 : depth, out = [];
    (function add(a, level) {
      for (var i = 0; i < a.length; i++) {
        if (Array.isArray(a[i]) && level > 0) add(a[i], level - 1);
        else out.push(a[i]);
      }
    })(this, d);
    return out;
  };
}
if (!Array.prototype.flatMap) {
  Array.prototype.flatMap = function (f, self) {
    var mapped = [];
    for (var i = 0; i < this.length; i++) mapped.push(f.call(self, this[i], i, this));
    return mapped.flat(1);
  };
}
