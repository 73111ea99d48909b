/* Object.fromEntries over an array of [key, value] pairs (the firmware passes arrays only). */
if (!Object.fromEntries) {
  Object.fromEntries = function (pairs) { var o = {}; for (var i = 0; i < pairs.length; i++) o[pairs[i][0]] = pairs[i][1]; return o; };
}
