/**
 * DP146 'SM WAN Coverage Date': postcode validation, the SSI's answers (A)/(B)/(C) by the CSP
 * logic the report quotes, and the CLI's bad-input handling (exit status 2, one clear line).
 */
import { describe, expect, it, vi } from 'vitest';
import { answerFor, coverage, outcodePlan, parsePostcode, postcodePlan, PostcodeError } from '../dcc/coverage.ts';
import { parseIsoDate } from '../dcc/dates.ts';
import { main } from '../cli/main.ts';

const day = (s: string) => parseIsoDate(s)!;

describe('GB postcodes and outcodes', () => {
  it('accepts every GB format, with or without the space, any case', () => {
    for (const [q, n] of [['SW1A 1AA', 'SW1A 1AA'], ['sw1a1aa', 'SW1A 1AA'], ['M1 1AE', 'M1 1AE'], ['B33 8TH', 'B33 8TH'], ['CR2 6XH', 'CR2 6XH'], ['DN55 1PT', 'DN55 1PT'], ['W1A 0AX', 'W1A 0AX'], ['EC1A 1BB', 'EC1A 1BB']]) {
      expect(parsePostcode(q!)).toMatchObject({ kind: 'postcode', normalised: n });
    }
    for (const q of ['SW1A', 'M1', 'B33', 'DN55', 'W1A', 'ec1a']) expect(parsePostcode(q)).toMatchObject({ kind: 'outcode', normalised: q.toUpperCase() });
  });
  it('refuses a malformed or non-GB one, saying what is wrong', () => {
    const err = (q: string) => {
      try {
        parsePostcode(q);
      } catch (e) {
        expect(e).toBeInstanceOf(PostcodeError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${q}`);
    };
    expect(err('')).toMatch(/found nothing/);
    expect(err('SW1A 1A')).toMatch(/inward code .* found '1A'/);
    expect(err('SW1A 1CI')).toMatch(/other than C, I, K, M, O, V/);
    expect(err('1SW 1AA')).toMatch(/outward code must be one or two letters then a district .* found '1SW'/);
    expect(err('QQ1 1AA')).toMatch(/'QQ' is not a GB postcode area/);
    expect(err('BT1 1AA')).toMatch(/Northern Ireland, outside Great Britain/);
    expect(err('SW1A-1AA')).toMatch(/found '-'/);
  });
});

describe('the SSI answer (SEC H8.16(f)(i) as DP146 amends it) with the CSP logic', () => {
  const covered = { coverageFrom: day('2019-05-01'), source: 'outcode' as const };
  const planned = { coverageFrom: day('2027-09-15'), source: 'postcode' as const };
  const none = { coverageFrom: null, source: 'outcode' as const };
  it("'If a premise already has WAN coverage, then the parameter availability … is set at 'True' and the WAN availability date is empty': (A)", () => {
    expect(answerFor(covered, day('2026-01-01'))).toMatchObject({ answer: 'A', available: true, date: null });
  });
  it("'… the CSP plans to cover with a future network build … the WAN availability on the CH is set to 'False' and the availability date will be populated': (B) with a date after 1 January 2021", () => {
    expect(answerFor(planned, day('2027-08-10'))).toEqual({ answer: 'B', available: false, date: '2027-09-15', text: 'Expected to be able to connect to the SM WAN from 15 September 2027.' });
  });
  it("'This will remain empty until six weeks before the date of coverage is being provided': (C) before that, (B) from it", () => {
    expect(answerFor(planned, day('2027-09-15') - 43)).toMatchObject({ answer: 'C', available: false, date: null });
    expect(answerFor(planned, day('2027-09-15') - 42)).toMatchObject({ answer: 'B', date: '2027-09-15' });
    expect(answerFor(planned, day('2027-09-15'))).toMatchObject({ answer: 'A', available: true, date: null });
  });
  it("'no plan in place to provide WAN coverage … set to 'False' and the availability date will be empty': (C)", () => {
    expect(answerFor(none, day('2026-01-01'))).toMatchObject({ answer: 'C', available: false, date: null });
  });
  it("DP146 removes 'before 1 January 2021': a date years ahead is given", () => {
    expect(answerFor({ coverageFrom: day('2031-06-30'), source: 'postcode' }, day('2031-06-01'))).toMatchObject({ answer: 'B', date: '2031-06-30' });
  });
  it('the plan is seeded: the same seed gives the same answers; all three answers occur', () => {
    const seen = new Set<string>();
    const areas = ['M', 'B', 'LS', 'SW', 'EH', 'CF', 'NE', 'PL'];
    for (let i = 1; i <= 4000; i++) {
      const pc = `${areas[i % areas.length]}${1 + (i % 20)} ${i % 10}A${'BDEFGHJLNPQRSTUWXYZ'[i % 19]}`;
      const a = coverage(1, pc, '2026-03-01');
      expect(coverage(1, pc, '2026-03-01')).toEqual(a);
      seen.add(a.answer);
    }
    expect([...seen].sort()).toEqual(['A', 'B', 'C']);
    expect(outcodePlan(1, 'M1')).toEqual(outcodePlan(1, 'M1'));
    expect(postcodePlan(2, 'M1', 'M1 1AB')).toEqual(postcodePlan(2, 'M1', 'M1 1AB'));
  });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('CLI', () => {
  it('hanlab coverage answers, and --json', async () => {
    const r = await cli(['coverage', 'sw1a1aa', '--at', '2026-03-01', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ postcode: 'SW1A 1AA', at: '2026-03-01', kind: 'postcode' });
  });
  it('bad input exits 2 with one line naming what and where', async () => {
    for (const [args, msg] of [
      [['coverage', 'SW1A 1A'], /hanlab coverage: "SW1A 1A": the inward code/],
      [['coverage', 'M1', '--at', '2026-02-30'], /--at: expected a real date as YYYY-MM-DD, found "2026-02-30"/],
      [['dcc', 'flags', '--out', 'x'], /--since: expected a date/],
      [['dcc', 'generate', '--meter-points', 'many'], /--meter-points: expected a whole number from 1, found "many"/],
      [['dcc', 'models', '--db', 'mysql://x'], /--db "mysql:\/\/x": expected pglite:DIR or postgres:/],
      [['dcc', 'frobnicate'], /unknown subcommand 'frobnicate'/],
      [['dcc', 'set-state', 'XYZ', 'Commissioned', '--date', '2020-01-01'], /EUI "XYZ": expected 16 hex digits/],
      [['serve', '--port', '70000'], /--port: expected 0-65535/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
