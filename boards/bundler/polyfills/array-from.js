/* Array.from for array-likes (strings, arguments, typed arrays, the Map/Set polyfills' arrays), with an optional map function. */
if (!Array.from) {
  Array.from = function (src, map, self) {
    var out = [];
    for (var i = 0; i < src.length; i++) out.push(map ? map.call(self, src[i], i) : src[i]);
    return out;
  };
}
