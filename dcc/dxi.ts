/**
 * The DCC Status File (DXI) of E45 records and the registration system's E46 responses, SEC
 * Appendix X 3.29 (a) and 3.28 (b)(i) as MP077 amends them. Fixed-width records, one a line:
 *   E45: Transaction Type 'E45' (3) | Meter Point Reference (10) | DCC Service Flag (1) | Effective From (8, YYYYMMDD)
 *   E46: Transaction Type 'E46' (3) | Outcome Code (2, AC|RJ) | Meter Point Reference (10) | Flag (1) | Effective From (8)
 * No header or trailer (the file "shall consist of a single data record per update"), no
 * separators, LF line ends (CRLF read too); docs/decisions.md "DCC side" says why.
 * Both directions stream: the database is read with a cursor and files line by line.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Db } from './db.ts';
import { arrayLiteral, inTransaction } from './db.ts';
import { compact, parseCompactDate } from './dates.ts';
import { trace } from './trace.ts';

export const E45_LENGTH = 22;
export const E46_LENGTH = 24;
export const FLAGS = ['A', 'I', 'N'] as const;

export const FIELD = {
  type: 'Transaction Type',
  mprn: 'Meter Point Reference',
  flag: 'DCC Service Flag',
  date: 'DCC Service Effective From Date',
} as const;

export interface E45 {
  mprn: string;
  flag: 'A' | 'I' | 'N';
  /** YYYYMMDD */
  date: string;
}

export function formatE45(r: E45): string {
  return `E45${r.mprn}${r.flag}${r.date}`;
}

export function formatE46(outcome: 'AC' | 'RJ', r: { mprn: string; flag: string; date: string }): string {
  return `E46${outcome}${fit(r.mprn, 10)}${fit(r.flag, 1)}${fit(r.date, 8)}`;
}

function fit(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s.padEnd(n, ' ');
}

export type E45Parse = { ok: true; record: E45 } | { ok: false; field: string; reason: string };

/** Checks one record (without its line end) field by field, as Appendix X lays them out. */
export function parseE45(line: string): E45Parse {
  if (line.length === 0) return { ok: false, field: 'record', reason: 'empty line, expected an E45 record' };
  const type = line.slice(0, 3);
  if (type !== 'E45') return { ok: false, field: FIELD.type, reason: `expected 'E45', found '${type}'` };
  if (line.length !== E45_LENGTH) return { ok: false, field: 'record', reason: `expected ${E45_LENGTH} characters (E45, MPRN 10, flag 1, date 8), found ${line.length}` };
  const mprn = line.slice(3, 13);
  if (!/^[0-9]{10}$/.test(mprn)) return { ok: false, field: FIELD.mprn, reason: `expected 10 digits, found '${mprn}'` };
  const flag = line[13]!;
  if (flag !== 'A' && flag !== 'I' && flag !== 'N') {
    const gone = flag === 'W' || flag === 'S' ? ` ('${flag}' was removed by MP077)` : '';
    return { ok: false, field: FIELD.flag, reason: `expected A, I or N, found '${flag}'${gone}` };
  }
  const date = line.slice(14, 22);
  if (parseCompactDate(date) === undefined) return { ok: false, field: FIELD.date, reason: `expected a real date as YYYYMMDD, found '${date}'` };
  return { ok: true, record: { mprn, flag, date } };
}

