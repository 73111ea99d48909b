/**
 * Property mangling of the Espruino bundles (boards/bundler/mangle.ts): the names it keeps cover
 * everything the devices publish and everything the board's host provides. (That a mangled
 * bundle behaves byte for byte as an unmangled one is test/duktape.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpfMachine, gsmeMachine, ppmidMachine } from '../firmware/machines/index.ts';
import type { Platform } from '../firmware/platform/index.ts';
import { startDevice } from '../firmware/runtime/device.ts';
import { buildDevice } from '../boards/bundler/bundle.ts';
import { checkShortNames, keptNames, mangleableNames, namesIn } from '../boards/bundler/mangle.ts';
import { bundleComposition } from '../bench/composition.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { DeviceStarter } from '../sim/run/home.ts';
import { builtinScenario, parseScenario } from '../sim/scenario/load.ts';
import { DEFAULT_EUIS } from '../sim/scenario/schema.ts';
import { simulatedTopUpKey } from '../sim/wan/utrn-issuer.ts';
import { euiBytes, issueUtrn, topUpKeyBytes } from '../firmware/codec/utrn.ts';

/**
 * A day with what the built-in scenarios leave out at the PPMID: its link to the GPF lost, EC and
 * top-ups pressed on it (one of them nonsense, one a replayed code), its clock unsynchronised.
 */
const REPLAYED = issueUtrn(topUpKeyBytes(simulatedTopUpKey(5, DEFAULT_EUIS.gsme))!, euiBytes(DEFAULT_EUIS.gsme)!, 1, 1000);
const BUSY_DAY = `
name: busy-day
seed: 5
start: 2026-01-15T00:00:00Z
duration: 1d
devices: { gsme: { firmware: secmp0015 }, gpf: { firmware: secmp0015 }, ppmid: { firmware: secmp0015 } }
prepayment: { credit: 1.20, emergencyCreditLimit: 5.00, lowCreditThreshold: 1.00 }
consumption: { profile: [{ from: '00:00', kwhPerHour: 3.0 }] }
outages:
  - { start: '+2h', duration: 2h, link: gpf-ppmid }
  - { start: '+14h', duration: 3h, link: gsme-gpf }
  - { start: '+18h', duration: 2h, link: gsme-gpf, loss: 0.3 }
customer:
  - { at: '+5h', action: activateEc, via: ppmid }
  - { at: '+5h2m', action: activateEc, via: ppmid }
topUps:
  - { at: '+8h', amount: 10, via: ppmid }
  - { at: '+8h1m', amount: 5, via: ppmid }
  - { at: '+15h', amount: 5, via: ppmid }
  - { at: '+20h', amount: 3, via: meter }
  - { at: '+21h', utrn: '${REPLAYED}', via: ppmid }
serviceRequests:
  - { at: '+15h', useCase: GCS13a }
  - { at: '+15h1m', useCase: GCS60a }
clockFaults:
  - { device: ppmid, at: '+10h', kind: unsynchronised }
  - { device: gsme, at: '+11h', kind: jump, offset: 45m }
compare: false
`;

/** Every object key anywhere in a JSON value. */
function keysOf(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

describe('names an Espruino bundle keeps', () => {
  it("include every key each device publishes (state, screen, log data) in the built-in scenarios", async () => {
    const published = { gsme: new Set<string>(), gpf: new Set<string>(), ppmid: new Set<string>() };
    const machines = { gsme: gsmeMachine, gpf: gpfMachine, ppmid: ppmidMachine };
    const observed = (role: keyof typeof machines): DeviceStarter => (platform, input) => {
      const json = (v: unknown) => keysOf(JSON.parse(JSON.stringify(v ?? null)), published[role]);
      const p: Platform = {
        ...platform,
        observe: {
          state: (m) => (json(m), platform.observe.state(m)),
          screen: (m) => (json(m), platform.observe.screen?.(m)),
        },
        log: {
          info: (msg, d) => (json(d), platform.log.info(msg, d)),
          warn: (msg, d) => (json(d), platform.log.warn(msg, d)),
        },
      };
      return startDevice(machines[role], p, input);
    };
    const scenarios = [...['han-outage-prepay', 'top-up-during-outage', 'clock-drift'].map(builtinScenario), parseScenario(BUSY_DAY, 'busy-day', 'yaml')];
    for (const scenario of scenarios) {
      await runSimulation({ ...scenario, compare: false }, { start: { gsme: observed('gsme'), gpf: observed('gpf'), ppmid: observed('ppmid') } });
    }
    for (const role of ['gsme', 'gpf', 'ppmid'] as const) {
      const kept = keptNames(role, []);
      expect(published[role].size, role).toBeGreaterThan(10);
      expect([...published[role]].filter((k) => !kept.has(k)), role).toEqual([]);
    }
  }, 120_000);

  it("include every member of the host's declared APIs (Espruino modules, Graphics)", () => {
    const declared = new Set<string>();
    for (const file of ['boards/espruino/espruino.ts', 'firmware/display/render/graphics.ts']) {
      // The declarations only: the `espruino` object after them is the bundle's own.
      const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').split('export const espruino')[0]!;
      // Members of interfaces and of inline object types: `name(`, `name:` or `name?:` at a line start or after `{` / `;`.
      for (const m of text.matchAll(/(?:^\s+|[{;]\s*)(\w+)\??\s*[(:]/gm)) declared.add(m[1]!);
    }
    expect(declared.size).toBeGreaterThan(30);
    for (const device of ['gsme', 'gpf', 'ppmid'] as const) {
      const kept = keptNames(device, []);
      expect([...declared].filter((k) => !kept.has(k)), device).toEqual([]);
    }
  });

  it('include any name the code also writes as a string (a computed property)', () => {
    const code = "var o = { alpha: 1, beta: 2 }; o.gamma = o['alpha'] + ('beta' in o ? 1 : 0); o.delta = `${o.gamma}`;";
    expect(namesIn(code).strings).toEqual(new Set(['alpha', 'beta', '']));
    expect(mangleableNames('ppmid', code)).toEqual(['delta', 'gamma']);
  });
});

describe('a mangled PPMID bundle', () => {
  it('has its own long names shortened and the published ones kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-mangle-'));
    const { code } = await buildDevice({ board: 'espruino-wifi', device: 'ppmid', outDir: dir + '/' }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const properties = namesIn(code).properties;
    for (const internal of ['outstanding', 'lastContactHw', 'firstSeenHw', 'implementations']) expect(properties.has(internal), internal).toBe(false);
    for (const published of ['clockOffsetMs', 'lastPollResult', 'freshness', 'drawString', 'pollIntervalMs']) expect(properties.has(published), published).toBe(true);
  }, 60_000);

  it('refuses a short name that objects inherit (Espruino gives every object `on`)', () => {
    expect(() => checkShortNames({ pending: 'a', timers: 'b' })).not.toThrow();
    expect(() => checkShortNames({ handlers: 'on' })).toThrow(/'handlers' was shortened to 'on', an inherited name/);
    expect(() => checkShortNames({ proto: 'constructor' })).toThrow(/inherited/);
  });
});

describe("bench/footprint's breakdown of a bundle", () => {
  it('splits the bytes into strings, property names longer than two characters, and code', () => {
    const code = 'var a={ab:"xyz",total:1};a.total+=a.ab.length;';
    // strings: "xyz" (5); names: total ×2, length (16); ab is short (a mangled name).
    expect(bundleComposition(code)).toEqual({ bytes: code.length, strings: 5, keptNames: 16, code: code.length - 21 });
  });
});
