/**
 * Property names shortened in Espruino bundles. A minifier renames variables but not properties,
 * and the firmware's property names (`clockOffsetMs`, `expectedUpdateIntervalMs`, …) were about a
 * quarter of the PPMID bundle. esbuild renames a property everywhere in the bundle at once
 * (`mangleProps`), so a name may be shortened only where nothing outside the bundle sees it. Kept:
 *
 * - the engine's own names (any property of a built-in object or prototype: `length`, `push`,
 *   `message`, …), read from the JS engine running the build, plus the few that only instances have;
 * - what the board's host provides (Espruino's Graphics, MQTT, Storage, WiFi, I2C: their
 *   declarations in boards/espruino/espruino.ts and firmware/display/render/graphics.ts);
 * - what is published or read as JSON: the screen model, each device's `state` summary, log data,
 *   the device config (hanlab.json) and each machine's config overrides;
 * - every name that also appears as a string in the bundle: a name written as a string may be a
 *   computed property (`context[pending]`, `'x' in o`, a JSON key), which the renaming cannot see.
 *
 * test/build-mangle.test.ts checks the lists against what the Node devices really publish and
 * what the board declarations name; test/duktape.test.ts, that a mangled bundle behaves as an
 * unmangled one.
 */
import { parse } from 'acorn';
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';
import { GPF_DEFAULT_CONFIG, GSME_DEFAULT_CONFIG, PPMID_DEFAULT_CONFIG } from '../../firmware/machines/index.ts';
import type { DeviceKind } from '../config/board-spec.ts';

/** Names of what the host provides that the bundle calls or reads. */
export const HOST_NAMES: readonly string[] = [
  // Espruino Graphics (the layout's subset) and image objects
  'clear', 'setColor', 'setBgColor', 'setFont', 'setFontAlign', 'drawString', 'fillRect', 'drawRect', 'drawImage', 'flip',
  'getWidth', 'getHeight', 'stringWidth', 'width', 'height', 'bpp', 'transparent', 'buffer', 'scale',
  // MQTT module: the client, its options and its `publish` event
  'create', 'connect', 'on', 'subscribe', 'publish', 'qos', 'retain', 'port', 'client_id', 'username', 'keep_alive', 'topic', 'message',
  // Storage, WiFi, I2C, SSD1306
  'readJSON', 'read', 'write', 'password', 'setup', 'scl', 'sda', 'bitrate',
];

/**
 * Names in JSON that leaves a device's bundle (published models, logs) or enters it (config
 * files): those of every device, then each device's own.
 */
const PUBLISHED_BY_ALL: readonly string[] = [
  // hanlab.json (firmware/runtime/app.ts DeviceConfig, boards/espruino/config.ts BoardConfig)
  'device', 'firmware', 'premises', 'eui', 'peers', 'gpf', 'gsme', 'ppmid', 'seed', 'profile', 'config', 'secret', 'wifi', 'ssid', 'mqtt', 'host',
  // log data of the device runtime (device-core.ts) and the board (boards/espruino)
  'type', 'error', 'src', 'clusterId', 'bytes', 'dst', 'topic', 'inMs',
];
export const PUBLISHED_NAMES: Readonly<Record<DeviceKind, readonly string[]>> = {
  ppmid: [
    // the screen model (firmware/display/screen-model.ts ScreenModel)
    'credit', 'emergencyCredit', 'debt', 'ec', 'supply', 'lastUpdate', 'at', 'hhmm', 'local', 'zone', 'ago', 'source', 'ageMinutes', 'freshness',
    'warnings', 'code', 'text', 'pending', 'topUp', 'topUpRefused', 'lines',
    // ppmidSummary
    'link', 'lastPollResult', 'failures', 'clockOffsetMs', 'clockSynced', 'staleDetection',
    // log data
    'status', 'timeStatus', 'correctionMs', 'reason', 'amount', 'amountPounds', 'failedPolls', 'missing', 'sequence', 'kind', 'afterMs', 'result',
  ],
  gsme: [
    // gsmeSummary
    'paymentMode', 'supply', 'supplyStatus', 'creditGbp', 'emergencyCreditGbp', 'debtGbp', 'creditStatus', 'creditStatusFlags', 'volumeM3',
    'clockOffsetMs', 'clockFault', 'wakeCount', 'lastReport',
    // log data
    'attempt', 'attempts', 'status', 'timeStatus', 'correctionMs', 'reason', 'accepted', 'amount', 'amountGbp', 'action', 'counter',
  ],
  gpf: [
    // gpfSummary
    'snapshotTime', 'snapshotReliable', 'creditGbp', 'emergencyCreditGbp', 'creditStatus', 'supplyStatus', 'lastReportAt', 'reportsReceived',
    'pendingCommands',
    // log data
    'status', 'timeStatus', 'commands', 'command', 'from', 'commandId', 'requestId', 'useCase', 'to', 'result', 'sequence', 'missingClusters',
  ],
};

const DEFAULT_CONFIGS: Readonly<Record<DeviceKind, object>> = { gsme: GSME_DEFAULT_CONFIG, gpf: GPF_DEFAULT_CONFIG, ppmid: PPMID_DEFAULT_CONFIG };

