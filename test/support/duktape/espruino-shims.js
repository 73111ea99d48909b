/*
 * Espruino 2v29's built-ins that Duktape 2.7 lacks (by boards/bundler/espruino-builtins.json), as small
 * ES5 stand-ins, so a bundle that leaves them to the firmware instead of polyfilling them runs
 * here too. Each is put in only where Duktape has none of its own, non-enumerable as a built-in is.
 * Events (`on`/`emit`) and timers run on the harness's clock and event queue (`host`).
 *
 * Not stood in for, as nothing here could mean what the board does: Uint24Array,
 * String#removeAccents, Function#replaceWith, and the board's own E, Pin, SPI, I2C, Serial,
 * Modules, process, load, reset, save, setTime.
 *
 * Returns the names put in ("Object.entries", "Array#includes", "setInterval").
 */
function espruinoShims(G, host) {
  var added = [];
  var slice = Array.prototype.slice;
  var keys = Object.keys;

  function define(obj, name, value, label) {
    if (Object.prototype.hasOwnProperty.call(obj, name)) return;
    Object.defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
    added.push(label);
  }
  function statics(obj, label, members) { for (var k in members) define(obj, k, members[k], label + '.' + k); }
  function methods(proto, label, members) { for (var k in members) define(proto, k, members[k], label + '#' + k); }
  function sameValueZero(a, b) { return a === b || (a !== a && b !== b); }
  function integer(v, otherwise) { v = Math.floor(+v); return v === v ? v : otherwise; }
  function from(i, len) { i = integer(i, 0); return i < 0 ? Math.max(len + i, 0) : Math.min(i, len); }

  statics(Object, 'Object', {
    entries: function (o) { var k = keys(o), r = []; for (var i = 0; i < k.length; i++) r.push([k[i], o[k[i]]]); return r; },
    values: function (o) { var k = keys(o), r = []; for (var i = 0; i < k.length; i++) r.push(o[k[i]]); return r; },
    fromEntries: function (list) { var o = {}; for (var i = 0; i < list.length; i++) o[list[i][0]] = list[i][1]; return o; },
    getOwnPropertyDescriptors: function (o) {
      var names = Object.getOwnPropertyNames(o), r = {};
      for (var i = 0; i < names.length; i++) r[names[i]] = Object.getOwnPropertyDescriptor(o, names[i]);
      return r;
    }
  });
  statics(Math, 'Math', {
    clip: function (x, min, max) { return x < min ? min : x > max ? max : x; },
    wrap: function (x, max) {
      if (max < 0) return 0;
      var turns = x / max;
      return (turns - (turns < 0 ? Math.ceil(turns) : Math.floor(turns))) * max; // negative stays negative, as there
    },
    randInt: function (range) { return range > 0 ? Math.floor(Math.random() * range) : Math.floor(Math.random() * 4294967296) - 2147483648; }
  });

  // What arrays and typed arrays both have: written once over `length` and indexes.
  var listMethods = {
    fill: function (v, start, end) {
      var len = this.length, e = end === undefined ? len : from(end, len);
      for (var i = from(start, len); i < e; i++) this[i] = v;
      return this;
    },
    find: function (fn, that) { for (var i = 0; i < this.length; i++) if (fn.call(that, this[i], i, this)) return this[i]; return undefined; },
    findIndex: function (fn, that) { for (var i = 0; i < this.length; i++) if (fn.call(that, this[i], i, this)) return i; return -1; },
    includes: function (v, start) { for (var i = from(start, this.length); i < this.length; i++) if (sameValueZero(this[i], v)) return true; return false; }
  };
  methods(Array.prototype, 'Array', listMethods);

  var typed = Object.getPrototypeOf(Uint8Array.prototype);
  var arrayMethods = ['every', 'filter', 'forEach', 'indexOf', 'join', 'reduce', 'some'];
  var typedMethods = {};
  for (var i = 0; i < arrayMethods.length; i++) typedMethods[arrayMethods[i]] = Array.prototype[arrayMethods[i]];
  for (var k in listMethods) typedMethods[k] = listMethods[k];
  // map, slice, reverse and sort give back a typed array of the same kind, as Espruino's do.
  typedMethods.map = function (fn, that) {
    var r = new this.constructor(this.length);
    for (var j = 0; j < this.length; j++) r[j] = fn.call(that, this[j], j, this);
    return r;
  };
  typedMethods.slice = function (start, end) { return new this.constructor(slice.call(this, start, end)); };
  typedMethods.reverse = function () { var a = slice.call(this).reverse(); for (var j = 0; j < a.length; j++) this[j] = a[j]; return this; };
  typedMethods.toString = function () { return Array.prototype.join.call(this, ','); }; // Object#toString there
  typedMethods.sort = function (compare) {
    var a = slice.call(this).sort(compare || function (x, y) { return x - y; });
    for (var j = 0; j < a.length; j++) this[j] = a[j];
    return this;
  };
  methods(typed, 'ArrayBufferView', typedMethods);

  function pad(s, length, filler, atStart) {
    s = String(s);
    filler = filler === undefined ? ' ' : String(filler);
    if (s.length >= length || filler === '') return s;
    var fill = '';
    while (fill.length < length - s.length) fill += filler;
    fill = fill.slice(0, length - s.length);
    return atStart ? fill + s : s + fill;
  }
  methods(String.prototype, 'String', {
    padStart: function (length, filler) { return pad(this, length, filler, true); },
    padEnd: function (length, filler) { return pad(this, length, filler, false); },
    replaceAll: function (pattern, replacement) {
      if (pattern instanceof RegExp) return this.replace(pattern, replacement);
      var parts = String(this).split(String(pattern)), r = parts[0];
      for (var j = 1; j < parts.length; j++) r += (typeof replacement === 'function' ? replacement(String(pattern)) : String(replacement)) + parts[j];
      return r;
    }
  });

  methods(Date.prototype, 'Date', {
    getIsDST: function () { return 0; },
    toLocalISOString: function () { return this.toISOString().replace('Z', '+0000'); }
  });

  // Espruino's events: listeners in the object's own "#on<event>" (a visible property there too),
  // run from the event queue after emit() returns, with what the queue held when it was called.
  function listeners(o, ev) { var l = o['#on' + ev]; return l ? (typeof l === 'function' ? [l] : l) : []; }
  function listen(atStart) {
    return function (ev, fn) {
      var l = listeners(this, ev).slice();
      if (atStart) l.unshift(fn); else l.push(fn);
      this['#on' + ev] = l;
      return this;
    };
  }
  methods(Object.prototype, 'Object', {
    on: listen(false),
    addListener: listen(false),
    prependListener: listen(true),
    emit: function (ev) {
      var self = this, l = listeners(this, ev), args = slice.call(arguments, 1);
      if (l.length) host.queueEvent(function () { for (var j = 0; j < l.length; j++) l[j].apply(self, args); });
    },
    removeListener: function (ev, fn) {
      var l = listeners(this, ev), kept = [];
      for (var j = 0; j < l.length; j++) if (l[j] !== fn) kept.push(l[j]);
      if (kept.length) this['#on' + ev] = kept; else delete this['#on' + ev];
    },
    removeAllListeners: function (ev) {
      if (ev !== undefined) { delete this['#on' + ev]; return; }
      for (var key in this) if (key.indexOf('#on') === 0) delete this[key];
    },
    clone: function () {
      if (Array.isArray(this)) return slice.call(this);
      var c = Object.create(Object.getPrototypeOf(this)), own = keys(this);
      for (var j = 0; j < own.length; j++) c[own[j]] = this[own[j]];
      return c;
    }
  });

  var BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var globals = {
    global: G,
    btoa: function (bytes) {
      var s = String(bytes), r = '';
      for (var j = 0; j < s.length; j += 3) {
        var n = (s.charCodeAt(j) << 16) | ((s.charCodeAt(j + 1) || 0) << 8) | (s.charCodeAt(j + 2) || 0);
        r += BASE64.charAt(n >> 18 & 63) + BASE64.charAt(n >> 12 & 63) + (j + 1 < s.length ? BASE64.charAt(n >> 6 & 63) : '=') + (j + 2 < s.length ? BASE64.charAt(n & 63) : '=');
      }
      return r;
    },
    atob: function (text) {
      var s = String(text).replace(/[^A-Za-z0-9+\/]/g, ''), r = '', bits = 0, n = 0;
      for (var j = 0; j < s.length; j++) {
        n = (n << 6) | BASE64.indexOf(s.charAt(j));
        bits += 6;
        if (bits >= 8) { bits -= 8; r += String.fromCharCode(n >> bits & 255); }
      }
      return r;
    },
    getTime: function () { return host.now() / 1000; },
    setInterval: host.setInterval,
    clearInterval: host.clearTimeout,
    changeInterval: host.changeInterval,
    Promise: espruinoPromise(host.queueEvent, host.report)
  };
  for (var g in globals) define(G, g, globals[g], g);
  return added;
}
