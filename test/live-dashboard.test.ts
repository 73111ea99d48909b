/**
 * The dashboard (live/) in headless Chromium: Debian's chromium driven by playwright-core (no
 * browser download); skipped with a message where there is no /usr/bin/chromium (.ci/run installs it).
 *
 * Live: han-outage-prepay runs in this process, paced by a wall clock the test holds (a gate on
 * virtual time, not real time), so the page is seen before the outage (a fresh screen, no
 * warning), during it (the stale warning, the outage shaded, the supplier's read answered with
 * the GSME's time) and at the end. Recorded: the same scenario's `hanlab sim --json` output opened
 * as a past run and scrubbed back into the outage. The waits on the page are generous (10 s)
 * because a real browser and socket are involved; what they wait for is fixed by virtual time.
 * SCREENSHOT=FILE writes the recorded page scrubbed to 19:58 GMT (docs/dashboard.png).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { createFeed, readRecording, recordingFeed, startDashboardServer } from '../live/index.ts';
import type { DashboardServer, Feed } from '../live/index.ts';
import { builtinScenario } from '../sim/scenario/load.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { RunResult, WallClock } from '../sim/run/run.ts';
import { hanlab } from './support/cli.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (CHROMIUM === undefined) console.warn('live-dashboard.test.ts: skipped, no /usr/bin/chromium (apt-get install chromium)');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
/**
 * A real browser on a shared 2-core machine, beside a second test run: generous, and only ever
 * waiting for a state virtual time fixed (a page that never gets there fails, it is not timed).
 */
const PAGE_WAIT = { timeout: 30_000 };
/**
 * Each describe's setup runs a simulation (the last one 13 homes × 22 h, --json) and starts
 * Chromium: CPU-bound work that takes a few seconds alone and several times that on a machine
 * loaded by another test run (60 s was seen to be too short there).
 */
const SETUP_MS = 240_000;

const SCENARIO = { ...builtinScenario('han-outage-prepay'), compare: false };
const at = (hhmm: string) => Date.parse(`2026-01-15T${hhmm}:00Z`);
const UNTIL = at('22:00');

/**
 * A wall clock that moves only as far as the test allows: the run (at speed 1) reaches virtual
 * time `start + allowed` and waits there until the test allows more.
 */
function gatedWallClock() {
  let wall = 0;
  let allowed = 0;
  const waiting: { until: number; resolve: () => void }[] = [];
  const clock: WallClock = {
    now: () => wall,
    sleep: (ms) =>
      new Promise((resolve) => {
        const until = wall + ms;
        const go = () => {
          wall = until;
          resolve();
        };
        if (until <= allowed) setImmediate(go);
        else waiting.push({ until, resolve: go });
      }),
  };
  return {
    clock,
    allow(virtualMs: number) {
      allowed = virtualMs - SCENARIO.start;
      for (const w of waiting.splice(0)) {
        if (w.until <= allowed) w.resolve();
        else waiting.push(w);
      }
    },
  };
}

async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM!, args: ARGS });
}

const scenarioCard = '.home[data-home="scenario"]';

