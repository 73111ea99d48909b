/* Math.trunc and Math.sign. */
if (!Math.trunc) Math.trunc = function (v) { return v < 0 ? Math.ceil(v) : Math.floor(v); };
if (!Math.sign) Math.sign = function (v) { v = +v; return v > 0 ? 1 : v < 0 ? -1 : v; };
