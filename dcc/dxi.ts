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

const BATCH = 50_000;

/**
 * Plays the Gas Registration Data Provider: reads the DXI line by line, checks each E45, applies
 * the good ones to the registration table in file order, and writes one E46 per record (AC or
 * RJ, file order). Besides a malformed field, a record is refused when the registration system
 * does not hold the meter point, or when its date is before the flag date it already holds for
 * it (an earlier record of the same file included). onReject hears each refusal.
 * Batches of 50,000 lines: one query reads what the registration holds for the batch's meter
 * points, one writes the batch's outcome; memory stays at one batch whatever the file's size.
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
    const parsed = lines.map((l) => parseE45(l));
    const mprns = new Set<string>();
    for (const p of parsed) if (p.ok) mprns.add(p.record.mprn);
    const held = new Map<string, string | null>();
    if (mprns.size > 0) {
      const rows = await db.query<{ mprn: string; f: string | null }>(
        `SELECT mprn, to_char(flag_from, 'YYYYMMDD') AS f FROM registration WHERE mprn = ANY($1::text[])`,
        [arrayLiteral([...mprns])],
      );
      for (const r of rows) held.set(r.mprn, r.f);
    }
    const next = new Map<string, E45>();
    let chunk = '';
    const first = result.records - lines.length + 1;
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]!;
      const line = lines[i]!;
      const fields = { mprn: line.slice(3, 13), flag: line.slice(13, 14), date: line.slice(14, 22) };
      let field: string | undefined;
      let reason: string | undefined;
      if (!p.ok) ({ field, reason } = p);
      else if (!held.has(p.record.mprn)) [field, reason] = [FIELD.mprn, `meter point ${p.record.mprn} is not registered`];
      else {
        const current = held.get(p.record.mprn);
        // YYYYMMDD strings compare as dates.
        if (current != null && p.record.date < current) [field, reason] = [FIELD.date, `${p.record.date} is before the flag date already held for this meter point (${current})`];
        else {
          held.set(p.record.mprn, p.record.date);
          next.set(p.record.mprn, p.record);
        }
      }
      if (field === undefined) {
        result.accepted++;
        chunk += formatE46('AC', fields) + '\n';
      } else {
        result.rejected++;
        onReject({ line: first + i, field, reason: reason! });
        chunk += formatE46('RJ', fields) + '\n';
      }
    }
    if (next.size > 0) {
      const recs = [...next.values()];
      await db.query(
        `UPDATE registration r SET flag = u.flag, flag_from = to_date(u.d, 'YYYYMMDD')
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(mprn, flag, d) WHERE r.mprn = u.mprn`,
        [arrayLiteral(recs.map((r) => r.mprn)), arrayLiteral(recs.map((r) => r.flag)), arrayLiteral(recs.map((r) => r.date))],
      );
    }
    await write(out, chunk);
    lines = [];
  };
  try {
    await inTransaction(db, async () => {
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
