/* WeakMap without weakness (a board never drops the few objects a bundle keys by): get, set, has, delete. */
// No `if` around the var: Espruino declares a var only when it executes the statement.
var WeakMap = typeof WeakMap === 'function' ? WeakMap : (function () {
    function W() { this._k = []; this._v = []; }
    W.prototype._i = function (k) { for (var i = 0; i < this._k.length; i++) if (this._k[i] === k) return i; return -1; };
    W.prototype.get = function (k) { var i = this._i(k); return i < 0 ? undefined : this._v[i]; };
    W.prototype.has = function (k) { return this._i(k) >= 0; };
    W.prototype.set = function (k, v) { var i = this._i(k); if (i < 0) { this._k.push(k); this._v.push(v); } else this._v[i] = v; return this; };
    W.prototype['delete'] = function (k) { var i = this._i(k); if (i < 0) return false; this._k.splice(i, 1); this._v.splice(i, 1); return true; };
    return W;
})();
