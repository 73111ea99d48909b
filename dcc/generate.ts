/**
 * A seeded, realistic inventory: premises with an electricity meter point (MPAN) and most with
 * gas (MPRN), smart meters of a handful of models installed over the roll-out years, commissioned
 * (a few left InstalledNotCommissioned), some replaced (churn), some removed for good (the 'N'
 * case: about 1.5%, near the 45,000 in 3 million the MP077 report gives), some Suspended for a
 * firmware version and back, a few through an SMKI Recovery. Each meter point's flag history is
 * MP077's rule applied after every state change (dcc/states.ts), so the generated flags are what
 * the SMI would have computed. Written in batches with COPY: memory stays flat at any size.
 */
import type { Db } from './db.ts';
import { inTransaction } from './db.ts';
import { isoDate, parseIsoDate } from './dates.ts';
import { mulberry32 } from './rng.ts';
import { basisAfter, endsAssociation, serviceFlag } from './states.ts';
import type { DeviceState, DeviceType, FlagBasis, ServiceFlag } from './states.ts';
import { randomPostcode } from './coverage.ts';
import { trace } from './trace.ts';

export interface ModelSpec {
  model: string;
  type: DeviceType;
  manufacturer: string;
  /** Share of installs of its type. */
  weight: number;
  /** The fake OUI that starts its devices' EUIs. */
  oui: string;
}

/** Invented makers and models (no real product is meant). */
export const MODELS: readonly ModelSpec[] = [
  { model: 'AVM-E200', type: 'ESME', manufacturer: 'Avonmeter', weight: 0.3, oui: 'A0C1E2' },
  { model: 'BRW-SE1', type: 'ESME', manufacturer: 'Brightwell', weight: 0.25, oui: 'B0C2E3' },
  { model: 'CLD-E4', type: 'ESME', manufacturer: 'Caldera Metering', weight: 0.2, oui: 'C0C3E4' },
  { model: 'DNM-E10', type: 'ESME', manufacturer: 'Dunmore', weight: 0.15, oui: 'D0C4E5' },
  { model: 'ESK-E3', type: 'ESME', manufacturer: 'Eskline', weight: 0.1, oui: 'E0C5E6' },
  { model: 'AVM-G100', type: 'GSME', manufacturer: 'Avonmeter', weight: 0.34, oui: 'A1D1F2' },
  { model: 'BRW-SG2', type: 'GSME', manufacturer: 'Brightwell', weight: 0.24, oui: 'B1D2F3' },
  { model: 'CLD-G4', type: 'GSME', manufacturer: 'Caldera Metering', weight: 0.18, oui: 'C1D3F4' },
  { model: 'DNM-G6', type: 'GSME', manufacturer: 'Dunmore', weight: 0.14, oui: 'D1D4F5' },
  { model: 'FLX-G1', type: 'GSME', manufacturer: 'Fenlux', weight: 0.1, oui: 'F1D5F6' },
];

export interface GenerateOptions {
  meterPoints: number;
  seed: number;
  /** The last day of the generated history (YYYY-MM-DD). */
  until?: string;
  /** Meter points per COPY batch. */
  batch?: number;
}

/** The migrations' secondary indexes (dropped and rebuilt around a bulk load). */
const SECONDARY_INDEXES = [
  { name: 'device_model_idx', sql: 'CREATE INDEX device_model_idx ON device (model)' },
  { name: 'device_mpxn_idx', sql: 'CREATE INDEX device_mpxn_idx ON device (mpxn)' },
  { name: 'state_change_eui_idx', sql: 'CREATE INDEX state_change_eui_idx ON state_change (eui)' },
  { name: 'flag_change_from_idx', sql: 'CREATE INDEX flag_change_from_idx ON flag_change (effective_from, id)' },
];

export interface GenerateResult {
  meterPoints: number;
  devices: number;
  stateChanges: number;
  flagChanges: number;
}

const ROLLOUT_START = parseIsoDate('2013-01-01')!;
export const DEFAULT_UNTIL = '2025-12-31';

/** Meter point numbers: unique by construction (a stride coprime to the range), with MPAN's check digit. */
function mprn(i: number, seed: number): string {
  return String(1_000_000_000 + (((seed % 1_000_003) * 104_729 + i * 7_919) % 9_000_000_000));
}
const MPAN_PRIMES = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];
export function mpanCheckDigit(first12: string): number {
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(first12[k]) * MPAN_PRIMES[k]!;
  return (sum % 11) % 10;
}
function mpan(i: number, seed: number, distributor: number): string {
  const core = String(1_000_000_000 + (((seed % 1_000_003) * 15_485_863 + i * 6_053) % 9_000_000_000)).slice(0, 10);
  const first12 = String(distributor) + core;
  return first12 + String(mpanCheckDigit(first12));
}