/** Writes with back-pressure: never more than the stream's buffer in memory. */
async function write(out: WriteStream, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

async function finish(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

function openOut(path: string): Promise<WriteStream> {
  const out = createWriteStream(path);
  return new Promise((resolve, reject) => {
    out.once('open', () => resolve(out));
    out.once('error', reject);
  });
}

const FETCH = 20_000;

/**
 * Writes the DXI: one E45 per gas flag update effective on or after `since` (YYYY-MM-DD), in the
 * order they happened. Returns the number of records.
 */
export async function writeDxi(db: Db, since: string, path: string): Promise<number> {
  const out = await openOut(path);
  let n = 0;
  try {
    await inTransaction(db, async () => {
      await db.query(
        `DECLARE dxi NO SCROLL CURSOR FOR
           SELECT mpxn || flag || to_char(effective_from, 'YYYYMMDD') AS r FROM flag_change
           WHERE fuel = 'G' AND effective_from >= '${since}'::date ORDER BY effective_from, id`,
      );
      for (;;) {
        const rows = await db.query<{ r: string }>(`FETCH ${FETCH} FROM dxi`);
        if (rows.length === 0) break;
        let chunk = '';
        for (const row of rows) chunk += `E45${row.r}\n`;
        n += rows.length;
        await write(out, chunk);
      }
      await db.exec('CLOSE dxi');
    });
  } finally {
    await finish(out);
  }
  return n;
}

export interface Rejection {
  line: number;
  field: string;
  reason: string;
}

export interface IngestResult {
  records: number;
  accepted: number;
  rejected: number;
}

const BATCH = 100_000;

/**
 * What the registration system refuses of a batch of well-formed records, decided in SQL over
 * the whole batch (one round trip): u is the batch (i: its index in the batch), r what is held.
 * A record is refused when its meter point is not registered, or when its date is before the
 * date already held: the registration's flag date or an earlier record of the batch for the
 * same point (earlier batches are already in the registration). The running maximum over all
 * earlier records equals the one over the accepted ones (a refused record is below it), so a
 * window function decides each record. The last accepted record of each point is applied.
 * Returns the refused records only.
 */
const INGEST_BATCH = `
  WITH u AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS u(i, mprn, flag, d)
  ), k AS MATERIALIZED (
    -- one index probe per record ('' registered without a flag date, NULL not registered): a
    -- join would hash the whole registration table for every batch
    SELECT u.*, (SELECT COALESCE(to_char(r.flag_from, 'YYYYMMDD'), '') FROM registration r WHERE r.mprn = u.mprn) AS reg
    FROM u
  ), j AS (
    SELECT k.i, k.mprn, k.flag, k.d, k.reg IS NOT NULL AS registered,
           GREATEST(NULLIF(k.reg, ''),
                    max(k.d) OVER (PARTITION BY k.mprn ORDER BY k.i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS held
    FROM k
  ), o AS (
    SELECT j.*, CASE WHEN NOT j.registered THEN 'unregistered' WHEN j.d < j.held THEN 'early' END AS refusal FROM j
  ), latest AS (
    SELECT DISTINCT ON (mprn) mprn, flag, d FROM o WHERE refusal IS NULL ORDER BY mprn, i DESC
  ), applied AS (
    UPDATE registration r SET flag = l.flag, flag_from = to_date(l.d, 'YYYYMMDD') FROM latest l WHERE r.mprn = l.mprn
  )
  SELECT i, refusal, held FROM o WHERE refusal IS NOT NULL`;

/**
 * Plays the Gas Registration Data Provider: reads the DXI line by line, checks each E45, applies
 * the good ones to the registration table in file order, and writes one E46 per record (AC or
 * RJ, file order). Besides a malformed field, a record is refused when the registration system
 * does not hold the meter point, or when its date is before the flag date it already holds for
 * it (an earlier record of the same file included). onReject hears each refusal.
 * Batches of 100,000 lines: fields checked in JS, the batch's good records sent as arrays to one
 * statement (INGEST_BATCH) that refuses and applies; memory stays at one batch whatever the
 * file's size.
 */
export async function ingestDxi(db: Db, inPath: string, e46Path: string, onReject: (r: Rejection) => void): Promise<IngestResult> {
  const input = createReadStream(inPath, { highWaterMark: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  const out = await openOut(e46Path);
  const result: IngestResult = { records: 0, accepted: 0, rejected: 0 };
  const t = trace('ingest');
  let lines: string[] = [];
  const flush = async () => {
    const first = result.records - lines.length + 1;
    const parsed = lines.map((l) => parseE45(l));
    const idx: number[] = [], mprns: string[] = [], flags: string[] = [], dates: string[] = [];
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]!;
      if (!p.ok) continue;
      idx.push(i);
      mprns.push(p.record.mprn);
      flags.push(p.record.flag);
      dates.push(p.record.date);
    }
    const refused = new Map<number, { refusal: string; held: string | null }>();
    if (idx.length > 0) {
      const rows = await db.query<{ i: number; refusal: string; held: string | null }>(INGEST_BATCH, [
        arrayLiteral(idx.map(String)),
        arrayLiteral(mprns),
        arrayLiteral(flags),
        arrayLiteral(dates),
      ]);
      for (const r of rows) refused.set(r.i, r);
    }
    let chunk = '';
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]!;
      const line = lines[i]!;
      let field: string | undefined;
      let reason: string | undefined;
      if (!p.ok) ({ field, reason } = p);
      else {
        const r = refused.get(i);
        if (r?.refusal === 'unregistered') [field, reason] = [FIELD.mprn, `meter point ${p.record.mprn} is not registered`];
        else if (r !== undefined) [field, reason] = [FIELD.date, `${p.record.date} is before the flag date already held for this meter point (${r.held})`];
      }
      if (field === undefined) {
        result.accepted++;
        // A good record is 'E45' + the 19 characters E46 echoes after its outcome.
        chunk += `E46AC${line.slice(3)}\n`;
      } else {
        result.rejected++;
        onReject({ line: first + i, field, reason: reason! });
        chunk += formatE46('RJ', { mprn: line.slice(3, 13), flag: line.slice(13, 14), date: line.slice(14, 22) }) + '\n';
      }
    }
    await write(out, chunk);
    lines = [];
  };
  try {
    await inTransaction(db, async () => {
      await db.exec("SET LOCAL work_mem = '128MB'");
      for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
        result.records++;
        lines.push(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
        if (lines.length >= BATCH) await flush();
      }
      if (lines.length > 0) await flush();
    });
    t('done');
  } finally {
    input.destroy();
    await finish(out);
  }
  return result;
}

export { compact };
