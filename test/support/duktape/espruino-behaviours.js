/*
 * Built-ins that Espruino 2v29 has but computes differently from Duktape, made to answer as
 * Espruino's do (src/jswrap_math.c, src/jswrap_object.c, src/jswrap_date.c; checked against the
 * 2v29 Linux build):
 * - Math.pow: whole powers 0..9 by repeated multiplication, anything else as exp(log(x) * y), so
 *   Math.pow(2, 32) is 4294967295.99999666…, not 4294967296;
 * - Object.create(proto, properties) throws "propertiesObject is not supported yet";
 * - String(/a/g) is "[object Object]";
 * - Date's local time is UTC (no E.setTimeZone on the board), and toString/toUTCString read
 *   "Thu Jan 1 1970 00:00:00 GMT+0000" / "Thu, 1 Jan 1970 00:00:00 GMT";
 * - Object.assign from a source with an integer key ({1794: …}) stops at an internal assertion
 *   (a release board goes on with a broken key); Object.fromEntries drops pairs whose key is a
 *   number. The build replaces both (boards/bundler/polyfills), so a bundle that uses the engine's
 *   own fails here as it would there.
 *
 * Returns the names changed.
 */
function espruinoBehaviours(G) {
  var changed = [];
  function replace(obj, name, fn, label) {
    Object.defineProperty(obj, name, { value: fn, writable: true, configurable: true, enumerable: false });
    changed.push(label);
  }

  var exp = Math.exp, log = Math.log;
  // In doubles, as the board computes it. The Linux build differs in the last bits for some
  // (10^10, 100^1.5): its x87 keeps log(x) * y in 80 bits before exp.
  replace(Math, 'pow', function (x, y) {
    x = +x;
    y = +y;
    if (y >= 0 && y < 10 && y % 1 === 0) {
      if (y === 0) return 1;
      var p = x;
      for (var n = y; n > 1; n--) p *= x;
      return p;
    }
    if (x < 0 && isFinite(y) && y % 1 === 0) return y % 2 === 0 ? exp(log(-x) * y) : -exp(log(-x) * y);
    if (x !== 0 || 0 >= y) return exp(log(x) * y);
    return 0;
  }, 'Math.pow');

  var create = Object.create;
  replace(Object, 'create', function (proto, properties) {
    if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) throw new G.Error('propertiesObject is not supported yet');
    return create(proto);
  }, 'Object.create');

  // RegExp has only exec and test there: String(/a/) is Object's "[object Object]".
  replace(RegExp.prototype, 'toString', function () { return '[object Object]'; }, 'RegExp#toString');

  var assign = Object.assign, own = Object.prototype.hasOwnProperty;
  replace(Object, 'assign', function (target) {
    for (var i = 1; i < arguments.length; i++) {
      var src = arguments[i];
      if (src === null || src === undefined) continue;
      for (var k in src) if (own.call(src, k) && /^-?[0-9]+$/.test(k)) throw new G.Error('ASSERT(jsvIsSimpleInt(var) || jsvIsString(var)) FAILED AT src/jsvar.c:1270 (Object.assign with integer key ' + k + ')');
    }
    return assign.apply(Object, arguments);
  }, 'Object.assign');
  replace(Object, 'fromEntries', function (pairs) {
    var o = {};
    for (var i = 0; i < pairs.length; i++) if (typeof pairs[i][0] === 'string') o[pairs[i][0]] = pairs[i][1];
    return o;
  }, 'Object.fromEntries');

  var D = Date.prototype;
  var fields = ['Date', 'Day', 'FullYear', 'Hours', 'Milliseconds', 'Minutes', 'Month', 'Seconds'];
  for (var i = 0; i < fields.length; i++) {
    replace(D, 'get' + fields[i], D['getUTC' + fields[i]], 'Date#get' + fields[i]);
    if (fields[i] !== 'Day') replace(D, 'set' + fields[i], D['setUTC' + fields[i]], 'Date#set' + fields[i]);
  }
  replace(D, 'getTimezoneOffset', function () { return 0; }, 'Date#getTimezoneOffset');
  var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var getUTCDay = D.getUTCDay, getUTCDate = D.getUTCDate, getUTCMonth = D.getUTCMonth, getUTCFullYear = D.getUTCFullYear;
  var iso = D.toISOString;
  function clock(d) { return iso.call(d).slice(11, 19); }
  replace(D, 'toString', function () {
    return DAYS[getUTCDay.call(this)] + ' ' + MONTHS[getUTCMonth.call(this)] + ' ' + getUTCDate.call(this) + ' ' + getUTCFullYear.call(this) + ' ' + clock(this) + ' GMT+0000';
  }, 'Date#toString');
  replace(D, 'toUTCString', function () {
    return DAYS[getUTCDay.call(this)] + ', ' + getUTCDate.call(this) + ' ' + MONTHS[getUTCMonth.call(this)] + ' ' + getUTCFullYear.call(this) + ' ' + clock(this) + ' GMT';
  }, 'Date#toUTCString');
  return changed;
}
