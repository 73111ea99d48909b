/**
 * The SMI's database: PGlite (PostgreSQL compiled to WebAssembly, in a folder) by default, or a
 * PostgreSQL server. Both get the same migrations and the same SQL; this file is the only place
 * that knows which one it is talking to.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const DEFAULT_DB = 'pglite:.hanlab/dcc';
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  readonly where: string;
  /** One statement, $1… parameters; rows as plain objects (cast dates and bigints to text/int in SQL). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Statements without parameters, separated by ';'. */
  exec(sql: string): Promise<void>;
  /** COPY rows in PostgreSQL's text format (tab-separated, one row a line) into table (columns). */
  copyIn(table: string, columns: readonly string[], text: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Set for each connection before it touches a temporary table (PostgreSQL fixes it then). The
 * bulk paths stage their rows in temporary tables (`affected`, `staged`): with the default 8 MB of
 * temp buffers a model's withdrawal at 3 million meter points wrote and read back some 70,000
 * pages of `affected` (EXPLAIN: local read=68,511 written=76,319; 3 with 256 MB). Memory is taken
 * only as pages are used.
 */
const SESSION_SETTINGS = "SET temp_buffers = '256MB'";

/** A bad --db value or a database that cannot be opened. */
export class DbSpecError extends Error {}

export async function openDb(spec: string = DEFAULT_DB): Promise<Db> {
  let db: Db;
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) db = await openPostgres(spec);
  else if (spec.startsWith('pglite:')) {
    const dir = spec.slice('pglite:'.length);
    if (dir === '') throw new DbSpecError(`--db ${spec}: expected a folder after 'pglite:' (e.g. pglite:.hanlab/dcc)`);
    db = await openPglite(dir);
  } else {
    throw new DbSpecError(`--db ${JSON.stringify(spec)}: expected pglite:DIR or postgres://USER@HOST:PORT/DB`);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

async function openPglite(dir: string): Promise<Db> {
  // pglite:memory:// is an in-memory database (tests).
  const path = dir.startsWith('memory://') ? dir : resolve(dir);
  try {
    if (path !== dir) mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new DbSpecError(`--db pglite:${dir}: cannot make the folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  let pg: InstanceType<typeof PGlite>;
  try {
    pg = await PGlite.create(path, { relaxedDurability: true });
  } catch (err) {
    throw new DbSpecError(`--db pglite:${dir}: cannot open the database there: ${(err as Error).message}`);
  }
  await pg.exec(SESSION_SETTINGS);
  return {
    kind: 'pglite',
    where: `pglite:${dir}`,
    async query<R>(sql: string, params: unknown[] = []) {
      return (await pg.query<R>(sql, params)).rows;
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async copyIn(table, columns, text) {
      await pg.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
    async close() {
      await pg.close();
    },
  };
}

async function openPostgres(url: string): Promise<Db> {
  const pgmod = (await import('pg')).default;
  const { from: copyFrom } = await import('pg-copy-streams');
  // Dates stay text (YYYY-MM-DD): no time zone may move a flag's effective-from day.
  const client = new pgmod.Client({
    connectionString: url,
    types: { getTypeParser: (oid: number, format?: string) => (oid === 1082 ? (v: string) => v : pgmod.types.getTypeParser(oid, format as 'text')) },
  });
  try {
    await client.connect();
  } catch (err) {
    throw new DbSpecError(`--db ${redact(url)}: cannot connect: ${(err as Error).message}`);
  }
  client.on('error', () => {});
  await client.query(SESSION_SETTINGS);
  return {
    kind: 'postgres',
    where: redact(url),
    async query<R>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async copyIn(table, columns, text) {
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
      await pipeline(Readable.from([text]), stream);
    },
    async close() {
      await client.end();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Applies dcc/migrations/NNN_*.sql in order, each once, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const done = new Set((await db.query<{ version: string }>('SELECT version FROM schema_migration')).map((r) => r.version));
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    if (done.has(version)) continue;
    const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    await db.exec('BEGIN');
    try {
      await db.exec(sql);
      await db.query('INSERT INTO schema_migration (version) VALUES ($1)', [version]);
      await db.exec('COMMIT');
    } catch (err) {
      await db.exec('ROLLBACK');
      throw new Error(`migration ${file}: ${(err as Error).message}`);
    }
    applied.push(version);
  }
  return applied;
}

/** Runs fn in one transaction. */
export async function inTransaction<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  await db.exec('BEGIN');
  try {
    const out = await fn();
    await db.exec('COMMIT');
    return out;
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** A PostgreSQL array literal of values that need no quoting (digits, dates, letters). */
export function arrayLiteral(values: readonly string[]): string {
  return '{' + values.join(',') + '}';
}
