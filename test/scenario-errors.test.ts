import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario, resolveScenario, ScenarioError } from '../sim/scenario/load.ts';

/** The ScenarioError a call throws (fails the test if it throws nothing or something else). */
function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError, nothing was thrown');
}

const yaml = (text: string) => errorOf(() => parseScenario(text, 'sim/scenarios/x.yaml', 'yaml'));

describe('scenario errors name the file, line, field path, expected and found', () => {
  it('bad duration', () => {
    const err = yaml("name: x\noutages:\n  - start: '+19h'\n    duration: 3 hours\n    link: gsme-gpf\n");
    expect(err.message).toBe(`sim/scenarios/x.yaml:4: outages[0].duration: expected a duration like '30m', '3h' or seconds, found "3 hours"`);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ file: 'sim/scenarios/x.yaml', line: 4, path: 'outages[0].duration' });
  });

  it('unknown key, with a suggestion', () => {
    const err = yaml('name: x\ndevices:\n  gsme:\n    wakeinterval: 30m\n');
    expect(err.message).toBe(
      "sim/scenarios/x.yaml:4: devices.gsme.wakeinterval: unknown key 'wakeinterval' (did you mean 'wakeInterval'?); known keys: firmware, eui, wakeInterval, wakeJitter, retries, ackTimeout, clock",
    );
  });

  it('unknown top-level keys, one problem each', () => {
    const err = yaml('name: x\ncolour: red\nsize: 3\n');
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([
      [2, 'colour'],
      [3, 'size'],
    ]);
    expect(err.problems[0]?.text).toMatch(/^unknown key 'colour'; known keys: name, description, seed, start, duration,/);
    expect(err.message).toMatch(/ \(and 1 more problem\)$/);
  });

  it('bad firmware value', () => {
    const err = yaml('name: x\ndevices:\n  gpf: { firmware: new }\n');
    expect(err.message).toBe(`sim/scenarios/x.yaml:3: devices.gpf.firmware: expected 'secmp0015' or 'legacy', found "new"`);
  });

  it('event outside the run: ISO and offset forms', () => {
    const err = yaml("name: x\nduration: 2d\ntopUps:\n  - { at: '+58h', amount: 10 }\ncustomer:\n  - { at: 2026-01-14T23:00:00Z, action: activateEc }\n");
    expect(err.problems.map((p) => p.message)).toEqual([
      `sim/scenarios/x.yaml:4: topUps[0].at: expected a time within the run (2026-01-15T00:00:00Z to 2026-01-17T00:00:00Z), found "+58h" (= 2026-01-17T10:00:00Z)`,
      `sim/scenarios/x.yaml:6: customer[0].at: expected a time within the run (2026-01-15T00:00:00Z to 2026-01-17T00:00:00Z), found "2026-01-14T23:00:00Z"`,
    ]);
  });

  it('outage past the end of the run, and overlapping outages on a link', () => {
    const err = yaml(
      'name: x\noutages:\n' +
        "  - { start: '+1h', duration: 2h, link: gsme-gpf }\n" +
        "  - { start: '+2h', duration: 2h, link: all, direction: up }\n" +
        "  - { start: '+5h', duration: 2h, link: gsme-gpf, direction: up }\n" +
        "  - { start: '+6h', duration: 2h, link: gsme-gpf, direction: down }\n" +
        "  - { start: '+23h', duration: 2h, link: gpf-ppmid }\n",
    );
    expect(err.problems.map((p) => p.message)).toEqual([
      `sim/scenarios/x.yaml:4: outages[1].start: expected an outage not overlapping outages[0] (gsme-gpf both, 2026-01-15T01:00:00Z to 2026-01-15T03:00:00Z), found "+2h" (= 2026-01-15T02:00:00Z)`,
      `sim/scenarios/x.yaml:7: outages[4].duration: expected an outage that ends by the end of the run (2026-01-16T00:00:00Z; at most 1h from its start), found "2h" (ends 2026-01-16T01:00:00Z)`,
    ]);
  });

  it('profile out of order, not from midnight', () => {
    const err = yaml("name: x\nconsumption:\n  profile:\n    - { from: '01:00', kwhPerHour: 1 }\n    - { from: '00:30', kwhPerHour: 1 }\n");
    expect(err.problems.map((p) => p.message)).toEqual([
      `sim/scenarios/x.yaml:4: consumption.profile[0].from: expected '00:00' (the first step starts at midnight), found "01:00"`,
      `sim/scenarios/x.yaml:5: consumption.profile[1].from: expected a time after the previous step's '01:00' (steps in ascending order), found "00:30"`,
    ]);
  });

  it('top-ups: an amount a UTRN can carry, or a 20-digit utrn, one of the two; missing say "found nothing"', () => {
    const err = yaml(
      "name: x\ntopUps:\n  - { at: '+1h', amount: 0 }\n  - { at: '+2h' }\n  - { at: '+3h', amount: 700 }\n  - { at: '+4h', utrn: '1234' }\n  - { at: '+5h', amount: 5, utrn: '12345678901234567890' }\n  - { at: '+6h', amount: 1.234 }\n",
    );
    expect(err.problems.map((p) => p.message)).toEqual([
      'sim/scenarios/x.yaml:3: topUps[0].amount: expected an amount in £ from 0.01 to 655.35, whole pence (what a UTRN carries), found 0',
      'sim/scenarios/x.yaml:4: topUps[1].amount: expected an amount in £ from 0.01 to 655.35, whole pence (what a UTRN carries), or a utrn, found nothing',
      'sim/scenarios/x.yaml:5: topUps[2].amount: expected an amount in £ from 0.01 to 655.35, whole pence (what a UTRN carries), found 700',
      "sim/scenarios/x.yaml:6: topUps[3].utrn: expected a UTRN of 20 digits like '1234 5678 9012 3456 7890' (at most 2^66 − 1), found \"1234\"",
      'sim/scenarios/x.yaml:7: topUps[4].utrn: expected either an amount (the supplier issues the code) or a utrn, not both, found "12345678901234567890"',
      'sim/scenarios/x.yaml:8: topUps[5].amount: expected an amount in £ from 0.01 to 655.35, whole pence (what a UTRN carries), found 1.234',
    ]);
  });

  it('clock faults need the field their kind uses', () => {
    const err = yaml("name: x\nclockFaults:\n  - { device: gsme, at: '+1h', kind: jump }\n  - { device: ppmid, at: '+2h', kind: drift, offset: 5m }\n");
    expect(err.problems.map((p) => `${p.path}: ${p.text}`)).toEqual([
      "clockFaults[0].offset: expected a signed duration like '-5m', '90s' or seconds (a jump needs an offset), found nothing",
      'clockFaults[1].driftPpm: expected a number of parts per million (a drift needs driftPpm), found nothing',
      'clockFaults[1].offset: expected no offset on a drift (use driftPpm), found "5m"',
    ]);
  });

  it('power cuts: a known device, a positive duration, inside the run, one at a time per device', () => {
    const err = yaml("name: x\nduration: 1d\npower:\n  - { device: meter, at: '+1h', for: 5m }\n  - { device: gsme, at: '+2h', for: 0 }\n  - { device: gpf, at: '+23h', for: 2h }\n  - { device: gpf, at: '+3h', for: 1h }\n  - { device: gpf, at: '+3h30m', for: 1m }\n  - { device: ppmid, at: '+4h' }\n");
    expect(err.problems.map((p) => `${p.path}: ${p.text}`)).toEqual([
      `power[0].device: expected one of 'gsme', 'gpf', 'ppmid', found "meter"`,
      'power[1].for: expected a duration longer than 0, found 0',
      "power[5].for: expected a duration like '30m', '3h' or seconds, found nothing",
    ]);
    const order = yaml("name: x\nduration: 1d\npower:\n  - { device: gpf, at: '+23h', for: 2h }\n  - { device: gpf, at: '+3h', for: 1h }\n  - { device: gpf, at: '+3h30m', for: 1m }\n");
    expect(order.problems.map((p) => p.path)).toEqual(['power[0].for', 'power[2].at']);
    expect(order.problems.map((p) => p.text)).toEqual([
      'expected a power cut that ends by the end of the run (2026-01-16T00:00:00Z; at most 1h from its start), found "2h" (ends 2026-01-16T01:00:00Z)',
      'expected a power cut not overlapping power[1] (gpf off 2026-01-15T03:00:00Z to 2026-01-15T04:00:00Z), found "+3h30m" (= 2026-01-15T03:30:00Z)',
    ]);
  });

  it('EUIs: 16 hex digits, quoted when YAML would read a number, distinct', () => {
    expect(yaml('name: x\ndevices:\n  ppmid: { eui: 1234567890123456 }\n').message).toBe(
      "sim/scenarios/x.yaml:3: devices.ppmid.eui: expected an EUI-64 of 16 hex digits like '00DB1234567890A3' (quote it: YAML read it as a number), found 1234567890123456",
    );
    expect(yaml("name: x\ndevices:\n  gpf: { eui: '00db1234567890a3' }\n").message).toBe(
      `sim/scenarios/x.yaml:3: devices.gpf.eui: expected an EUI different from devices.gsme.eui, found "00db1234567890a3"`,
    );
  });

  it('wrong types name what was found', () => {
    const err = yaml('name: x\nseed: 1.5\ncompare: yes\ndevices: secmp0015\nmissing_name: 1\n');
    expect(err.problems.map((p) => p.message)).toEqual([
      'sim/scenarios/x.yaml:2: seed: expected an integer ≥ 0, found 1.5',
      'sim/scenarios/x.yaml:3: compare: expected true or false, found "yes"',
      'sim/scenarios/x.yaml:4: devices: expected a mapping of gsme, gpf, ppmid, found "secmp0015"',
      "sim/scenarios/x.yaml:5: missing_name: unknown key 'missing_name'; known keys: name, description, seed, start, duration, premises, devices, tariff, prepayment, consumption, topUps, customer, serviceRequests, autoCustomer, outages, clockFaults, power, metric, compare, postcode, mprn, smi",
    ]);
    expect(yaml('seed: 1\n').message).toBe(`sim/scenarios/x.yaml:1: name: expected lower-case letters, digits and '-' (like 'han-outage-prepay'), found nothing`);
    expect(yaml('').message).toBe('sim/scenarios/x.yaml: expected a mapping of scenario settings (name, seed, start, duration, devices, …), found an empty document');
  });

  it('YAML syntax error: file and line', () => {
    const err = yaml('name: x\ndevices:\n  gsme: { firmware: legacy\nseed: 1\n');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.line).toBe(4);
    expect(err.message).toMatch(/^sim\/scenarios\/x\.yaml:4: YAML syntax error: .+ \(column \d+\)$/);
    expect(yaml('name: x\nname: y\n').message).toMatch(/^sim\/scenarios\/x\.yaml:2: YAML syntax error: Map keys must be unique/);
  });

  it('hostile YAML found by bench:fuzz: one line, not a stack overflow or minutes of work', () => {
    // 20,000 ': ' in one flow entry: yaml's CST parser nested an implicit map per ': ' and overflowed the stack (RangeError).
    const colons = yaml(`name: x\nconsumption:\n  profile:\n    - { from: '00:00', kwhPerHour: 4.${': '.repeat(20_000)}}\n`);
    expect(colons.message).toBe(`sim/scenarios/x.yaml:4: expected at most 32 levels of nesting (a scenario's deepest field is 4 down), found more`);
    expect(yaml(`a: { b: ${'b: '.repeat(20_000)}1 }\n`).message).toMatch(/^sim\/scenarios\/x\.yaml:1: expected at most 32 levels of nesting/);
    // …and 20,000 '- ' or '? ' before a scenario (one block collection each, on one line).
    for (const run of ['- ', '? ']) expect(yaml(`${run.repeat(20_000)}\nname: x\n`).message).toMatch(/^sim\/scenarios\/x\.yaml:1: expected at most 32 levels of nesting/);
    // 20,000 stray '[' after a scalar (the fuzzer's input): one YAML error each, never counted as nesting.
    expect(yaml(`name: x\nconsumption:\n  profile:\n    - { from: '00:00', kwhPerHour: 4.${'['.repeat(20_000)}\n`).message).toBe(
      `sim/scenarios/x.yaml:4: expected at most 32 levels of nesting (a scenario's deepest field is 4 down), found more`,
    );
    // Many errors on one line: yaml prettified each with a copy of the whole line (quadratic: 100,000
    // took minutes); now only the first is placed. (The cost is not asserted: 5,000 show the message.)
    const duplicates = yaml(`name: x\nseed: { ${'a: 1, '.repeat(5_000)}}\n`);
    expect(duplicates.problems).toHaveLength(1);
    expect(duplicates.message).toBe('sim/scenarios/x.yaml:2: YAML syntax error: Map keys must be unique (column 15)');
    // 20,000 anchors or tags on a value (the fuzzer's, 1 s each): refused before yaml reports each.
    expect(yaml(`name: x\nseed: ${'&a '.repeat(20_000)}1\n`).message).toBe(
      'sim/scenarios/x.yaml:2: expected at most one anchor (&) and one tag (!) on a value, found more than 32 in a row',
    );
    expect(yaml(`${'!t '.repeat(20_000)}\nname: x\n`).message).toMatch(/^sim\/scenarios\/x\.yaml:1: expected at most one anchor/);
    expect(parseScenario('name: x\nseed: &a !!int 7\n', 'x', 'yaml').seed).toBe(7); // an anchor and a tag: fine
    // 20,000 stray ']' (the fuzzer's, most of a second) or '}': refused before yaml reports each.
    for (const stray of [']', '} ']) {
      expect(yaml(`${stray.repeat(20_000)}\nname: x\n`).message).toBe(
        'sim/scenarios/x.yaml:1: expected a value within every 128 brackets, commas, indicators, anchors and tags in a row, found more (stray tokens)',
      );
    }
    // Legitimate flow style on one line is not refused.
    expect(parseScenario(`name: x\nconsumption: { profile: [${Array.from({ length: 40 }, (_, h) => `{ from: '${String(Math.floor(h / 2)).padStart(2, '0')}:${h % 2 ? '30' : '00'}', kwhPerHour: 1 }`).join(', ')}] }\n`, 'x', 'yaml').consumption.profile).toHaveLength(40);
  });

  it('JSON: syntax errors and field errors with lines', () => {
    const bad = errorOf(() => parseScenario('{\n  "name": "x",\n  "seed": 1,\n}\n', 'x.json', 'json'));
    expect(bad.message).toMatch(/^x\.json:4: not valid JSON: /);
    const field = errorOf(() => parseScenario('{\n  "name": "x",\n  "devices": {\n    "gsme": { "retries": "two" }\n  }\n}\n', 'x.json', 'json'));
    expect(field.message).toBe('x.json:4: devices.gsme.retries: expected an integer from 0 to 255, found "two"');
  });

  it('files: by extension; anything else, or a missing file, is an error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-scenario-'));
    const y = join(dir, 'a.yml');
    const j = join(dir, 'b.json');
    const t = join(dir, 'c.txt');
    writeFileSync(y, 'name: a\nduration: 2h\n');
    writeFileSync(j, '{ "name": "b", "duration": 7200 }');
    writeFileSync(t, 'name: c\n');
    expect(loadScenarioFile(y).duration).toBe(7_200_000);
    expect(loadScenarioFile(j).duration).toBe(7_200_000);
    expect(errorOf(() => loadScenarioFile(t)).message).toBe(`${t}: expected a scenario file ending in .yaml, .yml or .json, found '.txt'`);
    expect(errorOf(() => loadScenarioFile(join(dir, 'none.yaml'))).message).toBe(`${join(dir, 'none.yaml')}: no such file`);
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, 'name: bad\nstart: yesterday\n');
    expect(errorOf(() => loadScenarioFile(badFile)).message).toBe(
      `${badFile}:2: start: expected an ISO 8601 UTC time like '2026-01-15T00:00:00Z', found "yesterday"`,
    );
  });

  it('objects built in code: same messages, no line', () => {
    const err = errorOf(() => resolveScenario({ name: 'x', outages: [{ start: '+1h', duration: '3 hours' }] }, 'test'));
    expect(err.message).toBe(`test: outages[0].duration: expected a duration like '30m', '3h' or seconds, found "3 hours"`);
    expect(errorOf(() => resolveScenario({ name: 'x', devices: { gsme: { clock: { offset: '5 min' } } } })).message).toBe(
      `devices.gsme.clock.offset: expected a signed duration like '-5m', '90s' or seconds, found "5 min"`,
    );
  });
});
