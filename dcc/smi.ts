/**
 * SMI operations, set-based: a batch of changes is staged, checked against the legal transitions
 * (the legal_transition table) and applied; a model's withdrawal (450,000 devices at 3 million
 * meter points) is one statement over the device table checked against the same table. Both then
 * recompute MP077's flag (mp077_flag, migration 003) of every meter point they touch with one
 * statement; a flag that differs is written with the effective-from date of the state change
 * that caused it.
 */
import { inTransaction } from './db.ts';
import type { Db } from './db.ts';
import type { DeviceState } from './states.ts';
import { trace } from './trace.ts';

export interface StateChange {
  eui: string;
  to: DeviceState;
  /** YYYY-MM-DD */
  date: string;
  /** The meter point an install (Whitelisted → InstalledNotCommissioned) associates the device with. */
  mpxn?: string;
}

export interface ApplyResult {
  applied: number;
  refused: { eui: string; reason: string }[];
  flagChanges: number;
}

const STAGE = `CREATE TEMP TABLE IF NOT EXISTS staged (
  ord bigint PRIMARY KEY, eui char(16) NOT NULL, to_state text NOT NULL, eff date NOT NULL, mpxn text, reason text,
  found boolean, from_state text, since date, cur_mpxn text, device_type text)`;

/** Applies changes (at most one per device) in one transaction; illegal ones are refused with a reason. */
export async function applyChanges(db: Db, changes: readonly StateChange[]): Promise<ApplyResult> {
  const seen = new Set<string>();
  for (const c of changes) {
    if (seen.has(c.eui)) throw new Error(`device ${c.eui}: more than one change in one batch`);
    seen.add(c.eui);
  }
  return inTransaction(db, async () => {
    await db.exec(`${STAGE}; TRUNCATE staged`);
    if (changes.length > 0) {
      const text = changes.map((c, i) => `${i}\t${c.eui}\t${c.to}\t${c.date}\t${c.mpxn ?? '\\N'}`).join('\n') + '\n';
      await db.copyIn('staged', ['ord', 'eui', 'to_state', 'eff', 'mpxn'], text);
    }
    return applyStaged(db);
  });
}

/**
 * Withdraws every device of MODEL that can still be withdrawn (all but Decommissioned and
 * Withdrawn ones), and takes the model off the product list, as of DATE. Set-based: one
 * statement selects the devices whose state may go to Withdrawn (legal_transition), updates
 * them, logs their state changes and collects their meter points; one more recomputes those
 * points' flags (recomputeFlags). A device whose last change is after DATE is refused.
 */
export async function withdrawModel(db: Db, model: string, date: string): Promise<ApplyResult & { devices: number }> {
  return inTransaction(db, async () => {
    const t = trace('withdraw');
    const found = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_model WHERE model = $1', [model]);
    if (found[0]!.n === 0) throw new UnknownModelError(model);
    await db.exec(BULK_SETTINGS);
    await db.query('UPDATE device_model SET on_product_list = false, removed_on = $2 WHERE model = $1', [model, date]);
    const refused = await db.query<{ eui: string; reason: string }>(
      `SELECT d.eui, 'date ' || $2::date::text || ' is before the device''s last change (' || d.state_since::text || ')' AS reason
       FROM device d WHERE d.model = $1 AND d.state_since > $2::date
         AND d.state IN (SELECT from_state FROM legal_transition WHERE to_state = 'Withdrawn')
       ORDER BY d.eui`,
      [model, date],
    );
    await db.exec(`${AFFECTED}; TRUNCATE affected`);
    // One statement, one snapshot: 'old' and the UPDATE see the same devices; 'old' keeps the
    // states they had before.
    const applied = await db.query<{ n: number }>(
      `WITH old AS (
         SELECT d.eui, d.state, d.mpxn, d.device_type FROM device d
         WHERE d.model = $1 AND d.state_since <= $2::date
           AND d.state IN (SELECT from_state FROM legal_transition WHERE to_state = 'Withdrawn')
       ), upd AS (
         UPDATE device d SET state = 'Withdrawn', state_since = $2::date, basis = NULL
         WHERE d.model = $1 AND d.state_since <= $2::date
           AND d.state IN (SELECT from_state FROM legal_transition WHERE to_state = 'Withdrawn')
         RETURNING 1
       ), logged AS (
         INSERT INTO state_change (eui, from_state, to_state, effective)
         SELECT eui, state, 'Withdrawn', $2::date FROM old ORDER BY eui
       ), touched AS (
         INSERT INTO affected SELECT mpxn, $2::date FROM old WHERE mpxn IS NOT NULL AND device_type <> 'CHF' GROUP BY mpxn
       )
       SELECT count(*)::int AS n FROM upd`,
      [model, date],
    );
    t('devices withdrawn, changes logged');
    const flagChanges = await recomputeFlags(db);
    t('flags');
    await db.exec('TRUNCATE affected');
    const n = applied[0]!.n;
    return { applied: n, refused, flagChanges, devices: n };
  });
}