describe.runIf(CHROMIUM !== undefined)('dashboard in headless Chromium: a live run', () => {
  let browser: Browser;
  let page: Page;
  let server: DashboardServer;
  let feed: Feed;
  const gate = gatedWallClock();
  let run: Promise<RunResult>;

  beforeAll(async () => {
    feed = createFeed({ mode: 'live', scenario: SCENARIO.name, seed: SCENARIO.seed, start: formatTime(SCENARIO.start), end: formatTime(UNTIL), startMs: SCENARIO.start, endMs: UNTIL, speed: 1, profile: 'mono128x64' });
    server = await startDashboardServer(feed, { port: 0, host: '127.0.0.1' });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    await page.goto(server.url);
    run = runSimulation(SCENARIO, {
      until: UNTIL,
      speed: 1,
      wallClock: gate.clock,
      onEvent: (e) => feed.push(e),
      onProgress: (_f, t) => feed.progress(t),
    });
    run.then((r) => feed.finish(r.homes, r.end)).catch(() => {});
  }, SETUP_MS);
  afterAll(async () => {
    gate.allow(UNTIL);
    await run?.catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it('before the outage: the screen the device draws, fresh, no warning', async () => {
    gate.allow(at('17:00'));
    await page.waitForFunction(() => document.getElementById('scrub-time')!.textContent === '2026-01-15 17:00 GMT', null, PAGE_WAIT);
    const card = page.locator(scenarioCard);
    expect(await card.locator('.fresh-badge').innerText()).toBe('Fresh');
    expect(await card.locator('li[data-code="stale"]').count()).toBe(0);
    // The picture is the firmware renderer's framebuffer as a PNG, the size of the 128x64 screen ×3.
    const img = card.locator('img.screen');
    await page.waitForFunction(() => (document.querySelector('.home[data-home="scenario"] img.screen') as HTMLImageElement | null)?.complete === true, null, PAGE_WAIT);
    expect(await img.evaluate((i: HTMLImageElement) => [i.naturalWidth, i.naturalHeight])).toEqual([384, 192]);
    expect(await card.innerText()).toContain('shows £');
  });

  it('into the outage: the stale warning, the outage shaded on the chart, frames decoded, the supplier answered', async () => {
    gate.allow(at('19:05'));
    await page.waitForFunction(() => document.getElementById('scrub-time')!.textContent === '2026-01-15 19:05 GMT', null, PAGE_WAIT);
    const card = page.locator(scenarioCard);
    await card.locator('li[data-code="stale"]').waitFor(PAGE_WAIT);
    expect(await card.locator('.fresh-badge').innerText()).toBe('Stale');
    expect(await card.locator('li[data-code="stale"]').innerText()).toMatch(/^Balance last confirmed at 17:23, 1 h 4\d min ago — may be lower now$/);
    // The chart: uPlot's canvas, its two credit series over the minutes so far, the outage from 17:30 still open.
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);
    const chart = await page.evaluate(() => {
      const u = (window as unknown as { hanlabChart: { series: { label: string }[]; data: (number | null)[][]; hanlabSpans: { outage: number[][] } } }).hanlabChart;
      return { labels: u.series.map((s) => s.label), points: u.data[0]!.length, outage: u.hanlabSpans.outage };
    });
    expect(chart.labels).toEqual(['time (UK)', 'credit shown', 'true credit']);
    expect(chart.points).toBeGreaterThan(19 * 60);
    expect(chart.outage).toEqual([[at('17:30') / 1000, at('19:05') / 1000]]);
    // HAN frames with the timeline's decoding (the PPMID still polls the GPF, which answers from its mirror).
    const frames = await page.locator('#frames tbody tr').allInnerTexts();
    expect(frames.length).toBe(18);
    expect(frames.some((r) => /ppmid → gpf/.test(r))).toBe(true);
    expect(frames.every((r) => /2026-01-15 1[89]:\d\d GMT/.test(r))).toBe(true);
    // The supplier's 19:00 read, answered from the GPF's mirror with the GSME's time of 17:23:40.
    const wan = await page.locator('#wan tbody tr').allInnerTexts();
    expect(wan.join('\n')).toContain('Parse & Correlate: GCS13a response, date-time 2026-01-15T17:23:40Z from the GSME, RELIABLE, MAC valid');
  });

  it('to the end of the run: the outage closed, the summary, the run over', async () => {
    gate.allow(UNTIL);
    await run;
    await page.waitForSelector('#status[data-done="true"]', PAGE_WAIT);
    await page.waitForSelector('#summary table', PAGE_WAIT);
    const outage = await page.evaluate(() => (window as unknown as { hanlabChart: { hanlabSpans: { outage: number[][] } } }).hanlabChart.hanlabSpans.outage);
    expect(outage).toEqual([[at('17:30') / 1000, at('20:30') / 1000]]);
    expect(await page.locator(`${scenarioCard} li[data-code="stale"]`).count()).toBe(0);
    expect(await page.innerText('#summary')).toMatch(/scenario\s+secmp0015\s+secmp0015\s+secmp0015\s+0\s+0\s+78/);
  });
});

describe.runIf(CHROMIUM !== undefined)('dashboard in headless Chromium: a past run (sim --json)', () => {
  let browser: Browser;
  let page: Page;
  let server: DashboardServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hanlab-dashboard-'));
    const r = await hanlab('sim', '--no-compare', '--json', '--until', '+24h');
    expect(r.code).toBe(0);
    const file = join(dir, 'run.json');
    writeFileSync(file, r.stdout);
    server = await startDashboardServer(recordingFeed(readRecording(file), 'mono128x64'), { port: 0, host: '127.0.0.1' });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    await page.goto(server.url);
    await page.waitForSelector('#status[data-done="true"]', PAGE_WAIT);
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function scrubTo(ms: number): Promise<void> {
    await page.evaluate((v) => {
      const s = document.getElementById('scrub') as HTMLInputElement;
      s.value = String(v);
      s.dispatchEvent(new Event('input'));
    }, ms);
  }

  it('opens at the end of the run, over, with its summary', async () => {
    expect(await page.innerText('#status')).toMatch(/^han-outage-prepay, seed 42 · recorded run · run over · reached 2026-01-16 00:00 GMT$/);
    expect(await page.inputValue('#scrub')).toBe(String(at('00:00') + 86_400_000));
    expect(await page.locator('#summary tbody tr').count()).toBe(1);
  });

  it('scrubbed back: fresh before the outage, stale in it, with both warnings the screen shows', async () => {
    await scrubTo(at('17:00'));
    await page.waitForFunction(() => document.getElementById('scrub-time')!.textContent === '2026-01-15 17:00 GMT', null, PAGE_WAIT);
    expect(await page.isChecked('#follow')).toBe(false);
    expect(await page.locator(`${scenarioCard} .fresh-badge`).innerText()).toBe('Fresh');

    await scrubTo(at('19:58'));
    await page.waitForFunction(() => document.getElementById('scrub-time')!.textContent === '2026-01-15 19:58 GMT', null, PAGE_WAIT);
    const warnings = await page.locator(`${scenarioCard} ul.warnings li`).allInnerTexts();
    expect(warnings).toEqual(['Balance last confirmed at 17:23, 2 h 34 min ago — may be lower now', 'Supply may already be off — check the meter', 'Low credit']);
    expect(await page.locator(`${scenarioCard} .credit`).innerText()).toBe('shows £0.59 · true credit then £0.05 · drawn 2026-01-15 19:58 GMT');
    // The chart holds the whole run; the cursor is where the scrubber is.
    const chart = await page.evaluate(() => {
      const u = (window as unknown as { hanlabChart: { data: (number | null)[][]; hanlabCursor: number; hanlabSpans: { alarm: number[][] } } }).hanlabChart;
      return { points: u.data[0]!.length, cursor: u.hanlabCursor, alarm: u.hanlabSpans.alarm };
    });
    expect(chart.points).toBeGreaterThanOrEqual(24 * 60);
    expect(chart.cursor).toBe(at('19:58') / 1000);
    expect(chart.alarm).toEqual([[at('18:29') / 1000, at('19:47') / 1000]]);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: false });
  });
});