/** Properties only instances have (not found on a prototype). */
const INSTANCE_NAMES = ['length', 'stack', 'message', 'name', 'index', 'input', 'lastIndex', 'groups', 'cause', 'constructor', 'prototype', 'arguments', 'caller'];

/**
 * Espruino's own additions to every object and function (events on any object, `clone`,
 * `replaceWith`): a shortened name must not land on one of them, or reading a property an object
 * lacks would find Espruino's method instead of undefined.
 */
export const ESPRUINO_OBJECT_NAMES: readonly string[] = ['on', 'emit', 'removeListener', 'removeAllListeners', 'prependListener', 'clone', 'replaceWith'];

/** ECMAScript's global objects (Node's own globals are left out: a board has none of them). */
const ES_GLOBALS = [
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Math', 'JSON', 'Date', 'RegExp', 'Promise', 'Reflect', 'Proxy',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError',
  'ArrayBuffer', 'DataView', 'Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
  'Float32Array', 'Float64Array', 'Map', 'Set', 'WeakMap', 'WeakSet',
];
/** console as a board has it (Node's has many more, e.g. `context` and `time`). */
const CONSOLE_NAMES = ['log', 'info', 'warn', 'error', 'debug'];

/** Every property name of the ECMAScript built-ins (and console's), as the engine running the build has them. */
export function engineNames(): Set<string> {
  const out = new Set<string>([...INSTANCE_NAMES, ...ESPRUINO_OBJECT_NAMES, ...CONSOLE_NAMES]);
  const seen = new Set<unknown>();
  const add = (o: unknown): void => {
    while ((typeof o === 'object' || typeof o === 'function') && o !== null && !seen.has(o)) {
      seen.add(o);
      for (const k of Object.getOwnPropertyNames(o)) out.add(k);
      const proto = (o as { prototype?: unknown }).prototype;
      if (proto) add(proto);
      o = Object.getPrototypeOf(o);
    }
  };
  const g = globalThis as Record<string, unknown>;
  // The global functions and values (parseInt, setTimeout…), then the objects' own and inherited names.
  for (const k of Object.getOwnPropertyNames(globalThis)) if (typeof g[k] === 'function' && /^[a-z]/.test(k)) out.add(k);
  for (const k of ES_GLOBALS) add(g[k]);
  return out;
}

/**
 * The names never shortened in `device`'s bundle, whose strings are `strings`. The machine's
 * config keys are kept: a board's `config` overrides them by name.
 */
export function keptNames(device: DeviceKind, strings: Iterable<string>): Set<string> {
  const kept = engineNames();
  for (const list of [HOST_NAMES, PUBLISHED_BY_ALL, PUBLISHED_NAMES[device], Object.keys(DEFAULT_CONFIGS[device]), strings]) for (const n of list) kept.add(n);
  return kept;
}

/** The name of a property written as a name (`o.name`, `{ name: … }`, a class member), else null. */
export function propertyName(node: AnyNode): string | null {
  const named = node.type === 'MemberExpression' || node.type === 'Property' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition';
  if (!named || node['computed']) return null;
  const key = (node.type === 'MemberExpression' ? node['property'] : node['key']) as AnyNode;
  return key.type === 'Identifier' ? (key['name'] as string) : null;
}

/** The property names and the string literals of a script (es2020, not minified). */
export function namesIn(code: string): { properties: Set<string>; strings: Set<string> } {
  const properties = new Set<string>();
  const strings = new Set<string>();
  walk(parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AnyNode, (node) => {
    if (node.type === 'Literal' && typeof node['value'] === 'string') strings.add(node['value'] as string);
    if (node.type === 'TemplateElement') strings.add((node['value'] as { cooked: string | null }).cooked ?? '');
    const name = propertyName(node);
    if (name !== null) properties.add(name);
  });
  return { properties, strings };
}

/** The property names of `device`'s bundle `code` that may be shortened, sorted. */
export function mangleableNames(device: DeviceKind, code: string): string[] {
  const { properties, strings } = namesIn(code);
  const kept = keptNames(device, strings);
  return [...properties].filter((n) => !kept.has(n) && n.length > 1).sort();
}

/** esbuild's `mangleProps` for exactly these names (null: none). */
export function manglePattern(names: readonly string[]): RegExp | null {
  return names.length === 0 ? null : new RegExp('^(?:' + names.join('|') + ')$');
}

/**
 * Throws if esbuild gave a property a short name that objects inherit (from Object, Function or
 * Array prototypes, or Espruino's `on`, `clone`…): reading it where it was never set would find
 * the inherited one instead of undefined. esbuild avoids only the names it sees in the bundle.
 */
export function checkShortNames(mangleCache: Record<string, string | false>): void {
  const inherited = new Set<string>(ESPRUINO_OBJECT_NAMES);
  for (const proto of [Object.prototype, Function.prototype, Array.prototype]) for (const k of Object.getOwnPropertyNames(proto)) inherited.add(k);
  for (const [name, short] of Object.entries(mangleCache)) {
    if (short !== false && inherited.has(short)) throw new Error(`property mangling: '${name}' was shortened to '${short}', an inherited name`);
  }
}
