/*
 * Espruino 2v29's Promise (then, catch, resolve, reject, all) in ES5 for Duktape, which has none.
 * As on Espruino, reactions run from the event queue (`queueEvent`: after the due timers, before
 * the next round of them), and a rejection that reaches a promise with no reaction by the time its
 * event runs is an uncaught "Unhandled promise rejection: …" (`report`).
 */
function espruinoPromise(queueEvent, report) {
  var PENDING = 0, FULFILLED = 1, REJECTED = 2;

  function state(p) { return p['#promise']; }

  function settle(p, how, value) {
    var s = state(p);
    if (s.how !== PENDING) return;
    s.how = how;
    s.value = value;
    queueEvent(function () {
      if (how === REJECTED && !s.reactions.length) report(new Error('Unhandled promise rejection: ' + String(value)));
      s.delivered = true;
      var list = s.reactions;
      s.reactions = [];
      for (var i = 0; i < list.length; i++) react(list[i], how, value);
    });
  }

  function resolver(p) {
    var done = false;
    return {
      resolve: function (v) { if (!done) { done = true; resolveWith(p, v); } },
      reject: function (r) { if (!done) { done = true; settle(p, REJECTED, r); } }
    };
  }

  function resolveWith(p, v) {
    if (v === p) return settle(p, REJECTED, new TypeError('A promise cannot resolve to itself'));
    var then;
    try {
      then = v !== null && (typeof v === 'object' || typeof v === 'function') ? v.then : undefined;
    } catch (e) {
      return settle(p, REJECTED, e);
    }
    if (typeof then !== 'function') return settle(p, FULFILLED, v);
    // Adopted at once, not from the queue: a rejected promise returned from a reaction has its
    // reaction before its rejection is looked at, as on Espruino.
    var r = resolver(p);
    try { then.call(v, r.resolve, r.reject); } catch (e) { r.reject(e); }
  }

  function react(reaction, how, value) {
    var handler = how === FULFILLED ? reaction.onFulfilled : reaction.onRejected;
    if (typeof handler !== 'function') {
      if (how === FULFILLED) reaction.next.resolve(value); else reaction.next.reject(value);
      return;
    }
    try { reaction.next.resolve(handler(value)); } catch (e) { reaction.next.reject(e); }
  }

  function Promise(executor) {
    if (!(this instanceof Promise)) throw new TypeError('Promise must be called with new');
    Object.defineProperty(this, '#promise', { value: { how: PENDING, value: undefined, reactions: [], delivered: false } });
    var r = resolver(this);
    try { executor(r.resolve, r.reject); } catch (e) { r.reject(e); }
  }

  function method(name, fn) { Object.defineProperty(Promise.prototype, name, { value: fn, writable: true, configurable: true }); }

  method('then', function (onFulfilled, onRejected) {
    var s = state(this), next = {};
    var child = new Promise(function (resolve, reject) { next.resolve = resolve; next.reject = reject; });
    var reaction = { onFulfilled: onFulfilled, onRejected: onRejected, next: next };
    if (s.how !== PENDING && s.delivered) queueEvent(function () { react(reaction, s.how, s.value); });
    else s.reactions.push(reaction);
    return child;
  });
  method('catch', function (onRejected) { return this.then(undefined, onRejected); });

  Promise.resolve = function (v) { return v instanceof Promise ? v : new Promise(function (resolve) { resolve(v); }); };
  Promise.reject = function (r) { return new Promise(function (resolve, reject) { reject(r); }); };
  Promise.all = function (list) {
    return new Promise(function (resolve, reject) {
      var results = [], left = list.length;
      if (!left) return resolve(results);
      for (var i = 0; i < list.length; i++) {
        (function (i) {
          Promise.resolve(list[i]).then(function (v) {
            results[i] = v;
            if (--left === 0) resolve(results);
          }, reject);
        })(i);
      }
    });
  };
  return Promise;
}
