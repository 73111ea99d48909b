/*
 * The Espruino profile: Duktape made to have exactly Espruino 2v29's built-ins
 * (boards/bundler/espruino-builtins.json), so a bundle fails here where it would fail on the board.
 * Espruino's own built-ins that Duktape lacks go in (espruino-shims.js, espruino-promise.js),
 * those that answer differently are made to answer as Espruino's (espruino-errors.js,
 * espruino-behaviours.js), then everything Espruino lacks comes out (espruino-restrict.js).
 * The Graphics stub's fonts are the board's (graphics.js, through hanlab.start).
 *
 * Run once, after the harness and before the bundles load. Returns what it did, by name.
 */
var HANLAB_GLOBALS = ['hanlab', 'hanlabGraphicsClass', 'HANLAB_GLOBALS', 'espruinoProfile', 'espruinoShims', 'espruinoPromise', 'espruinoErrors', 'espruinoBehaviours', 'espruinoRestrict'];

function espruinoProfile(facts, host) {
  var G = (function () { return this; })();
  var added = espruinoShims(G, host);
  var changed = espruinoErrors(G).concat(espruinoBehaviours(G));
  var restricted = espruinoRestrict(G, facts, HANLAB_GLOBALS, { Date: host.Date });
  return { removed: restricted.removed, stuck: restricted.stuck, added: added, changed: changed };
}
