/**
 * The dashboard without a browser (live/): a `sim --json` file read back is the run's own events;
 * a screen's picture is the PNG `--screenshots` writes for it, byte for byte (the firmware's
 * renderer, not a second layout); the items keep the timeline's decoding and the text timeline's
 * words; the feed and its event stream send a late page everything from the start, resume from
 * an index, and put items before the status they led to. The run is on virtual time, four hours
 * of han-outage-prepay; only the last test opens a socket (loopback, its own server).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeed, readRecording, recordingFeed, startDashboardServer } from '../live/index.ts';
import type { DashboardStatus } from '../live/index.ts';
import type { DashboardItem } from '../live/items.ts';
import { createItemMaker } from '../live/items.ts';
import { createScreenImages } from '../live/screen-images.ts';
import { createScreenshotWriter } from '../sim/report/screenshots.ts';
import { createTextTimeline } from '../sim/report/text.ts';
import { builtinScenario } from '../sim/scenario/load.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { RunResult } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { hanlab } from './support/cli.ts';

const SCENARIO = { ...builtinScenario('han-outage-prepay'), compare: false };
const UNTIL = Date.parse('2026-01-15T20:00:00Z');

let dir: string;
let file: string;
const events: TimelineEvent[] = [];
let result: RunResult;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hanlab-live-'));
  result = await runSimulation(SCENARIO, { until: UNTIL, onEvent: (e) => events.push(e) });
  const r = await hanlab('sim', '--no-compare', '--json', '--until', '+20h');
  expect(r.code).toBe(0);
  file = join(dir, 'run.json');
  writeFileSync(file, r.stdout);
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('live/: a recording, the screens, the items', () => {
  it('a sim --json file read back is the run: the same events, start, end and summary', () => {
    const rec = readRecording(file);
    expect(rec.events).toEqual(events);
    expect(rec).toMatchObject({ scenario: 'han-outage-prepay', seed: 42, startMs: SCENARIO.start, endMs: UNTIL, homes: result.homes });
  });

  it('a file cut short (no summary line) still opens, ending at its last event', () => {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, lines.slice(0, 1000).join('\n') + '\n');
    const rec = readRecording(cut);
    expect(rec.events).toEqual(events.slice(0, 1000));
    expect(rec.homes).toBeNull();
    expect(rec.endMs).toBe(events[999]!.t);
  });

  it("a screen's picture is the PNG --screenshots writes for it, byte for byte; the same screen, the same picture", () => {
    const screens = events.filter((e): e is TimelineEvent & { kind: 'screen' } => e.kind === 'screen');
    const shots = createScreenshotWriter(dir, 'mono128x64');
    const images = createScreenImages('mono128x64');
    for (const e of screens.slice(0, 2)) shots.onEvent(e);
    const [first, second] = shots.written();
    expect(images.png(images.draw(screens[0]!.screen))).toEqual(readFileSync(join(dir, first!)));
    // The second file is the first screen that looked different; its picture is that screen's.
    const changed = screens.find((s) => images.draw(s.screen) !== 0)!;
    expect(images.png(images.draw(changed.screen))).toEqual(readFileSync(join(dir, second!)));
    expect(images.draw(screens[0]!.screen)).toBe(0);
    // A screen a minute, far fewer pictures (the age ticks a minute at a time only while old).
    for (const s of screens) images.draw(s.screen);
    expect(images.count).toBeLessThan(screens.length / 4);
    expect(images.png(images.count)).toBeUndefined();
  });

  it("items keep the HAN frame's decoding, and say faults, metric changes and the supplier's reads as the text timeline does", () => {
    const toItem = createItemMaker(createScreenImages('mono128x64'));
    const lines: string[] = [];
    const text = createTextTimeline('scenario', (l) => lines.push(l));
    const items: DashboardItem[] = [];
    for (const e of events) {
      text(e);
      const item = toItem(e);
      if (item) items.push(item);
    }
    const han = events.find((e) => e.kind === 'han')!;
    expect(items.find((i) => i.k === 'han')).toMatchObject({ t: '2026-01-15T00:00:00Z', uk: '2026-01-15 00:00 GMT', home: 'scenario', command: (han as { command: string }).command });
    const worded = items.filter((i): i is DashboardItem & { text: string } => i.k === 'wan' || i.k === 'fault' || i.k === 'metric' || i.k === 'note');
    expect(worded.map((i) => i.k)).toEqual(expect.arrayContaining(['wan', 'fault', 'metric']));
    for (const i of worded) expect(lines).toContain(`${i.uk}  ── ${i.text}`);
    expect(worded.find((i) => i.k === 'fault')).toMatchObject({ fault: 'outage', phase: 'start', key: 'outage gsme-gpf', uk: '2026-01-15 17:30 GMT' });
    // Every screen is an item; logs the text timeline leaves out are left out here too.
    expect(items.filter((i) => i.k === 'screen')).toHaveLength(events.filter((e) => e.kind === 'screen').length);
  });
});

describe('live/: the feed and its event stream', () => {
  it('a late subscriber is sent everything from the start (or from N), then each new item; unsubscribed, nothing', () => {
    const feed = createFeed({ mode: 'live', scenario: 'x', seed: 1, start: formatTime(SCENARIO.start), end: formatTime(UNTIL), startMs: SCENARIO.start, endMs: UNTIL, speed: 60, profile: 'mono128x64' });
    for (const e of events.slice(0, 100)) feed.push(e);
    const got: DashboardItem[] = [];
    const statuses: DashboardStatus[] = [];
    const stop = feed.subscribe(40, { items: (i) => got.push(...i), status: (s) => statuses.push(s) });
    expect(got).toHaveLength(60);
    expect(statuses.map((s) => [s.atMs, s.done])).toEqual([[SCENARIO.start, false]]);
    feed.push(events[100]!);
    expect(got).toHaveLength(61);
    feed.progress(SCENARIO.start + 60_000);
    feed.progress(SCENARIO.start); // never backwards
    feed.finish(result.homes, UNTIL);
    expect(statuses.map((s) => [s.atMs - SCENARIO.start, s.done])).toEqual([[0, false], [60_000, false], [UNTIL - SCENARIO.start, true]]);
    stop();
    feed.push(events[101]!);
    expect(got).toHaveLength(61);
    expect(feed.length).toBe(102);
  });

  it('GET /events sends the items, then the status; ?from=N resumes; bad parameters are a 400 naming them', async () => {
    const feed = recordingFeed(readRecording(file), 'mono128x64');
    const server = await startDashboardServer(feed, { port: 0, host: '127.0.0.1' });
    try {
      /** Reads the stream until the status event; returns the items before it and the status. */
      const read = async (query: string) => {
        const ctl = new AbortController();
        const res = await fetch(server.url + 'events' + query, { signal: ctl.signal });
        expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        const items: DashboardItem[] = [];
        for (;;) {
          text += decoder.decode((await reader.read()).value, { stream: true });
          let end: number;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const message = text.slice(0, end);
            text = text.slice(end + 2);
            if (message.startsWith('event: status\n')) {
              ctl.abort();
              return { items, status: JSON.parse(message.slice('event: status\ndata: '.length)) as DashboardStatus };
            }
            items.push(...(JSON.parse(message.slice('data: '.length)) as DashboardItem[]));
          }
        }
      };
      const all = await read('');
      expect(all.items).toHaveLength(feed.length);
      expect(all.items.filter((i) => i.k === 'screen')).toHaveLength(events.filter((e) => e.kind === 'screen').length);
      expect(all.status).toMatchObject({ mode: 'recorded', done: true, endMs: UNTIL });
      const resumed = await read(`?from=${feed.length - 10}`);
      expect(resumed.items).toEqual(all.items.slice(-10));
      const status = await (await fetch(server.url + 'api/status')).json();
      expect(status).toEqual(all.status);

      const bad = async (path: string) => {
        const r = await fetch(server.url + path);
        return [r.status, await r.json()];
      };
      expect(await bad('events?from=ten')).toEqual([400, { error: 'from: Invalid input: expected number, received NaN' }]);
      expect(await bad('events?since=1')).toEqual([400, { error: 'query: Unrecognized key: "since"' }]);
      expect(await bad('screen/1e3.png')).toEqual([400, { error: 'id: a picture number' }]);
      expect(await bad(`screen/${feed.images.count}.png`)).toEqual([404, { error: `id: no screen picture ${feed.images.count} (${feed.images.count} drawn so far)` }]);
      const png = await fetch(server.url + 'screen/0.png');
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await png.arrayBuffer())).toEqual(feed.images.png(0));
      const uplot = await fetch(server.url + 'uplot/uPlot.iife.min.js');
      expect(await uplot.text()).toMatch(/^\/\*! https:\/\/github.com\/leeoniya\/uPlot \(v1\.6\.\d+\) \*\//);
    } finally {
      await server.close();
    }
  });
});
