/**
 * The simulator wired to the DCC side (issue 15): a home's postcode gates its comms hub's WAN by
 * the DP146 coverage plan, its devices' SMI state changes show in the timeline, and the run's
 * changes applied to the SMI give the DXI (E45) records MP077 says they cause. Simulated time only.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wanCoverageFrom, DEFAULT_PLAN_SEED } from '../dcc/coverage.ts';
import { migrate, openDb } from '../dcc/db.ts';
import type { Db } from '../dcc/db.ts';
import { runSimulation } from '../sim/run/run.ts';
import { applyRunSmi, SmiSyncError } from '../sim/run/smi-dxi.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario, resolveScenario } from '../sim/scenario/load.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import { hanlab } from './support/cli.ts';

// EH7 5AA: covered from 2026-03-07 in the plan `hanlab coverage` answers from; SW1 0AA: no plan.
const NEW_BUILD = 'EH7 5AA';
const NO_PLAN = 'SW1 0AA';

/** A short home around midnight of the coverage day: a read before it, a read after. */
function shortHome(extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'sim-dcc',
    start: '2026-03-06T23:00:00Z',
    duration: '2h',
    postcode: NEW_BUILD,
    mprn: '7512340001',
    serviceRequests: [
      { at: '+10m', useCase: 'GCS13a' },
      { at: '+1h30m', useCase: 'GCS13a' },
    ],
    ...extra,
  };
}

async function timeline(input: ScenarioInput): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  await runSimulation(resolveScenario(input), { onEvent: (e) => events.push(e) });
  return events;
}

const wanAndDcc = (events: TimelineEvent[]) => events.filter((e) => e.kind === 'wan' || e.kind === 'coverage' || e.kind === 'smi');

describe('the plan the simulator reads', () => {
  it('covers the test postcodes as these tests assume', () => {
    expect(wanCoverageFrom(DEFAULT_PLAN_SEED, NEW_BUILD)).toBe('2026-03-07');
    expect(wanCoverageFrom(DEFAULT_PLAN_SEED, NO_PLAN)).toBeNull();
  });
});