/** Bulk statements hash and sort hundreds of thousands of rows: let them do it in memory. */
const BULK_SETTINGS = "SET LOCAL work_mem = '128MB'";

const AFFECTED = 'CREATE TEMP TABLE IF NOT EXISTS affected (mpxn text PRIMARY KEY, eff date)';

/**
 * MP077's rule (mp077_flag, migration 003) applied to every meter point in `affected` over the
 * smart meters associated with it now; a flag that differs is written with the affected date
 * and logged in flag_change (in meter point order). Returns the number of flag changes.
 */
async function recomputeFlags(db: Db): Promise<number> {
  // Temp tables have no statistics until analysed: without them the planner may pick nested loops.
  await db.exec('ANALYZE affected');
  const changed = await db.query<{ n: number }>(`
    WITH computed AS (
      SELECT a.mpxn, a.eff, bool_or(d.basis = 'C') AS has_c, bool_or(d.basis IS NOT NULL) AS has_live
      FROM affected a JOIN device d ON d.mpxn = a.mpxn AND d.device_type <> 'CHF'
      GROUP BY a.mpxn, a.eff
    ), changed AS (
      UPDATE meter_point mp
      SET flag = mp077_flag(c.has_c, c.has_live, mp.ever_live), flag_from = c.eff, ever_live = mp.ever_live OR c.has_live
      FROM computed c WHERE mp.mpxn = c.mpxn AND mp077_flag(c.has_c, c.has_live, mp.ever_live) IS DISTINCT FROM mp.flag
      RETURNING mp.mpxn, mp.fuel, mp.flag, mp.flag_from
    ), logged AS (
      INSERT INTO flag_change (mpxn, fuel, flag, effective_from)
      SELECT mpxn, fuel, flag, flag_from FROM changed ORDER BY mpxn
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM logged`);
  return changed[0]!.n;
}

export class UnknownModelError extends Error {
  constructor(readonly model: string) {
    super(`unknown device model '${model}'`);
  }
}

/**
 * staged holds the changes; one join fills in each device's current row. Then: refuse what is
 * not legal, log the changes, update the devices, collect the meter points they touch and
 * recompute their flags.
 */
