/*
 * Takes out of Duktape every built-in Espruino 2v29 does not have, by the facts file
 * (boards/bundler/espruino-builtins.json): the globals not in `globals`, the static members not in
 * `statics[Class]`, and the prototype methods not in `methods[Class]` ∪ `methods.Object`
 * (∪ `methods.ArrayBufferView` for typed arrays), so a bundle that calls one fails here as it
 * would on the board: `Object.freeze(…)` throws, `typeof Number.isInteger` is "undefined".
 *
 * keepGlobals: the harness's own globals. standIns: the harness's stand-ins for a class the
 * bundles see in its place ({ Date: the virtual-clock Date }), restricted as that class.
 * Returns the names taken out ("Symbol", "Math.trunc", "Date#getUTCHours") and those that cannot be.
 */
function espruinoRestrict(G, facts, keepGlobals, standIns) {
  var removed = [];
  var stuck = [];
  var getNames = Object.getOwnPropertyNames;
  var describe = Object.getOwnPropertyDescriptor;
  var getProto = Object.getPrototypeOf;
  // Members every function has; Espruino's have them too (or they are how the language works).
  var FUNCTION_OWN = ['length', 'name', 'prototype'];
  // What every object of the class has on Espruino (measured with typeof on 2v29) that Duktape
  // keeps on the prototype as an accessor: the facts file lists methods only.
  var INSTANCE_PROPERTIES = ['constructor', '__proto__', 'message', 'stack', 'source', 'lastIndex', 'buffer', 'byteLength', 'byteOffset'];

  function has(list, name) {
    for (var i = 0; list && i < list.length; i++) if (list[i] === name) return true;
    return false;
  }
  // The ES2015 constants (Number.EPSILON, MAX_SAFE_INTEGER…) are not configurable: they stay, listed.
  function take(obj, name, label) {
    if (delete obj[name]) removed.push(label);
    else stuck.push(label);
  }
  function restrictStatics(obj, label, allowed) {
    var names = getNames(obj);
    for (var i = 0; i < names.length; i++) {
      if (!has(allowed, names[i]) && !has(FUNCTION_OWN, names[i])) take(obj, names[i], label + '.' + names[i]);
    }
  }
  function restrictMethods(proto, label, allowed) {
    var names = getNames(proto);
    for (var i = 0; i < names.length; i++) {
      var d = describe(proto, names[i]);
      var method = d.get || d.set || typeof d.value === 'function';
      if (method && !has(allowed, names[i]) && !has(INSTANCE_PROPERTIES, names[i])) take(proto, names[i], label + '#' + names[i]);
    }
  }
  function typedArray(name) { return name !== 'Array' && /Array$/.test(name) && name !== 'ArrayBuffer'; }

  function restrictClass(className, cls) {
    var kind = typedArray(className) ? 'ArrayBufferView' : className;
    if (!facts.statics[kind] || cls === null || (typeof cls !== 'function' && typeof cls !== 'object')) return;
    restrictStatics(cls, className, facts.statics[kind]);
    if (typeof cls !== 'function' || !cls.prototype) return;
    var objectMethods = facts.methods.Object;
    var allowed = (facts.methods[className] || []).concat(objectMethods, kind === 'ArrayBufferView' ? facts.methods.ArrayBufferView : []);
    restrictMethods(cls.prototype, className, allowed);
    // The prototype every typed array shares (%TypedArray%.prototype in Duktape).
    var shared = getProto(cls.prototype);
    if (kind === 'ArrayBufferView' && shared !== Object.prototype) restrictMethods(shared, 'ArrayBufferView', facts.methods.ArrayBufferView.concat(objectMethods));
  }

  var globals = getNames(G);
  for (var i = 0; i < globals.length; i++) {
    if (!has(facts.globals, globals[i]) && !has(keepGlobals, globals[i])) take(G, globals[i], globals[i]);
  }
  var classes = getNames(G);
  for (var c = 0; c < classes.length; c++) restrictClass(classes[c], G[classes[c]]);
  for (var s in standIns) restrictClass(s, standIns[s]);
  return { removed: removed, stuck: stuck };
}
