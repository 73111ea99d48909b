/*
 * Errors as Espruino 2v29 has them (measured on its Linux build):
 * - String(e) / e.toString() is "Type: message" from the error's own `type` and `message`
 *   ("Error" when it has no message); `message`, `type` and `stack` are the error's own,
 *   enumerable properties, and errors have no `name`;
 * - an object that only inherits from an error class (the build's ES5 Error subclasses, or
 *   Object.create(Error.prototype)) is no error to Espruino's method lookup, which looks for a
 *   built-in class at the object's own prototype's `constructor` only: String(e) is
 *   "[object Object]". Object.create(Error.prototype) itself gets Error's toString once a
 *   `new Error(…)` has run (that is what gives Error.prototype its `constructor` on Espruino);
 *   here that is a `new`/call of the error classes, not an error Duktape throws itself;
 * - InternalError, which Duktape lacks.
 * Not imitated: on Espruino TypeError and the others do not inherit from Error, and most errors
 * the interpreter throws are plain Errors; Duktape's stay TypeErrors, instances of Error.
 *
 * Returns the names put in or changed.
 */
function espruinoErrors(G) {
  var changed = [];
  var classOf = Object.prototype.toString; // "[object Error]" for an error Duktape made
  var hasOwn = Object.prototype.hasOwnProperty;
  var getProto = Object.getPrototypeOf;
  var NativeError = G.Error;
  var classes = []; // { name, proto, linked }

  function classAt(proto) {
    for (var i = 0; i < classes.length; i++) if (classes[i].proto === proto) return classes[i];
    return null;
  }
  function typeOf(e) {
    for (var p = getProto(e); p; p = getProto(p)) if (classAt(p)) return classAt(p).name;
    return 'Error';
  }
  function toString() {
    var native = classOf.call(this) === '[object Error]';
    var at = classAt(getProto(this));
    if (!native && !(at && at.linked)) return '[object Object]';
    var type = hasOwn.call(this, 'type') ? this.type : native ? typeOf(this) : 'Error';
    return hasOwn.call(this, 'message') ? type + ': ' + this.message : String(type);
  }
  function own(obj, name, value) {
    Object.defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: true });
  }
  function hidden(obj, name, value) {
    Object.defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  function espruinoClass(name, Native, proto) {
    var entry = { name: name, proto: proto, linked: false };
    classes.push(entry);
    var Class = function (message) {
      entry.linked = true;
      var e = arguments.length ? new Native(message) : new Native();
      if (getProto(e) !== proto) Object.setPrototypeOf(e, proto);
      // Own and enumerable there, so JSON.stringify and Object.keys show them.
      var stack = e.stack;
      if (arguments.length) own(e, 'message', String(message));
      own(e, 'type', name);
      own(e, 'stack', stack);
      return e;
    };
    Class.prototype = proto;
    hidden(proto, 'constructor', Class);
    hidden(proto, 'toString', toString);
    delete proto.name;
    hidden(G, name, Class);
    changed.push(name);
  }

  var natives = ['Error', 'TypeError', 'SyntaxError', 'ReferenceError'];
  for (var i = 0; i < natives.length; i++) {
    var Native = natives[i] === 'Error' ? NativeError : G[natives[i]];
    espruinoClass(natives[i], Native, Native.prototype);
  }
  espruinoClass('InternalError', NativeError, Object.create(NativeError.prototype));
  return changed;
}
