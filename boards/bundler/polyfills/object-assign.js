/*
 * Object.assign, replacing Espruino's own: in 2v29 a source with an integer key ({1794: …}, the
 * GPF mirror's clusters) trips an internal assertion (jsvMakeIntoVariableName) in the copy: a
 * debug build stops with "ASSERT(jsvIsSimpleInt(var) || jsvIsString(var)) FAILED", a release build
 * goes on with a broken key. Own enumerable keys only, as the standard one.
 */
Object.assign = function (target) {
  for (var i = 1; i < arguments.length; i++) {
    var src = arguments[i];
    if (src !== null && src !== undefined) for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) target[k] = src[k];
  }
  return target;
};
