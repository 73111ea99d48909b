/**
 * `hanlab dcc …`, `hanlab coverage` and `hanlab serve`: the DCC side's commands. Registered in
 * cli/main.ts beside the others; they share its argument parsing and exit statuses, nothing else.
 */
import { parseCommandArgs } from './args.ts';
import { UsageError } from './usage.ts';
import { DbSpecError, DEFAULT_DB, openDb } from '../dcc/db.ts';
import type { Db } from '../dcc/db.ts';
import { isoDate, parseIsoDate, todayDay } from '../dcc/dates.ts';
import { clearInventory, DEFAULT_UNTIL, generate, inventorySize } from '../dcc/generate.ts';
import { applyChanges, flagCounts, listModels, UnknownModelError, withdrawModel } from '../dcc/smi.ts';
import { ingestDxi, writeDxi } from '../dcc/dxi.ts';
import { coverage, PostcodeError } from '../dcc/coverage.ts';
import { isDeviceState } from '../dcc/states.ts';

const DB_OPTION = `  --db SPEC        pglite:DIR (default ${DEFAULT_DB.slice(7)}, PostgreSQL in WebAssembly, in a folder) or
                   postgres://USER@HOST:PORT/DB (a PostgreSQL server); the schema is migrated on open`;

export const help = `hanlab dcc — the DCC's Smart Metering Inventory and MP077 service flags

Usage:
  hanlab dcc generate --meter-points N [--seed S] [--until DATE] [--replace] [--db SPEC]
      make a seeded, realistic inventory: N meter points (MPAN 13 digits, MPRN 10), their smart
      meters (models, installs and commissioning since 2013, churn, removals, suspensions,
      SMKI recoveries) up to --until (default ${DEFAULT_UNTIL}), every state change and flag change
  hanlab dcc models [--json] [--db SPEC]
      the device models with their device counts (all, and in service)
  hanlab dcc withdraw-model MODEL --date DATE [--db SPEC]
      take MODEL off the product list: every device of it that can be is Withdrawn on DATE, and the
      flags that change follow (effective DATE)
  hanlab dcc set-state EUI STATE --date DATE [--mpxn MPXN] [--db SPEC]
      one legal state change (an install, Whitelisted → InstalledNotCommissioned, takes --mpxn)
  hanlab dcc flags --since DATE --out FILE [--db SPEC]
      write the DCC Status File (DXI): one E45 record per gas flag update effective on or after DATE
  hanlab dcc ingest FILE --out E46FILE [--db SPEC]
      play the gas registration system: check each E45 record of FILE, apply the good ones and write
      one E46 response per record (AC accepted, RJ rejected); each rejected record is printed on
      stderr as FILE:LINE: FIELD: reason, and the exit status is then 2
  hanlab dcc status [--db SPEC]
      meter points by fuel and flag

${DB_OPTION}
  DATE             YYYY-MM-DD

Flags (MP077): A a smart meter at the point is Commissioned; I all its smart meters are
InstalledNotCommissioned; N none is either, but one was; NULL never. Suspended, Recovery and
Recovered keep the flag. Files are fixed-width records, one a line (LF), no header or trailer.
Bad input exits with status 2 and one line naming what was wrong and where. See dcc/README.md.`;

export const coverageHelp = `hanlab coverage — the SSI's SM WAN coverage answer for a postcode or outcode (DP146)

Usage: hanlab coverage POSTCODE|OUTCODE [--at DATE] [--seed S] [--json]

  POSTCODE|OUTCODE  a GB postcode (SW1A 1AA, the space optional) or postal outcode (SW1A)
  --at DATE         the day asked about, YYYY-MM-DD (default: today)
  --seed S          the seeded CSP coverage plan (default 1)
  --json            print the answer as JSON

Answers: (A) expected to be able to connect to the SM WAN; (B) expected to be able to connect
from a date, the date given (any date; shown from six weeks before it); (C) cannot be confirmed.
A malformed or non-GB postcode exits with status 2 and says what is wrong.`;

export const serveHelp = `hanlab serve — the SSI coverage checker web page and its JSON API

Usage: hanlab serve [--port N] [--host HOST] [--seed S] [--at DATE]

  --port N     port to listen on (default 8080; 0 picks a free one)
  --host HOST  address to listen on (default 127.0.0.1)
  --seed S     the seeded CSP coverage plan (default 1)
  --at DATE    answer as of this day, YYYY-MM-DD (default: each request's today)

GET /                                 the coverage checker page (a postcode field and the answer)
GET /api/coverage?postcode=Q[&at=DATE] the answer as JSON; 400 with {"error": …} for a bad postcode
Runs until interrupted (Ctrl-C).`;

