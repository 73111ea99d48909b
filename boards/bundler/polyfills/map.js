/* Map (insertion-ordered, SameValueZero keys), as far as bundles use it: get, set, has, delete, clear, size, forEach, keys/values/entries as arrays' iterators are not available, so those return arrays. */
// No `if` around the var: Espruino declares a var only when it executes the statement.
var Map = typeof Map === 'function' ? Map : (function () {
    function same(a, b) { return a === b || (a !== a && b !== b); }
    function M(init) {
      this._k = []; this._v = []; this.size = 0;
      if (init) for (var i = 0; i < init.length; i++) this.set(init[i][0], init[i][1]);
    }
    M.prototype._i = function (k) { for (var i = 0; i < this._k.length; i++) if (same(this._k[i], k)) return i; return -1; };
    M.prototype.get = function (k) { var i = this._i(k); return i < 0 ? undefined : this._v[i]; };
    M.prototype.has = function (k) { return this._i(k) >= 0; };
    M.prototype.set = function (k, v) { var i = this._i(k); if (i < 0) { this._k.push(k); this._v.push(v); this.size++; } else this._v[i] = v; return this; };
    M.prototype['delete'] = function (k) { var i = this._i(k); if (i < 0) return false; this._k.splice(i, 1); this._v.splice(i, 1); this.size--; return true; };
    M.prototype.clear = function () { this._k = []; this._v = []; this.size = 0; };
    M.prototype.forEach = function (f, self) { for (var i = 0; i < this._k.length; i++) f.call(self, this._v[i], this._k[i], this); };
    M.prototype.keys = function () { return this._k.slice(); };
    M.prototype.values = function () { return this._v.slice(); };
    M.prototype.entries = function () { var out = []; for (var i = 0; i < this._k.length; i++) out.push([this._k[i], this._v[i]]); return out; };
    return M;
})();