describe('scenario fields', () => {
  it('a postcode is validated as a GB postcode and normalised; an outcode or a bad one is refused', () => {
    expect(resolveScenario({ name: 'x', postcode: 'eh75aa' }).postcode).toBe('EH7 5AA');
    expect(resolveScenario({ name: 'x' }).postcode).toBeUndefined();
    expect(() => resolveScenario({ name: 'x', postcode: 'EH7' })).toThrow(/postcode: expected a GB postcode like 'SW1A 1AA' \(a whole postcode/);
    expect(() => resolveScenario({ name: 'x', postcode: 'BT1 1AA' })).toThrow(/outside Great Britain/);
    expect(() => resolveScenario({ name: 'x', mprn: '12345' })).toThrow(/mprn: expected an MPRN of 10 digits/);
  });

  it('SMI changes must be legal from Pending, in time order, and not after the end', () => {
    const s = resolveScenario({
      name: 'x',
      smi: [
        { at: '+1h', device: 'gsme', state: 'InstalledNotCommissioned' },
        { at: '2026-01-01T00:00:00Z', device: 'gsme', state: 'Whitelisted' },
      ],
    });
    expect(s.smi.map((e) => [formatTime(e.at), e.state])).toEqual([
      ['2026-01-01T00:00:00Z', 'Whitelisted'],
      ['2026-01-15T01:00:00Z', 'InstalledNotCommissioned'],
    ]);
    expect(() => resolveScenario({ name: 'x', smi: [{ at: '+1h', device: 'gsme', state: 'Commissioned' }] })).toThrow(
      /smi\[0\]\.state: expected a legal SMI state change from Pending/,
    );
    expect(() => resolveScenario({ name: 'x', smi: [{ at: '+2d', device: 'gpf', state: 'Whitelisted' }] })).toThrow(/smi\[0\]\.at: expected a time no later than the end/);
  });
});

describe('WAN coverage gates the comms hub', () => {
  it('before the coverage date a read times out and says why; from it the hub answers', async () => {
    const events = await timeline(shortHome({ smi: [{ at: '2026-03-01T00:00:00Z', device: 'gpf', state: 'Whitelisted' }, { at: '+1h15m', device: 'gpf', state: 'InstalledNotCommissioned' }] }));
    const lines = wanAndDcc(events).map((e) => {
      const t = formatTime(e.t);
      if (e.kind === 'coverage') return `${t} coverage ${e.postcode} ${e.from}`;
      if (e.kind === 'wan') return `${t} ${e.direction} ${e.useCase}${e.direction === 'timeout' ? ` ${e.detail.reason}` : ''}`;
      return `${t} smi ${e.device} ${e.eui} ${e.from} -> ${e.state} ${e.mprn}`;
    });
    expect(lines).toEqual([
      '2026-03-06T23:10:00Z command GCS13a',
      '2026-03-06T23:11:00Z timeout GCS13a no WAN coverage at EH7 5AA until 2026-03-07',
      '2026-03-07T00:00:00Z coverage EH7 5AA 2026-03-07',
      '2026-03-07T00:15:00Z smi gpf 00DB1234567890A4 Whitelisted -> InstalledNotCommissioned 7512340001',
      '2026-03-07T00:30:00Z command GCS13a',
      '2026-03-07T00:30:00Z response GCS13a',
    ]);
  });

  it('a postcode with no plan never gets an answer; no postcode is always covered', async () => {
    const none = wanAndDcc(await timeline(shortHome({ postcode: NO_PLAN })));
    expect(none.filter((e) => e.kind === 'wan' && e.direction === 'timeout').map((e) => (e as { detail: { reason: string } }).detail.reason)).toEqual([
      'no WAN coverage at SW1 0AA (the CSP has no plan for it)',
      'no WAN coverage at SW1 0AA (the CSP has no plan for it)',
    ]);
    expect(none.some((e) => e.kind === 'wan' && e.direction === 'response')).toBe(false);
    const anywhere = wanAndDcc(await timeline(shortHome({ postcode: undefined })));
    expect(anywhere.filter((e) => e.kind === 'wan').map((e) => (e as { direction: string }).direction)).toEqual(['command', 'response', 'command', 'response']);
  });

  it('same scenario and seed, same timeline', async () => {
    const input = shortHome({ smi: [{ at: '+1h', device: 'gpf', state: 'Whitelisted' }] });
    const a = JSON.stringify(await timeline(input));
    const b = JSON.stringify(await timeline(input));
    expect(a).toBe(b);
  });
});

describe('SMI changes of a run and their DXI', () => {
  // One PGlite for these tests (starting one costs ~1.5 s of CPU, emptying it ~0.04 s): each
  // test gets an empty SMI, the public schema dropped and the migrations applied again.
  let db: Db;
  const emptySmi = async () => {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrate(db);
  };
  beforeAll(async () => {
    db = await openDb('pglite:memory://');
  }, 120_000);
  beforeEach(emptySmi);
  afterAll(async () => {
    await db?.close();
  });

  it('the built-in new build: commissioning in the run gives flag A effective that day; the install before it is history', async () => {
    const s = builtinScenario('new-build-wan-coverage');
    const r = await applyRunSmi(db, s, s.end);
    expect(r.applied).toBe(6);
    expect(r.records).toEqual([{ mprn: '7512340001', flag: 'A', date: '20260307' }]);
    const devices = await db.query<{ eui: string; state: string; mpxn: string }>('SELECT eui, state, mpxn FROM device ORDER BY eui');
    expect(devices).toEqual([
      { eui: s.devices.gsme.eui, state: 'Commissioned', mpxn: '7512340001' },
      { eui: s.devices.gpf.eui, state: 'Commissioned', mpxn: '7512340001' },
    ]);
    const point = await db.query<{ postcode: string; flag: string }>('SELECT postcode, flag FROM meter_point');
    expect(point).toEqual([{ postcode: 'EH7 5AA', flag: 'A' }]);
  });

  it('decommissioning the GSME in the run: flag N (MP077: was, no longer); a run stopped before it writes nothing', async () => {
    const s = resolveScenario({
      name: 'x',
      mprn: '7512340002',
      smi: [
        { at: '2025-06-01T00:00:00Z', device: 'gsme', state: 'Whitelisted' },
        { at: '2025-06-02T00:00:00Z', device: 'gsme', state: 'InstalledNotCommissioned' },
        { at: '2025-06-02T01:00:00Z', device: 'gsme', state: 'Commissioned' },
        { at: '+20h', device: 'gsme', state: 'Decommissioned' },
      ],
    });
    const early = await applyRunSmi(db, s, s.start + 10 * 3_600_000);
    expect(early).toEqual({ applied: 3, records: [] });

    await emptySmi();
    const r = await applyRunSmi(db, s, s.end);
    expect(r.records).toEqual([{ mprn: '7512340002', flag: 'N', date: '20260115' }]);
  });

  it('a device the SMI already holds is refused with a clear error', async () => {
    const s = builtinScenario('new-build-wan-coverage');
    await applyRunSmi(db, s, s.end);
    await expect(applyRunSmi(db, s, s.end)).rejects.toThrow(SmiSyncError);
    await expect(applyRunSmi(db, s, s.end)).rejects.toThrow(/devices 00DB1234567890A3 and 00DB1234567890A4 are already in the SMI at pglite:memory:/);
  });
});

describe('hanlab sim --dxi', () => {
  /** In this process (test/support/cli.ts), where PGlite is loaded already. */
  const sim = (...args: string[]) => hanlab('sim', ...args);

  it('writes the E45 records of the run and says so; the timeline shows why the first read timed out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-sim-dxi-'));
    const file = join(dir, 'home.yaml');
    writeFileSync(
      file,
      [
        'name: dxi-home',
        "start: '2026-03-06T23:00:00Z'",
        'duration: 2h',
        "postcode: 'EH7 5AA'",
        "mprn: '7512340001'",
        'smi:',
        "  - { at: '2026-03-01T00:00:00Z', device: gsme, state: Whitelisted }",
        "  - { at: '2026-03-02T00:00:00Z', device: gsme, state: InstalledNotCommissioned }",
        "  - { at: '+1h10m', device: gsme, state: Commissioned }",
        'serviceRequests:',
        "  - { at: '+10m', useCase: GCS13a }",
        '',
      ].join('\n'),
    );
    const out = join(dir, 'dxi.txt');
    const r = await sim('--scenario', file, '--dxi', out);
    expect(r.stderr).toContain(`DXI ${out}: 1 E45 record from 3 SMI state changes`);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('E457512340001A20260307\n');
    expect(r.stdout).toContain('── supplier: GCS13a (counter 4096) timed out after 60 s: no WAN coverage at EH7 5AA until 2026-03-07');
    expect(r.stdout).toContain('── SM WAN coverage reaches EH7 5AA (from 2026-03-07): the comms hub can answer');
    expect(r.stdout).toContain('── SMI: GSME 00DB1234567890A3 InstalledNotCommissioned → Commissioned (MPRN 7512340001)');
    // A simulated home and a PGlite (WebAssembly) database: seconds alone, several times that
    // beside a full parallel test run on two busy cores.
  }, 180_000);

  it('refuses --db without --dxi, a bad --db and an unwritable --dxi before running', async () => {
    expect(await sim('--db', 'pglite:x')).toMatchObject({ code: 2, stderr: 'hanlab sim: --db: only with --dxi FILE\n' });
    expect(await sim('--dxi', join(tmpdir(), 'x.txt'), '--db', 'foo')).toMatchObject({ code: 2, stderr: 'hanlab sim: --db "foo": expected pglite:DIR or postgres://USER@HOST:PORT/DB\n' });
    expect(await sim('--dxi', '/nonexistent-dir/x.txt')).toMatchObject({ code: 2, stderr: 'hanlab sim: --dxi /nonexistent-dir/x.txt: cannot write: ENOENT\n' });
  });
});
