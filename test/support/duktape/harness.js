/*
 * Duktape stand-in for three Espruino boards on one broker (strict ES5: no timers, no require).
 * It provides what Espruino would: require('MQTT') as an in-memory broker shared by the boards,
 * require('Storage') with each board's hanlab.json, require('SSD1306') returning a Graphics stub
 * (graphics.js) that records the strings of every frame, require('Wifi'), setTimeout/clearTimeout
 * and Date on one virtual clock driven by run(). The built-ins Espruino lacks are either hidden
 * from each bundle (Map, Set, WeakMap, Symbol, Reflect, Proxy, Promise), or, with the Espruino
 * profile (espruino-profile.js), taken out of the engine altogether and Espruino's own put in.
 *
 * Output: one JSON object per line (kind: frame | screen | state | draw | log | exception | end)
 * for test/duktape.test.ts to read.
 */
var hanlab = (function () {
  var RealDate = Date;
  var dateUTC = Date.UTC;
  var now = 0;
  var seq = 0;
  var queue = []; // {at, seq, id, fn, args, every}
  var events = []; // what Espruino runs once the due timers have: emitted events, promise reactions
  var nextId = 1;
  var subscriptions = []; // {client, filter}
  var retained = {};
  var espruino = false; // the Espruino profile is on (start's options)
  var fonts = null;

  function out(obj) { print(JSON.stringify(obj)); }

  /** An exception as the line reports it: the stack, or the message of an Error Espruino prints as "[object Object]". */
  function describe(e) {
    var text = String(e && e.stack || e);
    if (e && typeof e.message === 'string' && text.indexOf(e.message) < 0) text += ' (message: ' + e.message + ')';
    return text;
  }

  function setTimeoutV(fn, ms) {
    var id = nextId++;
    queue.push({ at: now + Math.max(0, +ms || 0), seq: seq++, id: id, fn: fn, args: [].slice.call(arguments, 2) });
    return id;
  }
  function setIntervalV(fn, ms) {
    var id = setTimeoutV.apply(null, arguments);
    queue[queue.length - 1].every = Math.max(1, +ms || 0);
    return id;
  }
  function findTimer(id) {
    for (var i = 0; i < queue.length; i++) if (queue[i].id === id) return i;
    return -1;
  }
  // Espruino's clearTimeout and clearInterval are one function: either clears a timeout or an interval.
  function clearTimeoutV(id) {
    if (id === undefined) throw new Error('clearTimeout() without an id clears every timeout on Espruino');
    var i = findTimer(id);
    if (i >= 0) queue.splice(i, 1);
  }
  function changeIntervalV(id, ms) {
    var i = findTimer(id);
    if (i < 0 || !queue[i].every) throw new Error('Unknown Interval');
    queue[i].every = Math.max(1, +ms || 0);
    queue[i].at = now + queue[i].every;
  }

  // Espruino has no time zone until E.setTimeZone: its local time is UTC, and Date() is a Date.
  function VDate(a, b, c, d, e, f, g) {
    if (!(this instanceof VDate)) return espruino ? new RealDate(now) : new RealDate(now).toString();
    if (arguments.length === 0) return new RealDate(now);
    if (arguments.length === 1) return new RealDate(a);
    if (espruino) return new RealDate(dateUTC(a, b, c || 1, d || 0, e || 0, f || 0, g || 0));
    return new RealDate(a, b, c || 1, d || 0, e || 0, f || 0, g || 0);
  }
  VDate.now = function () { return now; };
  VDate.UTC = dateUTC;
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

  function requireFor(device, storage, Graphics) {
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
      if (name === 'SSD1306') return { connect: function (i2c, cb) { setTimeoutV(cb, 0); return new Graphics(); } };
      if (name === 'Wifi') return { connect: function (ssid, opts, cb) { setTimeoutV(function () { cb(null); }, 0); } };
      throw new Error('no module ' + name);
    };
  }

  var consoleFor = function (device) {
    return { log: function (line) { out({ kind: 'log', at: now, device: device, line: String(line) }); } };
  };

  var i2c = { setup: function () {} };

  function runTimer(t) {
    if (t.every) {
      t.at += t.every;
      t.seq = seq++;
      queue.push(t);
    }
    try { t.fn.apply(null, t.args); } catch (e) { out({ kind: 'exception', at: now, error: describe(e) }); }
  }
  function runEvents() {
    while (events.length) {
      var ev = events.shift();
      try { ev(); } catch (e) { out({ kind: 'exception', at: now, error: describe(e) }); }
    }
  }
  function dueTimers() {
    var due = [];
    for (var i = 0; i < queue.length; i++) if (queue[i].at <= now) due.push(queue[i]);
    return due.sort(function (a, b) { return a.at - b.at || a.seq - b.seq; });
  }

  return {
    /** options.espruino: the Espruino profile is on; options.fonts: the board's firmware fonts. */
    start: function (startMs, options) {
      now = startMs;
      espruino = !!(options && options.espruino);
      fonts = options && options.fonts || null;
    },
    /** What the Espruino profile's built-ins run on: the virtual clock and the event queue. */
    host: {
      Date: VDate,
      now: function () { return now; },
      queueEvent: function (fn) { events.push(fn); },
      setInterval: setIntervalV,
      clearTimeout: clearTimeoutV,
      changeInterval: changeIntervalV,
      report: function (e) { out({ kind: 'exception', at: now, error: describe(e) }); }
    },
    /** Loads one board: `bundle` is the bundle wrapped as function(require, setTimeout, clearTimeout, Date, console, I2C1, B8, B9, Graphics, …hidden built-ins). */
    load: function (device, storage, bundle) {
      var Graphics = hanlabGraphicsClass(fonts, function (strings) { out({ kind: 'draw', at: now, device: device, strings: strings }); });
      try {
        bundle(requireFor(device, storage, Graphics), setTimeoutV, clearTimeoutV, VDate, consoleFor(device), i2c, 'B8', 'B9', Graphics);
      } catch (e) {
        out({ kind: 'exception', at: now, device: device, error: describe(e) });
      }
    },
    /**
     * Runs the boards until untilMs as Espruino's idle loop does: the timers due, oldest first,
     * then every queued event (a timer set meanwhile waits for the next round).
     */
    run: function (untilMs) {
      var ran = 0;
      for (;;) {
        var due = dueTimers();
        for (var i = 0; i < due.length; i++) {
          var at = findTimer(due[i].id);
          if (at < 0 || queue[at] !== due[i]) continue; // cleared by an earlier one
          queue.splice(at, 1);
          ran++;
          runTimer(due[i]);
        }
        runEvents();
        if (dueTimers().length) continue;
        var next = null;
        for (var j = 0; j < queue.length; j++) if (!next || queue[j].at < next.at) next = queue[j];
        if (!next || next.at > untilMs) break;
        now = next.at;
      }
      now = untilMs;
      out({ kind: 'end', at: now, timersRun: ran, pending: queue.length });
    }
  };
})();
