/**
 * The SSI coverage checker page (`hanlab serve`) in headless Chromium: Debian's chromium driven
 * by playwright-core (no browser download). A covered, a planned (date after 2021) and an
 * uncovered postcode, and a malformed one refused with a message on the page. Skipped with a
 * message where there is no /usr/bin/chromium (.ci/run installs it).
 * SCREENSHOT=FILE also writes a picture of the page with the planned answer (docs/dcc-coverage.png).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { coverage } from '../dcc/coverage.ts';
import { startServer } from '../dcc/server.ts';
import type { RunningServer } from '../dcc/server.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const AT = '2026-03-01';
const SEED = 1;

/** The first postcode of a seeded sweep whose answer is `want` (and, for B, a date after 2021). */
function find(want: 'A' | 'B' | 'C'): string {
  const areas = ['M', 'B', 'LS', 'SW', 'EH', 'CF', 'NE', 'PL', 'BS', 'G'];
  for (let i = 1; i < 20_000; i++) {
    const pc = `${areas[i % areas.length]}${1 + (Math.floor(i / 10) % 40)} ${Math.floor(i / 400) % 10}A${'BDEFGHJLNPQRSTUWXYZ'[i % 19]}`;
    const a = coverage(SEED, pc, AT);
    if (a.answer === want && (want !== 'B' || a.date! > '2021-01-01')) return pc;
  }
  throw new Error(`no ${want} postcode found`);
}

describe.runIf(CHROMIUM !== undefined)('SSI coverage checker in headless Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', seed: SEED, at: AT });
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 640, height: 520 }, locale: 'en-GB' });
    await page.goto(server.url);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function ask(q: string): Promise<{ kind: string; text: string }> {
    await page.fill('#postcode', q);
    await page.evaluate(() => {
      const box = document.getElementById('answer')!;
      box.removeAttribute('data-answer');
    });
    await page.click('#check');
    await page.waitForSelector('#answer[data-answer]');
    return { kind: (await page.getAttribute('#answer', 'data-answer'))!, text: await page.innerText('#answer') };
  }

  it('a covered postcode: (A) expected to connect', async () => {
    const pc = find('A');
    const r = await ask(pc);
    expect(r.kind).toBe('A');
    expect(r.text).toContain(`${pc}: (A) Expected to connect`);
    expect(r.text).toContain('Expected to be able to connect to the SM WAN.');
  });

  it('a planned postcode: (B) with its date, after 1 January 2021', async () => {
    const pc = find('B');
    const expected = coverage(SEED, pc, AT);
    const r = await ask(pc.toLowerCase().replace(' ', ''));
    expect(r.kind).toBe('B');
    expect(r.text).toContain(`${pc}: (B) Expected to connect from a date`);
    expect(r.text).toContain(expected.text);
    expect(expected.date! > '2021-01-01').toBe(true);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
  });

  it('an uncovered postcode: (C) cannot be confirmed', async () => {
    const r = await ask(find('C'));
    expect(r.kind).toBe('C');
    expect(r.text).toContain('Cannot be confirmed as being able to connect to the SM WAN.');
  });

  it('a malformed postcode: refused with a message on the page', async () => {
    const r = await ask('SW1A 1A');
    expect(r.kind).toBe('error');
    expect(r.text).toContain('Please check the postcode');
    expect(r.text).toContain("the inward code (after the space) must be a digit and two letters");
  });

  it('the JSON API answers 400 with the reason for a bad postcode', async () => {
    const res = await fetch(`${server.url}api/coverage?postcode=QQ1`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: `"QQ1": 'QQ' is not a GB postcode area` });
  });
});
describe.runIf(CHROMIUM === undefined)('SSI coverage checker in headless Chromium', () => {
  it.skip('skipped: no /usr/bin/chromium (apt-get install chromium)', () => {});
});
