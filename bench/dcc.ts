/**
 * The mass case of MP077 (`npm run bench:dcc [-- --meter-points N] [--db pglite|postgres|both]`):
 *   generate   an inventory of N meter points (default 3,000,000), seeded
 *   withdraw   the most-installed gas meter model (about 450,000 of them at 3 million) taken off
 *              the product list: every device of it Withdrawn, the flags that change recomputed
 *   dxi        the DCC Status File of the updates that followed, written (E45)
 *   ingest     that file read back by the registration system and E46 written
 * on PGlite (embedded) and on a PostgreSQL server it starts itself (Debian's, on a free port, in
 * a temp folder, stopped by PID). Prints seconds and records/s for each and the peak RSS.
 * Budgets: withdraw + dxi ≤ 30 s embedded and ≤ 15 s on PostgreSQL; ingest ≥ 200,000 records/s.
 * Exits 1 when a budget is missed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../dcc/db.ts';
import type { Db } from '../dcc/db.ts';
import { generate } from '../dcc/generate.ts';
import { listModels, withdrawModel } from '../dcc/smi.ts';
import { ingestDxi, writeDxi } from '../dcc/dxi.ts';
import { startPostgres } from '../dcc/pg-server.ts';
import { progress } from './progress.ts';

const { values } = parseArgs({
  options: { 'meter-points': { type: 'string', default: '3000000' }, db: { type: 'string', default: 'both' }, seed: { type: 'string', default: '1' } },
});
const N = Number(values['meter-points']);
const SEED = Number(values.seed);
const WHICH = values.db === 'both' ? ['pglite', 'postgres'] : [values.db!];
const WITHDRAW_ON = '2026-01-05';
const BUDGET = { pglite: 30, postgres: 15 } as Record<string, number>;
const INGEST_BUDGET = 200_000;

/**
 * The bench's server is sized for the bulk work it does (the defaults are for a small shared
 * machine: 128 MB of buffers, 4 MB per sort or hash, a checkpoint every 1 GB of WAL).
 */
const SERVER_SETTINGS = {
  shared_buffers: '1GB',
  work_mem: '64MB',
  maintenance_work_mem: '512MB',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  wal_level: 'minimal',
  max_wal_senders: '0',
};

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const fmt = (n: number) => n.toLocaleString('en-GB');
/**
 * CPU seconds used so far by this process and by the PostgreSQL backend serving it (0 on PGlite,
 * which runs in this process). On a loaded machine wall seconds measure the queue as much as the
 * work; the CPU seconds printed beside them do not.
 */
let backendPid = 0;
function cpuSeconds(): number {
  const u = process.cpuUsage();
  let backend = 0;
  if (backendPid) {
    const f = readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    backend = (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks (100 a second)
  }
  return (u.user + u.system) / 1e6 + backend;
}
let lastCpu = 0;
/** Progress on stderr: each step starts and ends with a line, and says it is still going every 10 s. */
const { step } = progress('dcc');
async function timed<T>(what: string, fn: () => Promise<T>): Promise<[T, number]> {
  return step(what, async () => {
    const t = performance.now();
    const c = cpuSeconds();
    const r = await fn();
    lastCpu = cpuSeconds() - c;
    return [r, (performance.now() - t) / 1000];
  });
}
function line(db: string, step: string, s: number, records: number, what: string) {
  console.log(
    `${db.padEnd(9)} ${step.padEnd(9)} ${s.toFixed(2).padStart(8)} s  ${fmt(Math.round(records / s)).padStart(11)} ${what}/s  (${fmt(records)} ${what}; cpu ${lastCpu.toFixed(2)} s)`,
  );
}

async function runOn(kind: string, db: Db, dir: string): Promise<boolean> {
  backendPid = kind === 'postgres' ? (await db.query<{ p: number }>('SELECT pg_backend_pid() AS p'))[0]!.p : 0;
  const [g, tg] = await timed(`${kind} generate ${fmt(N)} meter points`, () => generate(db, { meterPoints: N, seed: SEED }));
  line(kind, 'generate', tg, g.meterPoints, 'meter points');
  const models = (await listModels(db)).filter((m) => m.deviceType === 'GSME').sort((a, b) => b.inService - a.inService);
  const model = models[0]!.model;
  const [w, tw] = await timed(`${kind} withdraw ${model}`, () => withdrawModel(db, model, WITHDRAW_ON));
  line(kind, 'withdraw', tw, w.devices, `devices of ${model}`);
  const cpuOf = { withdraw: lastCpu, dxi: 0, ingest: 0 };
  const dxiPath = join(dir, 'dxi.txt');
  const [n, td] = await timed(`${kind} dxi`, () => writeDxi(db, WITHDRAW_ON, dxiPath));
  line(kind, 'dxi', td, n, 'E45 records');
  cpuOf.dxi = lastCpu;
  const [r, ti] = await timed(`${kind} ingest`, () => ingestDxi(db, dxiPath, join(dir, 'e46.txt'), () => {}));
  line(kind, 'ingest', ti, r.records, 'records');
  cpuOf.ingest = lastCpu;
  const toDxi = tw + td;
  const ok1 = toDxi <= BUDGET[kind]!;
  const ok2 = r.records / ti >= INGEST_BUDGET;
  console.log(`${kind.padEnd(9)} cpu: withdraw ${cpuOf.withdraw.toFixed(2)} s + dxi ${cpuOf.dxi.toFixed(2)} s; ingest ${fmt(Math.round(r.records / cpuOf.ingest))} records per cpu second`);
  console.log(
    `${kind.padEnd(9)} withdrawal to DXI ${toDxi.toFixed(2)} s (budget ${BUDGET[kind]} s: ${ok1 ? 'ok' : 'MISSED'}); ingest ${fmt(Math.round(r.records / ti))} records/s (budget ${fmt(INGEST_BUDGET)}: ${ok2 ? 'ok' : 'MISSED'}); ` +
      `${fmt(w.flagChanges)} flags changed, DXI ${fmt(statSync(dxiPath).size)} bytes, E46 ${r.accepted} AC / ${r.rejected} RJ; peak RSS so far ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  return ok1 && ok2 && r.rejected === 0 && n === w.flagChanges;
}

let ok = true;
console.log(`bench:dcc — ${fmt(N)} meter points, seed ${SEED}`);
for (const kind of WHICH) {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-bench-dcc-'));
  const server = kind === 'postgres' ? await step('start PostgreSQL', () => startPostgres({ settings: SERVER_SETTINGS })) : undefined;
  try {
    const db = await openDb(server ? server.url : `pglite:${join(dir, 'db')}`);
    try {
      ok = (await runOn(kind, db, dir)) && ok;
    } finally {
      await db.close();
    }
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
clearInterval(sampler);
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
process.exitCode = ok ? 0 : 1;
