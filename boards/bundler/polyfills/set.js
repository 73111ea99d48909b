/* Set (insertion-ordered, SameValueZero): add, has, delete, clear, size, forEach; values() returns an array. */
// No `if` around the var: Espruino declares a var only when it executes the statement.
var Set = typeof Set === 'function' ? Set : (function () {
    function same(a, b) { return a === b || (a !== a && b !== b); }
    function S(init) { this._v = []; this.size = 0; if (init) for (var i = 0; i < init.length; i++) this.add(init[i]); }
    S.prototype._i = function (v) { for (var i = 0; i < this._v.length; i++) if (same(this._v[i], v)) return i; return -1; };
    S.prototype.has = function (v) { return this._i(v) >= 0; };
    S.prototype.add = function (v) { if (this._i(v) < 0) { this._v.push(v); this.size++; } return this; };
    S.prototype['delete'] = function (v) { var i = this._i(v); if (i < 0) return false; this._v.splice(i, 1); this.size--; return true; };
    S.prototype.clear = function () { this._v = []; this.size = 0; };
    S.prototype.forEach = function (f, self) { for (var i = 0; i < this._v.length; i++) f.call(self, this._v[i], this._v[i], this); };
    S.prototype.values = function () { return this._v.slice(); };
    return S;
})();
