/**
 * A run's SMI state changes applied to the DCC's Smart Metering Inventory (dcc/), and the DXI
 * file they caused: what `hanlab sim --dxi FILE [--db SPEC]` does after the run.
 *
 * The home's GSME (model HANLAB-SIM-GSME) and comms hub (HANLAB-SIM-CH, a CHF: it never counts
 * for a flag) enter the SMI as Pending on the date of their first change; an install
 * (→ InstalledNotCommissioned) associates them with the scenario's MPRN, registered as a gas
 * meter point at the scenario's postcode. Every change (history before the start, then the
 * run's up to where it stopped) goes through `applyChanges`, the same legal-transition check and
 * MP077 flag rule as `hanlab dcc set-state`. The DXI holds one E45 per flag change the run's own
 * changes caused (not the history's), in the order they happened.
 */
import { writeFileSync } from 'node:fs';
import { openDb } from '../../dcc/db.ts';
import type { Db } from '../../dcc/db.ts';
import { formatE45 } from '../../dcc/dxi.ts';
import type { E45 } from '../../dcc/dxi.ts';
import { applyChanges } from '../../dcc/smi.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Where `hanlab sim --dxi` keeps the SMI without --db: in memory, gone after the run. */
export const SIM_DEFAULT_DB = 'pglite:memory://';

export const SIM_MODELS = { gsme: { model: 'HANLAB-SIM-GSME', type: 'GSME' }, gpf: { model: 'HANLAB-SIM-CH', type: 'CHF' } } as const;

export interface SmiDxiResult {
  /** State changes applied (history and run). */
  applied: number;
  /** The E45 records written, in order. */
  records: E45[];
}

/** A device of the run that the database already holds, or a change the SMI refused. */
export class SmiSyncError extends Error {}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Applies the scenario's SMI changes up to `until` (epoch ms, the run's end) to `db` and returns
 * the E45 records the changes at or after the run's start caused.
 */
export async function applyRunSmi(db: Db, scenario: Scenario, until: number): Promise<SmiDxiResult> {
  const events = scenario.smi.filter((e) => e.at <= until);
  const euis = { gsme: scenario.devices.gsme.eui, gpf: scenario.devices.gpf.eui };
  const used = (['gsme', 'gpf'] as const).filter((d) => events.some((e) => e.device === d));
  if (used.length === 0) return { applied: 0, records: [] };

  for (const d of used) {
    await db.query(`INSERT INTO device_model (model, device_type, manufacturer) VALUES ($1, $2, 'hanlab') ON CONFLICT (model) DO NOTHING`, [SIM_MODELS[d].model, SIM_MODELS[d].type]);
  }
  const existing = await db.query<{ eui: string }>('SELECT eui FROM device WHERE eui = ANY($1::text[]) ORDER BY eui', [used.map((d) => euis[d])]);
  if (existing.length > 0) {
    const which = existing.length === 1 ? `device ${existing[0]!.eui} is` : `devices ${existing.map((r) => r.eui).join(' and ')} are`;
    throw new SmiSyncError(`${which} already in the SMI at ${db.where}: a run's devices enter it new (use another --db, or another EUI)`);
  }
  const point = await db.query<{ fuel: string }>('SELECT fuel FROM meter_point WHERE mpxn = $1', [scenario.mprn]);
  if (point.length === 0) {
    await db.query(`INSERT INTO meter_point (mpxn, fuel, postcode) VALUES ($1, 'G', $2)`, [scenario.mprn, scenario.postcode ?? null]);
  }
  for (const d of used) {
    const first = events.find((e) => e.device === d)!;
    await db.query(`INSERT INTO device (eui, device_type, model, state, state_since) VALUES ($1, $2, $3, 'Pending', $4::date)`, [euis[d], SIM_MODELS[d].type, SIM_MODELS[d].model, day(first.at)]);
  }

  const before = await db.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM flag_change');
  let mark = before[0]!.id;
  let applied = 0;
  let marked = false;
  const state: Record<'gsme' | 'gpf', string> = { gsme: 'Pending', gpf: 'Pending' };
  for (const e of events) {
    if (!marked && e.at >= scenario.start) {
      // The history is in: what follows is the run's doing.
      mark = (await db.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM flag_change'))[0]!.id;
      marked = true;
    }
    // Only the install (Whitelisted → InstalledNotCommissioned) associates the device with the meter point.
    const install = state[e.device] === 'Whitelisted' && e.state === 'InstalledNotCommissioned';
    state[e.device] = e.state;
    const r = await applyChanges(db, [{ eui: euis[e.device], to: e.state, date: day(e.at), ...(install ? { mpxn: scenario.mprn } : {}) }]);
    if (r.refused.length > 0) throw new SmiSyncError(`SMI refused ${e.device} ${euis[e.device]} → ${e.state} on ${day(e.at)}: ${r.refused[0]!.reason}`);
    applied += r.applied;
  }
  if (!marked) mark = (await db.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM flag_change'))[0]!.id;
  const rows = await db.query<{ mprn: string; flag: 'A' | 'I' | 'N'; date: string }>(
    `SELECT mpxn AS mprn, flag, to_char(effective_from, 'YYYYMMDD') AS date FROM flag_change
     WHERE fuel = 'G' AND mpxn = $1 AND id > $2::bigint ORDER BY id`,
    [scenario.mprn, mark],
  );
  return { applied, records: rows };
}

/** Opens the SMI (`spec`, default in memory), applies the run's changes and writes the DXI to `out`. */
export async function writeRunDxi(scenario: Scenario, until: number, out: string, spec: string = SIM_DEFAULT_DB): Promise<SmiDxiResult> {
  const db = await openDb(spec);
  try {
    const r = await applyRunSmi(db, scenario, until);
    writeFileSync(out, r.records.map((x) => formatE45(x) + '\n').join(''));
    return r;
  } finally {
    await db.close();
  }
}
