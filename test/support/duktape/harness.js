/*
 * Duktape stand-in for three Espruino boards on one broker (strict ES5: no timers, no require).
 * It provides what Espruino would: require('MQTT') as an in-memory broker shared by the boards,
 * require('Storage') with each board's hanlab.json, require('SSD1306') returning a Graphics stub
 * that records the strings of every frame, require('Wifi'), setTimeout/clearTimeout and Date on
 * one virtual clock driven by run(). The built-ins Espruino lacks (Map, Set, WeakMap, Symbol,
 * Reflect, Proxy, Promise) are hidden from each bundle, so its polyfills are what it runs on.
 *
 * Output: one JSON object per line (kind: frame | screen | state | draw | log | exception | end)
 * for test/duktape.test.ts to read.
 */
var hanlab = (function () {
  var RealDate = Date;
  var now = 0;
  var seq = 0;
  var queue = []; // {at, seq, id, fn}
  var nextId = 1;
  var subscriptions = []; // {client, filter}
  var retained = {};

  function out(obj) { print(JSON.stringify(obj)); }

  function setTimeoutV(fn, ms) {
    var id = nextId++;
    queue.push({ at: now + Math.max(0, +ms || 0), seq: seq++, id: id, fn: fn });
    return id;
  }
  function clearTimeoutV(id) {
    if (id === undefined) throw new Error('clearTimeout() without an id clears every timeout on Espruino');
    for (var i = 0; i < queue.length; i++) if (queue[i].id === id) { queue.splice(i, 1); return; }
  }

  function VDate(a, b, c, d, e, f, g) {
    if (!(this instanceof VDate)) return new RealDate(now).toString();
    if (arguments.length === 0) return new RealDate(now);
    if (arguments.length === 1) return new RealDate(a);
    return new RealDate(a, b, c || 1, d || 0, e || 0, f || 0, g || 0);
  }
  VDate.now = function () { return now; };
  VDate.UTC = RealDate.UTC;
  VDate.parse = RealDate.parse;
  VDate.prototype = RealDate.prototype;

  function hex(s) {
    var h = '';
    for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); h += (c < 16 ? '0' : '') + c.toString(16); }
    return h;
  }

  function matches(filter, topic) {
    var f = filter.split('/'), t = topic.split('/');
    for (var i = 0; i < f.length; i++) {
      if (f[i] === '#') return true;
      if (i >= t.length) return false;
      if (f[i] !== '+' && f[i] !== t[i]) return false;
    }
    return f.length === t.length;
  }

  function createMqtt(device) {
    var handlers = {};
    var client = {
      connected: false,
      on: function (ev, fn) { (handlers[ev] = handlers[ev] || []).push(fn); },
      emit: function (ev, arg) { var h = handlers[ev] || []; for (var i = 0; i < h.length; i++) h[i](arg); },
      connect: function () { setTimeoutV(function () { client.connected = true; client.emit('connected'); }, 0); },
      subscribe: function (filter, opts) {
        if (!opts || opts.qos !== 0) throw new Error('QoS 0 only');
        subscriptions.push({ client: client, filter: filter });
        for (var t in retained) if (matches(filter, t)) deliver(client, t, retained[t]);
      },
      publish: function (topic, message, opts) {
        if (!client.connected) return;
        if (typeof message !== 'string') throw new Error('MQTT payloads are strings on Espruino');
        if (opts && opts.retain) retained[topic] = message;
        var parts = topic.split('/');
        if (parts[0] === 'han') out({ kind: 'frame', at: now, from: device, topic: topic, bytes: hex(message) });
        else out({ kind: parts[3], at: now, device: parts[2], json: JSON.parse(message) });
        for (var i = 0; i < subscriptions.length; i++) if (matches(subscriptions[i].filter, topic)) deliver(subscriptions[i].client, topic, message);
      }
    };
    return client;
  }

  function deliver(client, topic, message) {
    setTimeoutV(function () { client.emit('publish', { topic: topic, message: message }); }, 0);
  }

  function graphics(device) {
    var font = 6, scale = 1, strings = [];
    var g = {
      clear: function () { strings = []; return g; },
      setColor: function () { return g; },
      setBgColor: function () { return g; },
      setFont: function (name, s) {
        var parts = String(name).split(':');
        font = parts[0] === '4x6' ? 4 : 6;
        scale = s || (parts[1] ? +parts[1] : 1);
        return g;
      },
      setFontAlign: function () { return g; },
      drawString: function (text) { strings.push(String(text)); return g; },
      fillRect: function () { return g; },
      drawRect: function () { return g; },
      drawImage: function () { return g; },
      getWidth: function () { return 128; },
      getHeight: function () { return 64; },
      stringWidth: function (text) {
        var lines = String(text).split('\n'), w = 0;
        for (var i = 0; i < lines.length; i++) w = Math.max(w, lines[i].length * font * scale);
        return w;
      },
      flip: function () { out({ kind: 'draw', at: now, device: device, strings: strings.slice() }); }
    };
    return g;
  }

  function requireFor(device, storage) {
    return function (name) {
      if (name === 'MQTT') return { create: function (host, opts) {
        if (!opts || typeof opts.client_id !== 'string') throw new Error('MQTT.create needs a client_id');
        return createMqtt(device);
      } };
      if (name === 'Storage') return {
        readJSON: function (file) { try { return storage[file] === undefined ? undefined : JSON.parse(storage[file]); } catch (e) { return undefined; } },
        read: function (file) { return storage[file]; },
        write: function (file, data) { storage[file] = String(data); return true; }
      };
      if (name === 'SSD1306') return { connect: function (i2c, cb) { setTimeoutV(cb, 0); return graphics(device); } };
      if (name === 'Wifi') return { connect: function (ssid, opts, cb) { setTimeoutV(function () { cb(null); }, 0); } };
      throw new Error('no module ' + name);
    };
  }

  var consoleFor = function (device) {
    return { log: function (line) { out({ kind: 'log', at: now, device: device, line: String(line) }); } };
  };

  var i2c = { setup: function () {} };

  return {
    start: function (startMs) { now = startMs; },
    /** Loads one board: `bundle` is the bundle wrapped as function(require, setTimeout, clearTimeout, Date, console, I2C1, B8, B9, Map, Set, WeakMap, Symbol, Reflect, Proxy, Promise). */
    load: function (device, storage, bundle) {
      try {
        bundle(requireFor(device, storage), setTimeoutV, clearTimeoutV, VDate, consoleFor(device), i2c, 'B8', 'B9');
      } catch (e) {
        out({ kind: 'exception', at: now, device: device, error: String(e && e.stack || e) });
      }
    },
    run: function (untilMs) {
      var ran = 0;
      while (queue.length) {
        var best = 0;
        for (var i = 1; i < queue.length; i++) {
          if (queue[i].at < queue[best].at || (queue[i].at === queue[best].at && queue[i].seq < queue[best].seq)) best = i;
        }
        if (queue[best].at > untilMs) break;
        var t = queue.splice(best, 1)[0];
        now = t.at;
        ran++;
        try { t.fn(); } catch (e) { out({ kind: 'exception', at: now, error: String(e && e.stack || e) }); }
      }
      now = untilMs;
      out({ kind: 'end', at: now, timersRun: ran, pending: queue.length });
    }
  };
})();
