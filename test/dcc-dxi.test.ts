/**
 * E45 / E46 record layouts of SEC Appendix X 3.29 (a) and 3.28 (b)(i) as MP077 amends them, and
 * the round trip: generated inventory → flags → DXI → ingest → E46, record for record, on PGlite
 * and on a PostgreSQL server the test starts itself (skipped with a message without one).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../dcc/db.ts';
import type { Db } from '../dcc/db.ts';
import { formatE45, formatE46, ingestDxi, parseE45, writeDxi } from '../dcc/dxi.ts';
import type { Rejection } from '../dcc/dxi.ts';
import { generate } from '../dcc/generate.ts';
import { findPostgresBin, startPostgres } from '../dcc/pg-server.ts';
import type { PgServer } from '../dcc/pg-server.ts';

describe('record layouts', () => {
  it("E45: 'Transaction Type Mandatory Text 3 Value: E45', 'Meter Point Reference Mandatory Number 10', 'DCC Service Flag Mandatory Text 1', 'DCC Service Effective From Date Mandatory Date 8 … Format : YYYYMMDD'", () => {
    const line = formatE45({ mprn: '1234567890', flag: 'N', date: '20260105' });
    expect(line).toBe('E451234567890N20260105');
    expect(line.length).toBe(3 + 10 + 1 + 8);
    expect(parseE45(line)).toEqual({ ok: true, record: { mprn: '1234567890', flag: 'N', date: '20260105' } });
  });
  it("E46: 'Transaction Type … Value: E46', 'Outcome Code Mandatory Text 2 … AC – Accepted RJ – Rejected', then Meter Point Reference 10, DCC Service Flag 1, Effective From Date 8", () => {
    expect(formatE46('AC', { mprn: '1234567890', flag: 'A', date: '20210301' })).toBe('E46AC1234567890A20210301');
    expect(formatE46('RJ', { mprn: '12345', flag: '', date: '' })).toBe('E46RJ' + '12345'.padEnd(19, ' '));
  });
  it("flag values after MP077: 'A Active', 'N Non-Active', 'I InstalledNotCommissioned' (S and W struck out)", () => {
    for (const f of ['A', 'I', 'N']) expect(parseE45(`E451234567890${f}20210301`).ok).toBe(true);
    expect(parseE45('E451234567890S20210301')).toEqual({ ok: false, field: 'DCC Service Flag', reason: "expected A, I or N, found 'S' ('S' was removed by MP077)" });
    expect(parseE45('E451234567890W20210301')).toMatchObject({ ok: false, field: 'DCC Service Flag' });
  });
  it('each field is checked and named', () => {
    expect(parseE45('E44123456789AA20210301')).toMatchObject({ field: 'Transaction Type' });
    expect(parseE45('E45123456789XA20210301')).toMatchObject({ field: 'Meter Point Reference' });
    expect(parseE45('E451234567890A20210230')).toMatchObject({ field: 'DCC Service Effective From Date' });
    expect(parseE45('E451234567890A2021030')).toMatchObject({ field: 'record' });
  });
});

async function roundTrip(db: Db, dir: string) {
  await generate(db, { meterPoints: 400, seed: 5 });
  const dxi = join(dir, 'dxi.txt');
  const n = await writeDxi(db, '1900-01-01', dxi);
  const lines = readFileSync(dxi, 'utf8').split('\n');
  expect(lines.pop()).toBe(''); // LF after every record, nothing after the last
  expect(lines.length).toBe(n);
  expect(n).toBeGreaterThan(200);
  const e46 = join(dir, 'e46.txt');
  const rejected: Rejection[] = [];
  const r = await ingestDxi(db, dxi, e46, (x) => rejected.push(x));
  expect(rejected).toEqual([]);
  expect(r).toEqual({ records: n, accepted: n, rejected: 0 });
  const out = readFileSync(e46, 'utf8').split('\n');
  out.pop();
  // record for record: E46 n answers E45 n with the same meter point, flag and date
  expect(out.map((l) => l.slice(0, 5))).toEqual(lines.map(() => 'E46AC'));
  expect(out.map((l) => l.slice(5))).toEqual(lines.map((l) => l.slice(3)));
  // the registration system now holds what the SMI holds, for every gas meter point
  const diff = await db.query(
    `SELECT mp.mpxn FROM meter_point mp JOIN registration r ON r.mprn = mp.mpxn
     WHERE mp.flag IS DISTINCT FROM r.flag OR mp.flag_from IS DISTINCT FROM r.flag_from`,
  );
  expect(diff).toEqual([]);

  // A file with bad records: each refused with its line, field and reason; the rest go on.
  const good = lines[0]!;
  const bad = [good, 'E45123456789', 'E459999999999A20210301', `E45${good.slice(3, 13)}S20210301`, `E45${good.slice(3, 13)}A19990101`, good.replace('E45', 'E4X')];
  writeFileSync(join(dir, 'bad.txt'), bad.join('\r\n') + '\r\n');
  const rej: Rejection[] = [];
  const r2 = await ingestDxi(db, join(dir, 'bad.txt'), e46, (x) => rej.push(x));
  expect(r2).toEqual({ records: 6, accepted: 1, rejected: 5 });
  expect(rej.map((x) => [x.line, x.field])).toEqual([
    [2, 'record'],
    [3, 'Meter Point Reference'],
    [4, 'DCC Service Flag'],
    [5, 'DCC Service Effective From Date'],
    [6, 'Transaction Type'],
  ]);
  expect(rej[1]!.reason).toBe('meter point 9999999999 is not registered');
  expect(readFileSync(e46, 'utf8').split('\n').map((l) => l.slice(0, 5))).toEqual(['E46AC', 'E46RJ', 'E46RJ', 'E46RJ', 'E46RJ', 'E46RJ', '']);

  // Earlier records of the same file count: a later-dated update, then one dated before it
  // (refused, though after what the registration held before the file), then one on the same day.
  const mprn = good.slice(3, 13);
  const [later, between] = ['20300601', '20290601']; // the generated history ends in 2025
  writeFileSync(join(dir, 'order.txt'), [`E45${mprn}N${later}`, `E45${mprn}A${between}`, `E45${mprn}I${later}`].join('\n') + '\n');
  const rej3: Rejection[] = [];
  const r3 = await ingestDxi(db, join(dir, 'order.txt'), e46, (x) => rej3.push(x));
  expect(r3).toEqual({ records: 3, accepted: 2, rejected: 1 });
  expect(rej3).toEqual([{ line: 2, field: 'DCC Service Effective From Date', reason: `${between} is before the flag date already held for this meter point (${later})` }]);
  const reg = await db.query<{ flag: string; d: string }>(`SELECT flag, to_char(flag_from, 'YYYYMMDD') AS d FROM registration WHERE mprn = $1`, [mprn]);
  expect(reg).toEqual([{ flag: 'I', d: later }]);
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hanlab-dcc-test-'));
  dirs.push(d);
  return d;
};
let server: PgServer | undefined;
afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('round trip: flags → DXI → ingest → E46', () => {
  it('on PGlite (embedded)', async () => {
    const dir = tmp();
    const db = await openDb(`pglite:${join(dir, 'db')}`);
    try {
      await roundTrip(db, dir);
    } finally {
      await db.close();
    }
  }, 180_000);

  it.runIf(findPostgresBin() !== undefined)('on PostgreSQL (its own server on a free port)', async () => {
    server = await startPostgres();
    const db = await openDb(server.url);
    try {
      await roundTrip(db, tmp());
    } finally {
      await db.close();
    }
  }, 180_000);
  if (findPostgresBin() === undefined) it.skip('on PostgreSQL: no /usr/lib/postgresql/*/bin/postgres (apt-get install postgresql)', () => {});
});
