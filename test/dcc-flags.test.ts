/**
 * MP077 'DCC Service Flagging': the flag rules, one test per rule of the paper (quoted), the
 * legal transitions in the database and in dcc/states.ts agreeing, and a property test: for any
 * sequence of legal state changes applied to the SMI, the stored flag is the rule applied to the
 * final states and the history, and it changed only on a state change, on that change's date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openDb } from '../dcc/db.ts';
import type { Db } from '../dcc/db.ts';
import { applyChanges, withdrawModel } from '../dcc/smi.ts';
import { LEGAL_TRANSITIONS, serviceFlag } from '../dcc/states.ts';
import type { DeviceState } from '../dcc/states.ts';

describe('MP077 flag rules (Appendix X as amended, modification report section 3)', () => {
  it("NULL: 'The starting position of a Meter Point that is not associated with a Device with an 'Installed Not Commissioned' or 'Commissioned' Device status and has not done so previously.'", () => {
    expect(serviceFlag([], false)).toBe(null);
    expect(serviceFlag([null], false)).toBe(null);
  });
  it("A: 'requires at least one of the associated Smart Meters at an SMS to have the 'Commissioned' Device status in the SMI.'", () => {
    expect(serviceFlag(['C'], true)).toBe('A');
    expect(serviceFlag(['I', 'C'], true)).toBe('A');
  });
  it("I: 'requires all the associated Smart Meters at an SMS to have the 'InstalledNotCommissioned' Device status in the SMI.'", () => {
    expect(serviceFlag(['I'], true)).toBe('I');
    expect(serviceFlag(['I', 'I'], true)).toBe('I');
  });
  it("N: 'indicates that it is not associated with a Device with an 'InstalledNotCommissioned' or 'Commissioned' Device status, but has been previously.'", () => {
    expect(serviceFlag([], true)).toBe('N');
    expect(serviceFlag([null], true)).toBe('N');
  });
  it("W and S are gone: 'This will require removing the 'W' and 'S' flags which are no longer in use'", () => {
    for (const bases of [[], ['C'], ['I'], [null]] as const) for (const ever of [true, false]) expect(['A', 'I', 'N', null]).toContain(serviceFlag(bases, ever));
  });
});

let db: Db;
beforeAll(async () => {
  db = await openDb('pglite:memory://');
}, 120_000);
afterAll(async () => {
  await db?.close();
});

let counter = 0;
async function meterPoint(fuel: 'G' | 'E', devices: number): Promise<{ mpxn: string; euis: string[] }> {
  const n = ++counter;
  const mpxn = fuel === 'G' ? String(2_000_000_000 + n) : String(1_900_000_000_000 + n);
  await db.query(`INSERT INTO device_model (model, device_type, manufacturer) VALUES ('T-${fuel}', $1, 'Test') ON CONFLICT DO NOTHING`, [fuel === 'G' ? 'GSME' : 'ESME']);
  await db.query('INSERT INTO meter_point (mpxn, fuel) VALUES ($1, $2)', [mpxn, fuel]);
  const euis: string[] = [];
  for (let i = 0; i < devices; i++) {
    const eui = `ABCD${(n * 4 + i).toString(16).toUpperCase().padStart(12, '0')}`;
    await db.query(`INSERT INTO device (eui, device_type, model, state, state_since) VALUES ($1, $2, $3, 'Pending', '2015-01-01')`, [eui, fuel === 'G' ? 'GSME' : 'ESME', `T-${fuel}`]);
    euis.push(eui);
  }
  return { mpxn, euis };
}

const flagOf = async (mpxn: string) => (await db.query<{ flag: string | null; flag_from: string | null }>('SELECT flag, flag_from::text FROM meter_point WHERE mpxn = $1', [mpxn]))[0]!;

describe('the SMI applies MP077', () => {
  it('the legal transitions in the database are those of dcc/states.ts', async () => {
    const rows = await db.query<{ from_state: string; to_state: string }>('SELECT from_state, to_state FROM legal_transition');
    const inDb = rows.map((r) => `${r.from_state}>${r.to_state}`).sort();
    const inTs = Object.entries(LEGAL_TRANSITIONS).flatMap(([f, tos]) => tos.map((t) => `${f}>${t}`)).sort();
    expect(inDb).toEqual(inTs);
  });

  it("'A Suspended device does not change the flag (an SMS shown 'A' stays 'A')': Commissioned → Suspended → Commissioned leaves A and its date", async () => {
    const { mpxn, euis } = await meterPoint('G', 1);
    const e = euis[0]!;
    await applyChanges(db, [{ eui: e, to: 'Whitelisted', date: '2016-01-01' }]);
    await applyChanges(db, [{ eui: e, to: 'InstalledNotCommissioned', date: '2016-01-02', mpxn }]);
    expect(await flagOf(mpxn)).toEqual({ flag: 'I', flag_from: '2016-01-02' });
    await applyChanges(db, [{ eui: e, to: 'Commissioned', date: '2016-01-05' }]);
    expect(await flagOf(mpxn)).toEqual({ flag: 'A', flag_from: '2016-01-05' });
    const s = await applyChanges(db, [{ eui: e, to: 'Suspended', date: '2019-03-01' }]);
    expect(s.flagChanges).toBe(0);
    expect(await flagOf(mpxn)).toEqual({ flag: 'A', flag_from: '2016-01-05' });
    await applyChanges(db, [{ eui: e, to: 'Commissioned', date: '2019-04-01' }]);
    expect(await flagOf(mpxn)).toEqual({ flag: 'A', flag_from: '2016-01-05' });
    await applyChanges(db, [{ eui: e, to: 'Decommissioned', date: '2021-07-07' }]);
    expect(await flagOf(mpxn)).toEqual({ flag: 'N', flag_from: '2021-07-07' });
  });

  it('illegal transitions are refused with a reason and change nothing', async () => {
    const { mpxn, euis } = await meterPoint('E', 1);
    const r = await applyChanges(db, [{ eui: euis[0]!, to: 'Commissioned', date: '2016-01-01' }]);
    expect(r.refused).toEqual([{ eui: euis[0], reason: 'illegal transition Pending -> Commissioned' }]);
    expect(await flagOf(mpxn)).toEqual({ flag: null, flag_from: null });
    await applyChanges(db, [{ eui: euis[0]!, to: 'Whitelisted', date: '2016-01-01' }]);
    const wrong = await applyChanges(db, [{ eui: euis[0]!, to: 'InstalledNotCommissioned', date: '2016-01-02', mpxn: '2000000001' }]);
    expect(wrong.refused[0]!.reason).toMatch(/ESME cannot serve a gas meter point|unknown meter point/);
  });

  it("'if a popular Device model is removed from the CPL': withdraw-model withdraws every device of it at once, the flags follow on that date", async () => {
    const a = await meterPoint('G', 1);
    await db.query(`UPDATE device SET model = 'T-W' WHERE eui = $1`, [a.euis[0]]).catch(() => {});
    await db.query(`INSERT INTO device_model (model, device_type, manufacturer) VALUES ('T-W', 'GSME', 'Test') ON CONFLICT DO NOTHING`);
    await db.query(`UPDATE device SET model = 'T-W' WHERE eui = $1`, [a.euis[0]]);
    for (const [to, date] of [['Whitelisted', '2017-01-01'], ['InstalledNotCommissioned', '2017-01-02'], ['Commissioned', '2017-01-02']] as const) {
      await applyChanges(db, [{ eui: a.euis[0]!, to, date, ...(to === 'InstalledNotCommissioned' && { mpxn: a.mpxn }) }]);
    }
    const w = await withdrawModel(db, 'T-W', '2024-05-01');
    expect(w.devices).toBe(1);
    expect(await flagOf(a.mpxn)).toEqual({ flag: 'N', flag_from: '2024-05-01' });
    const m = await db.query<{ on_product_list: boolean }>(`SELECT on_product_list FROM device_model WHERE model = 'T-W'`);
    expect(m[0]!.on_product_list).toBe(false);
  });
});

/** The rule written straight from the paper over the final states and the history, independent of dcc/states.ts's bases. */
function expectedFlag(histories: DeviceState[][]): 'A' | 'I' | 'N' | null {
  const keeps = ['Suspended', 'Recovery', 'Recovered'];
  const effective = histories.map((h) => {
    let i = h.length - 1;
    while (i > 0 && keeps.includes(h[i]!)) i--; // "a Suspended device does not change the flag": it counts as it did before
    return keeps.includes(h[i]!) ? 'none' : h[i]!;
  });
  const ever = histories.some((h) => h.includes('InstalledNotCommissioned') || h.includes('Commissioned'));
  if (effective.includes('Commissioned')) return 'A';
  if (effective.includes('InstalledNotCommissioned')) return 'I';
  return ever ? 'N' : null;
}

