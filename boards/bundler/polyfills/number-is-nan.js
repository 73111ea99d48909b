/* Number.isNaN, Number.isInteger, Number.isFinite (no coercion, unlike the globals). */
if (!Number.isNaN) Number.isNaN = function (v) { return typeof v === 'number' && v !== v; };
if (!Number.isFinite) Number.isFinite = function (v) { return typeof v === 'number' && isFinite(v); };
if (!Number.isInteger) Number.isInteger = function (v) { return Number.isFinite(v) && Math.floor(v) === v; };