interface DeviceRow {
  eui: string;
  type: DeviceType;
  model: string;
  state: DeviceState;
  since: number;
  basis: FlagBasis;
  mpxn: string | null;
  associatedOn: number | null;
}

export async function generate(db: Db, opts: GenerateOptions): Promise<GenerateResult> {
  const until = parseIsoDate(opts.until ?? DEFAULT_UNTIL)!;
  const rnd = mulberry32(opts.seed);
  const batch = opts.batch ?? 20_000;
  const byType = (t: DeviceType) => MODELS.filter((m) => m.type === t);
  const pick = (t: DeviceType): ModelSpec => {
    const list = byType(t);
    let u = rnd();
    for (const m of list) {
      if ((u -= m.weight) < 0) return m;
    }
    return list[list.length - 1]!;
  };
  const day = (from: number, to: number) => from + Math.floor(rnd() * Math.max(1, to - from + 1));
  let deviceCounter = 0;
  const result: GenerateResult = { meterPoints: 0, devices: 0, stateChanges: 0, flagChanges: 0 };

  let mp = '', dev = '', sc = '', fc = '', reg = '';
  let copySeconds = 0;
  const flush = async () => {
    const t0 = performance.now();
    if (mp) await db.copyIn('meter_point', ['mpxn', 'fuel', 'postcode', 'flag', 'flag_from', 'ever_live'], mp);
    if (dev) await db.copyIn('device', ['eui', 'device_type', 'model', 'state', 'state_since', 'basis', 'mpxn', 'associated_on'], dev);
    if (sc) await db.copyIn('state_change', ['eui', 'from_state', 'to_state', 'effective'], sc);
    if (fc) await db.copyIn('flag_change', ['mpxn', 'fuel', 'flag', 'effective_from'], fc);
    if (reg) await db.copyIn('registration', ['mprn'], reg);
    mp = dev = sc = fc = reg = '';
    copySeconds += (performance.now() - t0) / 1000;
  };

  /** One meter point's life: devices installed, changed and removed; its flag after each change. */
  const lifeOf = (mpxn: string, fuel: 'G' | 'E', postcode: string) => {
    const type: DeviceType = fuel === 'G' ? 'GSME' : 'ESME';
    const live = new Map<string, DeviceRow>();
    let flag: ServiceFlag = null;
    let flagFrom = 0;
    let everLive = false;
    const change = (d: DeviceRow, to: DeviceState, on: number) => {
      sc += `${d.eui}\t${d.state}\t${to}\t${isoDate(on)}\n`;
      result.stateChanges++;
      d.basis = basisAfter(d.basis, to);
      d.state = to;
      d.since = on;
      if (endsAssociation(to)) live.delete(d.eui);
      if (d.mpxn === null) return;
      const bases = [...live.values()].map((x) => x.basis);
      const next = serviceFlag(bases, everLive);
      if (bases.some((b) => b !== null)) everLive = true;
      if (next !== flag) {
        flag = next;
        flagFrom = on;
        fc += `${mpxn}\t${fuel}\t${next}\t${isoDate(on)}\n`;
        result.flagChanges++;
      }
    };
    const newDevice = (on: number): DeviceRow => {
      const m = pick(type);
      const eui = m.oui + (deviceCounter++).toString(16).toUpperCase().padStart(10, '0');
      const d: DeviceRow = { eui, type, model: m.model, state: 'Pending', since: on, basis: null, mpxn: null, associatedOn: null };
      sc += `${eui}\t\\N\tPending\t${isoDate(on)}\n`;
      result.stateChanges++;
      return d;
    };
    const devices: DeviceRow[] = [];
    /** Adds, whitelists, installs and (mostly) commissions a meter; returns it. */
    const install = (on: number, commission: boolean): DeviceRow => {
      const d = newDevice(Math.max(ROLLOUT_START, on - 20 - Math.floor(rnd() * 40)));
      devices.push(d);
      change(d, 'Whitelisted', Math.max(d.since, on - Math.floor(rnd() * 3)));
      d.mpxn = mpxn;
      d.associatedOn = on;
      live.set(d.eui, d);
      change(d, 'InstalledNotCommissioned', on);
      if (commission) {
        const c = Math.min(until, on + (rnd() < 0.8 ? 0 : Math.floor(rnd() * 30)));
        change(d, 'Commissioned', c);
      }
      return d;
    };

    const u = rnd();
    if (u < 0.07) {
      // no smart meter yet; some have one added to the inventory and waiting (Pending)
      if (rnd() < 0.3) devices.push(newDevice(day(until - 300, until)));
    } else {
      let current = install(day(ROLLOUT_START, until - 30), rnd() < 0.96);
      const r = rnd();
      if (r < 0.15 && current.state === 'Commissioned') {
        // churn: replaced (faulty, change of supplier's meter) some time later, same day swap
        const on = day(current.since + 30, until);
        if (on <= until && on > current.since) {
          change(current, 'Decommissioned', on);
          current = install(on, rnd() < 0.97);
        }
      } else if (r < 0.165 && current.state === 'Commissioned') {
        // removed for good (a traditional meter fitted): the 'N' case
        const on = day(current.since + 30, until);
        if (on <= until && on > current.since) change(current, 'Decommissioned', on);
      } else if (r < 0.2 && current.state === 'Commissioned') {
        // a firmware version taken off the list: Suspended (flag unchanged), mostly back later
        const on = day(current.since + 30, until);
        if (on > current.since && on <= until) {
          change(current, 'Suspended', on);
          const back = day(on + 7, until + 120);
          if (back <= until) change(current, 'Commissioned', back);
        }
      } else if (r < 0.202 && current.state === 'Commissioned') {
        const on = day(current.since + 30, until - 10);
        if (on <= until - 10 && on > current.since) {
          change(current, 'Recovery', on);
          change(current, 'Recovered', on + 2);
          change(current, 'Commissioned', on + 3);
        }
      }
    }
    mp += `${mpxn}\t${fuel}\t${postcode}\t${flag ?? '\\N'}\t${flag === null ? '\\N' : isoDate(flagFrom)}\t${everLive}\n`;
    if (fuel === 'G') reg += `${mpxn}\n`;
    for (const d of devices) {
      dev += `${d.eui}\t${d.type}\t${d.model}\t${d.state}\t${isoDate(d.since)}\t${d.basis ?? '\\N'}\t${d.mpxn ?? '\\N'}\t${d.associatedOn === null ? '\\N' : isoDate(d.associatedOn)}\n`;
    }
    result.devices += devices.length;
    result.meterPoints++;
  };

  const t = trace('generate');
  await inTransaction(db, async () => {
    // Secondary indexes are built once at the end rather than row by row (much faster in bulk).
    await db.exec(SECONDARY_INDEXES.map((i) => `DROP INDEX IF EXISTS ${i.name}`).join(';'));
    const models = MODELS.map((m) => `${m.model}\t${m.type}\t${m.manufacturer}`).join('\n') + '\n';
    await db.query('DELETE FROM device_model WHERE NOT EXISTS (SELECT 1 FROM device d WHERE d.model = device_model.model)');
    await db.copyIn('device_model', ['model', 'device_type', 'manufacturer'], models);
    let premises = 0;
    let inBatch = 0;
    while (result.meterPoints < opts.meterPoints) {
      const postcode = randomPostcode(rnd);
      const distributor = 10 + Math.floor(rnd() * 14);
      lifeOf(mpan(premises, opts.seed, distributor), 'E', postcode);
      inBatch++;
      if (result.meterPoints < opts.meterPoints && rnd() < 0.8) {
        lifeOf(mprn(premises, opts.seed), 'G', postcode);
        inBatch++;
      }
      premises++;
      if (inBatch >= batch) {
        await flush();
        inBatch = 0;
      }
    }
    await flush();
    t(`rows made and copied (copy ${copySeconds.toFixed(2)} s)`);
    await db.exec(SECONDARY_INDEXES.map((i) => i.sql).join(';'));
    t('indexes');
    await db.exec('ANALYZE');
    t('analyze');
  });
  return result;
}

export async function inventorySize(db: Db): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM meter_point'))[0]!.n;
}

/** Empties the inventory and the registration system's copy (for generate --replace). */
export async function clearInventory(db: Db): Promise<void> {
  await db.exec('TRUNCATE state_change, flag_change, device, meter_point, device_model, registration');
}