describe('property: any legal sequence of state changes', () => {
  it('leaves the flag the rule gives for the final states and history; flags change only on a state change, with its date', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'G' | 'E'>('G', 'E'),
        fc.integer({ min: 1, max: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 14 }),
        async (fuel, devices, steps) => {
          const { mpxn, euis } = await meterPoint(fuel, devices);
          const histories: DeviceState[][] = euis.map(() => ['Pending']);
          let day = Date.UTC(2015, 0, 2) / 86_400_000;
          const changeDays = new Set<string>();
          for (const [pick, choice, gap] of steps) {
            const d = pick % euis.length;
            const from = histories[d]!.at(-1)!;
            const options = LEGAL_TRANSITIONS[from];
            if (options.length === 0) continue;
            const to = options[choice % options.length]!;
            day += gap;
            const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
            const r = await applyChanges(db, [{ eui: euis[d]!, to, date, ...(from === 'Whitelisted' && to === 'InstalledNotCommissioned' && { mpxn }) }]);
            expect(r.refused).toEqual([]);
            if (['Suspended', 'Recovery', 'Recovered'].includes(to)) expect(r.flagChanges).toBe(0);
            histories[d]!.push(to);
            changeDays.add(date);
          }
          const got = await flagOf(mpxn);
          expect(got.flag).toBe(expectedFlag(histories));
          const log = await db.query<{ flag: string; d: string }>('SELECT flag, effective_from::text AS d FROM flag_change WHERE mpxn = $1 ORDER BY id', [mpxn]);
          for (const x of log) expect(changeDays.has(x.d)).toBe(true);
          expect(log.at(-1)?.flag ?? null).toBe(got.flag);
          if (got.flag !== null) expect(log.at(-1)!.d).toBe(got.flag_from);
        },
      ),
      { numRuns: 30, seed: 1 },
    );
  }, 300_000);
});
