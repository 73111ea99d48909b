/* Object.entries and Object.values (own enumerable string keys, in Object.keys order). */
if (!Object.entries) {
  Object.entries = function (o) { var k = Object.keys(o), out = []; for (var i = 0; i < k.length; i++) out.push([k[i], o[k[i]]]); return out; };
}
if (!Object.values) {
  Object.values = function (o) { var k = Object.keys(o), out = []; for (var i = 0; i < k.length; i++) out.push(o[k[i]]); return out; };
}
