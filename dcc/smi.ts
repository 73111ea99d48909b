/**
 * SMI operations, set-based so that one change and a model's 450,000 withdrawals take the same
 * path: changes are staged, checked against the legal transitions (the legal_transition table),
 * applied, and every meter point they touch gets MP077's flag recomputed; a flag that differs is
 * written with the effective-from date of the state change that caused it.
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
    return applyStaged(db, false);
  });
}

/**
 * Withdraws every device of MODEL that can still be withdrawn (all but Decommissioned and
 * Withdrawn ones), and takes the model off the product list, as of DATE.
 */
export async function withdrawModel(db: Db, model: string, date: string): Promise<ApplyResult & { devices: number }> {
  return inTransaction(db, async () => {
    const found = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_model WHERE model = $1', [model]);
    if (found[0]!.n === 0) throw new UnknownModelError(model);
    await db.exec(`${STAGE}; TRUNCATE staged`);
    await db.query(
      `INSERT INTO staged (ord, eui, to_state, eff, found, from_state, since, cur_mpxn, device_type)
       SELECT row_number() OVER (ORDER BY d.eui), d.eui, 'Withdrawn', $2::date, true, d.state, d.state_since, d.mpxn, d.device_type
       FROM device d JOIN legal_transition lt ON lt.from_state = d.state AND lt.to_state = 'Withdrawn'
       WHERE d.model = $1`,
      [model, date],
    );
    await db.query('UPDATE device_model SET on_product_list = false, removed_on = $2 WHERE model = $1', [model, date]);
    const r = await applyStaged(db, true);
    return { ...r, devices: r.applied };
  });
}

export class UnknownModelError extends Error {
  constructor(readonly model: string) {
    super(`unknown device model '${model}'`);
  }
}

/**
 * staged holds the changes; `filled` when it already carries each device's current row (a
 * withdrawal selects them so), else one join fills it. Then: refuse what is not legal, log the
 * changes, update the devices, and collect the meter points they touch.
 */
async function applyStaged(db: Db, filled: boolean): Promise<ApplyResult> {
  const t = trace('apply');
  if (!filled) {
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

    CREATE TEMP TABLE IF NOT EXISTS affected (mpxn text PRIMARY KEY, eff date);
    TRUNCATE affected;
    INSERT INTO affected
      SELECT COALESCE(mpxn, cur_mpxn), max(eff) FROM staged
      WHERE reason IS NULL AND COALESCE(mpxn, cur_mpxn) IS NOT NULL AND device_type <> 'CHF' GROUP BY 1;
    ANALYZE affected;
  `);
  t('validate, apply, affected');
  const changed = await db.query<{ n: number }>(`
    WITH computed AS (
      SELECT a.mpxn, a.eff, bool_or(d.basis = 'C') AS has_c, bool_or(d.basis IS NOT NULL) AS has_live
      FROM affected a JOIN device d ON d.mpxn = a.mpxn AND d.device_type <> 'CHF'
      GROUP BY a.mpxn, a.eff
    ), next AS (
      SELECT c.mpxn, c.eff, c.has_live,
             CASE WHEN c.has_c THEN 'A' WHEN c.has_live THEN 'I' WHEN mp.ever_live THEN 'N' END AS flag
      FROM computed c JOIN meter_point mp ON mp.mpxn = c.mpxn
    ), changed AS (
      UPDATE meter_point mp SET flag = n.flag, flag_from = n.eff, ever_live = mp.ever_live OR n.has_live
      FROM next n WHERE mp.mpxn = n.mpxn AND n.flag IS DISTINCT FROM mp.flag
      RETURNING mp.mpxn, mp.fuel, mp.flag, mp.flag_from
    ), logged AS (
      INSERT INTO flag_change (mpxn, fuel, flag, effective_from)
      SELECT mpxn, fuel, flag, flag_from FROM changed ORDER BY mpxn
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM logged`);
  t('flags');
  const refused = await db.query<{ eui: string; reason: string }>('SELECT eui, reason FROM staged WHERE reason IS NOT NULL ORDER BY ord');
  const total = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staged');
  await db.exec('TRUNCATE staged; TRUNCATE affected');
  return { applied: total[0]!.n - refused.length, refused, flagChanges: changed[0]!.n };
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
