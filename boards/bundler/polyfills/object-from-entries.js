/*
 * Object.fromEntries, replacing Espruino's own: in 2v29 it drops every pair whose key is a number
 * (Object.fromEntries([[1794, 5]]) is {}). The firmware passes arrays of pairs only.
 */
Object.fromEntries = function (pairs) { var o = {}; for (var i = 0; i < pairs.length; i++) o[pairs[i][0]] = pairs[i][1]; return o; };