describe.runIf(CHROMIUM !== undefined)('dashboard in headless Chromium: a past run of every firmware combination (--compare)', () => {
  const LEGACY = 'gsme=legacy gpf=legacy ppmid=legacy';
  let browser: Browser;
  let page: Page;
  let server: DashboardServer;
  let dir: string;
  /** The all-legacy home's misleading spans [from, to] in s, as its metric lines give them. */
  const misleading: number[][] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hanlab-dashboard-'));
    const r = await hanlab('sim', '--json', '--until', '+22h');
    expect(r.code).toBe(0);
    const file = join(dir, 'run.json');
    writeFileSync(file, r.stdout);
    const metrics = r.stdout
      .split('\n')
      .filter((l) => l.includes('"kind":"metric"') && l.includes(`"home":"${LEGACY}"`))
      .map((l) => JSON.parse(l) as { t: string; minute: string });
    metrics.forEach((m, i) => {
      if (m.minute !== 'ok' && m.minute !== 'falseAlarm') misleading.push([Date.parse(m.t) / 1000, Date.parse(metrics[i + 1]?.t ?? '2026-01-15T22:00:00Z') / 1000]);
    });
    server = await startDashboardServer(recordingFeed(readRecording(file), 'mono128x64'), { port: 0, host: '127.0.0.1' });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    await page.goto(server.url);
    await page.waitForSelector('#status[data-done="true"]', PAGE_WAIT);
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every home drawn; the all-legacy one chosen: its misleading minutes marked on its chart, said on its card', async () => {
    await page.waitForFunction(() => document.querySelectorAll('.home').length === 13, null, PAGE_WAIT);
    expect(misleading.length).toBeGreaterThan(0);
    await page.click(`.home[data-home="${LEGACY}"]`);
    await page.waitForFunction((label) => document.getElementById('chart-home')!.textContent === `(${label})`, LEGACY, PAGE_WAIT);
    const spans = await page.evaluate(() => (window as unknown as { hanlabChart: { hanlabSpans: { misleading: number[][] } } }).hanlabChart.hanlabSpans.misleading);
    expect(spans).toEqual(misleading);
    await page.evaluate((v) => {
      const s = document.getElementById('scrub') as HTMLInputElement;
      s.value = String(v);
      s.dispatchEvent(new Event('input'));
    }, misleading[0]![0]! * 1000 + 60_000);
    const card = page.locator(`.home[data-home="${LEGACY}"]`);
    await card.locator('.verdict:not([data-minute="ok"])').waitFor(PAGE_WAIT);
    expect(await card.locator('.verdict').innerText()).toMatch(/^metric: MISLEADING/);
    // A legacy display cannot tell its balance is old: no stale warning while it misleads.
    expect(await card.locator('li[data-code="stale"]').count()).toBe(0);
  });
});