function date(flag: string, value: string | undefined, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new UsageError(`${flag}: expected a date (YYYY-MM-DD)`);
    return undefined;
  }
  if (parseIsoDate(value) === undefined) throw new UsageError(`${flag}: expected a real date as YYYY-MM-DD, found ${JSON.stringify(value)}`);
  return value;
}

function integer(flag: string, value: string | undefined, min: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`${flag}: expected a whole number`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag}: expected a whole number from ${min}, found ${JSON.stringify(value)}`);
  }
  return Number(value);
}

async function withDb<T>(spec: string | undefined, fn: (db: Db) => Promise<T>): Promise<T> {
  let db: Db;
  try {
    db = await openDb(spec ?? DEFAULT_DB);
  } catch (err) {
    if (err instanceof DbSpecError) throw new UsageError(err.message);
    throw err;
  }
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function outputError(flag: string, path: string, err: unknown): UsageError {
  const e = err as NodeJS.ErrnoException;
  return new UsageError(`${flag} ${path}: cannot open: ${e.code ?? e.message}`);
}

const say = (s: string) => process.stdout.write(s + '\n');

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const db = { db: { type: 'string' as const } };
  switch (sub) {
    case 'generate': {
      const { values, positionals } = parseCommandArgs(rest, { ...db, 'meter-points': { type: 'string' }, seed: { type: 'string' }, until: { type: 'string' }, replace: { type: 'boolean' } }, false);
      void positionals;
      const n = integer('--meter-points', values['meter-points'], 1);
      const seed = integer('--seed', values.seed, 0, 1);
      const until = date('--until', values.until, false) ?? DEFAULT_UNTIL;
      return withDb(values.db, async (d) => {
        const have = await inventorySize(d);
        if (have > 0 && !values.replace) throw new UsageError(`--db ${d.where}: the inventory already holds ${have} meter points (add --replace to start again, or use another --db)`);
        if (have > 0) await clearInventory(d);
        const t = Date.now();
        const r = await generate(d, { meterPoints: n, seed, until });
        say(`generated ${r.meterPoints} meter points, ${r.devices} devices, ${r.stateChanges} state changes, ${r.flagChanges} flag changes in ${((Date.now() - t) / 1000).toFixed(1)} s (${d.where})`);
        return 0;
      });
    }
    case 'models': {
      const { values } = parseCommandArgs(rest, { ...db, json: { type: 'boolean' } }, false);
      return withDb(values.db, async (d) => {
        const models = await listModels(d);
        if (values.json) say(JSON.stringify(models, null, 2));
        else {
          say('model     type  manufacturer       on list  devices  in service');
          for (const m of models) {
            say(`${m.model.padEnd(9)} ${m.deviceType.padEnd(5)} ${m.manufacturer.padEnd(18)} ${(m.onProductList ? 'yes' : `no (${m.removedOn})`).padEnd(8)} ${String(m.devices).padStart(7)}  ${String(m.inService).padStart(10)}`);
          }
        }
        return 0;
      });
    }
    case 'withdraw-model': {
      const { values, positionals } = parseCommandArgs(rest, { ...db, date: { type: 'string' } }, true);
      if (positionals.length !== 1) throw new UsageError(`withdraw-model: expected one MODEL (see hanlab dcc models), found ${positionals.length}`);
      const on = date('--date', values.date, true)!;
      return withDb(values.db, async (d) => {
        try {
          const t = Date.now();
          const r = await withdrawModel(d, positionals[0]!, on);
          say(`withdrew ${r.devices} devices of ${positionals[0]} on ${on}; ${r.flagChanges} meter point flags changed; ${r.refused.length} refused in ${((Date.now() - t) / 1000).toFixed(1)} s`);
          for (const x of r.refused.slice(0, 20)) process.stderr.write(`  ${x.eui}: ${x.reason}\n`);
          return 0;
        } catch (err) {
          if (err instanceof UnknownModelError) throw new UsageError(`withdraw-model: ${err.message} (see hanlab dcc models)`);
          throw err;
        }
      });
    }
    case 'set-state': {
      const { values, positionals } = parseCommandArgs(rest, { ...db, date: { type: 'string' }, mpxn: { type: 'string' } }, true);
      if (positionals.length !== 2) throw new UsageError(`set-state: expected EUI and STATE, found ${positionals.length} arguments`);
      const [eui, state] = positionals as [string, string];
      if (!/^[0-9A-Fa-f]{16}$/.test(eui)) throw new UsageError(`set-state: EUI ${JSON.stringify(eui)}: expected 16 hex digits`);
      if (!isDeviceState(state)) throw new UsageError(`set-state: state ${JSON.stringify(state)}: expected one of Pending, Whitelisted, InstalledNotCommissioned, Commissioned, Decommissioned, Withdrawn, Suspended, Recovery, Recovered`);
      const on = date('--date', values.date, true)!;
      return withDb(values.db, async (d) => {
        const r = await applyChanges(d, [{ eui: eui.toUpperCase(), to: state, date: on, ...(values.mpxn !== undefined && { mpxn: values.mpxn }) }]);
        if (r.refused.length > 0) throw new UsageError(`set-state: ${eui.toUpperCase()}: ${r.refused[0]!.reason}`);
        say(`${eui.toUpperCase()} → ${state} on ${on}; ${r.flagChanges} flag change(s)`);
        return 0;
      });
    }
    case 'flags': {
      const { values } = parseCommandArgs(rest, { ...db, since: { type: 'string' }, out: { type: 'string' } }, false);
      const since = date('--since', values.since, true)!;
      if (values.out === undefined) throw new UsageError('--out: expected the DXI file to write');
      return withDb(values.db, async (d) => {
        const t = Date.now();
        let n: number;
        try {
          n = await writeDxi(d, since, values.out!);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).syscall === 'open') throw outputError('--out', values.out!, err);
          throw err;
        }
        say(`wrote ${n} E45 records to ${values.out} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        return 0;
      });
    }
    case 'ingest': {
      const { values, positionals } = parseCommandArgs(rest, { ...db, out: { type: 'string' } }, true);
      if (positionals.length !== 1) throw new UsageError(`ingest: expected one DXI FILE, found ${positionals.length}`);
      if (values.out === undefined) throw new UsageError('--out: expected the E46 file to write');
      const file = positionals[0]!;
      return withDb(values.db, async (d) => {
        const t = Date.now();
        let r;
        try {
          r = await ingestDxi(d, file, values.out!, (x) => process.stderr.write(`${file}:${x.line}: ${x.field}: ${x.reason}\n`));
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          if (e.syscall === 'open' && e.path === file) throw new UsageError(`${file}: cannot read: ${e.code}`);
          if (e.syscall === 'open') throw outputError('--out', values.out!, err);
          throw err;
        }
        say(`${r.records} records: ${r.accepted} accepted, ${r.rejected} rejected; E46 written to ${values.out} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        return r.rejected > 0 ? 2 : 0;
      });
    }
    case 'status': {
      const { values } = parseCommandArgs(rest, db, false);
      return withDb(values.db, async (d) => {
        for (const [k, v] of Object.entries(await flagCounts(d))) say(`${k.replace(/^E:/, 'electricity ').replace(/^G:/, 'gas ')}: ${v}`);
        return 0;
      });
    }
    case undefined:
      throw new UsageError('expected a subcommand: generate, models, withdraw-model, set-state, flags, ingest, status (see hanlab dcc --help)');
    default:
      throw new UsageError(`unknown subcommand '${sub}' (generate, models, withdraw-model, set-state, flags, ingest, status)`);
  }
}

export async function runCoverage(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { at: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new UsageError(`expected one POSTCODE or OUTCODE, found ${positionals.length} arguments`);
  const at = date('--at', values.at, false) ?? isoDate(todayDay());
  const seed = integer('--seed', values.seed, 0, 1);
  try {
    const a = coverage(seed, positionals[0]!, at);
    say(values.json ? JSON.stringify(a) : `${a.postcode} on ${a.at}: (${a.answer}) ${a.text}`);
    return 0;
  } catch (err) {
    if (err instanceof PostcodeError) throw new UsageError(err.message);
    throw err;
  }
}

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, at: { type: 'string' } }, false);
  const port = integer('--port', values.port, 0, 8080);
  if (port > 65535) throw new UsageError(`--port: expected 0-65535, found ${port}`);
  const seed = integer('--seed', values.seed, 0, 1);
  const at = date('--at', values.at, false);
  const { startServer } = await import('../dcc/server.ts');
  const server = await startServer({ port, host: values.host ?? '127.0.0.1', seed, ...(at !== undefined && { at }) });
  say(`SSI coverage checker on ${server.url} (seed ${seed}${at ? `, as of ${at}` : ''}); Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
