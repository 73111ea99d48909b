/** Calendar dates as day numbers (days since 1970-01-01, UTC) and their text forms. */

const MS_PER_DAY = 86_400_000;

/** 'YYYY-MM-DD' → day number, or undefined when it is not a real date. */
export function parseIsoDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? dayOf(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** 'YYYYMMDD' → day number, or undefined. */
export function parseCompactDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? dayOf(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

function dayOf(y: number, mo: number, d: number): number | undefined {
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / MS_PER_DAY;
}

const isoCache = new Map<number, string>();
/** day number → 'YYYY-MM-DD' (cached: generators format millions of them). */
export function isoDate(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoCache.size < 100_000) isoCache.set(day, s);
  }
  return s;
}

/** 'YYYY-MM-DD' → 'YYYYMMDD'. */
export function compact(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

export function todayDay(): number {
  return Math.floor(Date.now() / MS_PER_DAY);
}