async function applyStaged(db: Db): Promise<ApplyResult> {
  const t = trace('apply');
  {
    await db.exec(`
      UPDATE staged s SET found = true, from_state = d.state, since = d.state_since, cur_mpxn = d.mpxn, device_type = d.device_type
      FROM device d WHERE d.eui = s.eui;
      UPDATE staged s SET reason = 'unknown meter point ' || s.mpxn
      WHERE s.mpxn IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meter_point mp WHERE mp.mpxn = s.mpxn);
      UPDATE staged s SET reason = s.device_type || ' cannot serve ' || CASE mp.fuel WHEN 'G' THEN 'a gas' ELSE 'an electricity' END || ' meter point'
      FROM meter_point mp WHERE s.mpxn IS NOT NULL AND mp.mpxn = s.mpxn AND s.device_type <> 'CHF' AND (s.device_type = 'GSME') <> (mp.fuel = 'G');
    `);
  }
  // Temp tables have no statistics until analysed: without them the planner may pick nested loops.
  await db.exec('ANALYZE staged');
  t('staged');
  await db.exec(`
    UPDATE staged s SET reason = CASE
        WHEN s.found IS NULL THEN 'unknown device'
        WHEN NOT EXISTS (SELECT 1 FROM legal_transition lt WHERE lt.from_state = s.from_state AND lt.to_state = s.to_state)
          THEN 'illegal transition ' || s.from_state || ' -> ' || s.to_state
        WHEN s.eff < s.since THEN 'date ' || s.eff::text || ' is before the device''s last change (' || s.since::text || ')'
        WHEN s.from_state = 'Whitelisted' AND s.to_state = 'InstalledNotCommissioned' AND s.mpxn IS NULL THEN 'an install needs the meter point it is installed at'
        WHEN s.mpxn IS NOT NULL AND NOT (s.from_state = 'Whitelisted' AND s.to_state = 'InstalledNotCommissioned') THEN 'only an install associates a device with a meter point'
        ELSE s.reason END
    WHERE s.found IS NULL OR s.eff < s.since OR s.mpxn IS NOT NULL OR s.reason IS NOT NULL
       OR (s.from_state = 'Whitelisted' AND s.to_state = 'InstalledNotCommissioned')
       OR NOT EXISTS (SELECT 1 FROM legal_transition lt WHERE lt.from_state = s.from_state AND lt.to_state = s.to_state);

    INSERT INTO state_change (eui, from_state, to_state, effective)
      SELECT eui, from_state, to_state, eff FROM staged WHERE reason IS NULL ORDER BY ord;

    UPDATE device d SET
      state = s.to_state,
      state_since = s.eff,
      basis = CASE WHEN s.to_state = 'Commissioned' THEN 'C'
                   WHEN s.to_state = 'InstalledNotCommissioned' THEN 'I'
                   WHEN s.to_state IN ('Suspended', 'Recovery', 'Recovered') THEN d.basis
                   ELSE NULL END,
      mpxn = COALESCE(s.mpxn, d.mpxn),
      associated_on = CASE WHEN s.mpxn IS NOT NULL THEN s.eff ELSE d.associated_on END
    FROM staged s WHERE s.eui = d.eui AND s.reason IS NULL;

    ${AFFECTED};
    TRUNCATE affected;
    INSERT INTO affected
      SELECT COALESCE(mpxn, cur_mpxn), max(eff) FROM staged
      WHERE reason IS NULL AND COALESCE(mpxn, cur_mpxn) IS NOT NULL AND device_type <> 'CHF' GROUP BY 1;
  `);
  t('validate, apply, affected');
  const flagChanges = await recomputeFlags(db);
  t('flags');
  const refused = await db.query<{ eui: string; reason: string }>('SELECT eui, reason FROM staged WHERE reason IS NOT NULL ORDER BY ord');
  const total = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staged');
  await db.exec('TRUNCATE staged; TRUNCATE affected');
  return { applied: total[0]!.n - refused.length, refused, flagChanges };
}

export interface ModelCount {
  model: string;
  deviceType: string;
  manufacturer: string;
  onProductList: boolean;
  removedOn: string | null;
  devices: number;
  inService: number;
}

/** Device models with their device counts (all, and those not Decommissioned or Withdrawn). */
export async function listModels(db: Db): Promise<ModelCount[]> {
  return db.query<ModelCount>(`
    SELECT m.model, m.device_type AS "deviceType", m.manufacturer, m.on_product_list AS "onProductList",
           m.removed_on::text AS "removedOn", count(d.eui)::int AS devices,
           (count(d.eui) FILTER (WHERE d.state NOT IN ('Decommissioned', 'Withdrawn')))::int AS "inService"
    FROM device_model m LEFT JOIN device d ON d.model = m.model
    GROUP BY m.model ORDER BY m.device_type, m.model`);
}

export async function flagCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ fuel: string; flag: string | null; n: number }>(
    'SELECT fuel, flag, count(*)::int AS n FROM meter_point GROUP BY fuel, flag ORDER BY fuel, flag',
  );
  const out: Record<string, number> = {};
  for (const r of rows) out[`${r.fuel}:${r.flag ?? 'NULL'}`] = r.n;
  return out;
}
