/**
 * The Espruino bundles of all three devices (board espruino-wifi) under Duktape, a strict ES5
 * engine, in one process on an in-memory broker (test/support/duktape/harness.js): three virtual
 * hours of the GSME reporting, the GPF mirroring and the PPMID polling and drawing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDevice } from '../boards/bundler/bundle.ts';
import { composeDuktapeScript } from './support/duktape/compose.ts';
import type { DukBoard } from './support/duktape/compose.ts';

const DUK = '/usr/bin/duk';
const hasDuk = existsSync(DUK);
if (!hasDuk) console.warn(`duktape.test.ts: SKIPPED: ${DUK} is missing (apt-get install -y duktape)`);

const EUI = { gsme: '00124B0000000001', gpf: '00124B0000000002', ppmid: '00124B0000000003' } as const;
const START = Date.UTC(2026, 0, 15, 9, 0, 0);
const HOURS = 3;

interface Line {
  kind: string;
  at: number;
  device?: string;
  from?: string;
  topic?: string;
  bytes?: string;
  strings?: string[];
  line?: string;
  error?: string;
  json?: Record<string, unknown>;
}

describe.skipIf(!hasDuk)('Espruino bundles under Duktape (strict ES5)', () => {
  let dir = '';
  let lines: Line[] = [];

  /** The run's output lines (frames, state, screens, draws, logs), with the bundles built as given. */
  async function runHome(mangle: boolean): Promise<string> {
    const boards: DukBoard[] = [];
    for (const device of ['gpf', 'gsme', 'ppmid'] as const) {
      const built = await buildDevice({ board: 'espruino-wifi', device, outDir: `${dir}/${mangle ? 'mangled' : 'plain'}/`, mangle });
      const peers = device === 'gpf' ? { gsme: EUI.gsme, ppmid: EUI.ppmid } : { gpf: EUI.gpf };
      const config = { device, premises: 'home-1', eui: EUI[device], peers, firmware: 'secmp0015', seed: 7, wifi: { ssid: 'lab', password: 'pw' }, mqtt: { host: 'broker', port: 1883 } };
      boards.push({ device, code: built.code, storage: { 'hanlab.json': JSON.stringify(config) } });
    }
    const script = join(dir, `run-${mangle}.js`);
    writeFileSync(script, composeDuktapeScript(boards, START, START + HOURS * 3_600_000));
    return execFileSync(DUK, [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  }
  let out = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hanlab-duk-'));
    out = await runHome(true);
    lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the whole time without an exception or a stopped device', () => {
    expect(lines.filter((l) => l.kind === 'exception')).toEqual([]);
    expect(lines.filter((l) => l.kind === 'log' && /stopped|Config error|did not start/.test(l.line ?? ''))).toEqual([]);
    const end = lines.find((l) => l.kind === 'end');
    expect(end?.at).toBe(START + HOURS * 3_600_000);
  });

  it('moves frames both ways on the HAN topics: GSME→GPF reports, PPMID→GPF reads and GPF→both answers', () => {
    const frames = lines.filter((l) => l.kind === 'frame');
    const route = (src: string, dst: string) => frames.filter((f) => f.topic!.startsWith(`han/home-1/${dst}/${src}/`)).length;
    expect(route(EUI.gsme, EUI.gpf)).toBeGreaterThanOrEqual(HOURS * 2);
    expect(route(EUI.gpf, EUI.gsme)).toBeGreaterThanOrEqual(HOURS * 2);
    // One poll a minute: at least one read a minute from the PPMID, answered by the GPF.
    expect(route(EUI.ppmid, EUI.gpf)).toBeGreaterThanOrEqual(HOURS * 60);
    expect(route(EUI.gpf, EUI.ppmid)).toBeGreaterThanOrEqual(HOURS * 60);
    for (const f of frames) expect(f.topic).toMatch(/^han\/home-1\/[0-9A-F]{16}\/[0-9A-F]{16}\/[0-9A-F]{4}$/);
  });

  it('shows on the PPMID a balance with the last-update time the GSME stamped its reading with', () => {
    const screens = lines.filter((l) => l.kind === 'screen' && l.device === 'ppmid');
    const last = screens[screens.length - 1]!.json as { credit: number; freshness: string; lastUpdate: { at: string; hhmm: string; source: string } };
    expect(last.credit).toBeGreaterThan(0);
    expect(last.freshness).toBe('fresh');
    expect(last.lastUpdate.source).toBe('gsme');
    // The reading time is the GSME's: a report left the GSME just after it (ZCL UTCTime has whole
    // seconds; a report the GPF does not acknowledge is repeated after the 10 s ack timeout).
    const snapshot = Date.parse(last.lastUpdate.at);
    const reports = lines.filter((l) => l.kind === 'frame' && l.topic!.startsWith(`han/home-1/${EUI.gpf}/${EUI.gsme}/`));
    expect(reports.some((r) => r.at >= snapshot && r.at < snapshot + 12_000)).toBe(true);
    expect(snapshot).toBeGreaterThan(START + (HOURS - 1) * 3_600_000);

    // And the OLED was drawn with it: the balance and "Updated HH:MM".
    const draws = lines.filter((l) => l.kind === 'draw' && l.device === 'ppmid');
    const lastDraw = draws[draws.length - 1]!.strings!;
    expect(lastDraw).toContain('£' + last.credit.toFixed(2));
    expect(lastDraw.join(' ')).toContain('Updated ' + last.lastUpdate.hhmm);
    // Redrawn on change only: far fewer frames than polls.
    expect(draws.length).toBeLessThan(HOURS * 10);
  });

  it('behaves exactly as the bundles with their property names left long (boards/bundler/mangle.ts)', async () => {
    const plain = await runHome(false);
    expect(plain.length).toBeGreaterThan(100_000);
    // Line by line first, for a readable difference; then the whole output, byte for byte.
    const a = out.split('\n');
    const b = plain.split('\n');
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) expect(a[i], `line ${i + 1}`).toBe(b[i]);
    expect(out).toBe(plain);
  }, 120_000);

  it('publishes retained state for every device', () => {
    for (const device of ['gsme', 'gpf', 'ppmid']) expect(lines.some((l) => l.kind === 'state' && l.device === device)).toBe(true);
  });
});

describe.skipIf(!hasDuk)('an Espruino board with a bad config (Duktape)', () => {
  it('shows the problem on the screen and the console, and does not crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-duk-'));
    try {
      const built = await buildDevice({ board: 'espruino-wifi', device: 'ppmid', outDir: dir + '/' });
      const bad = { device: 'ppmid', premises: 'home-1', eui: 'nothex', peers: { gpf: EUI.gpf }, firmware: 'secmp0015', wifi: { ssid: 'lab', password: 'pw' }, mqtt: { host: 'broker' } };
      const script = join(dir, 'run.js');
      writeFileSync(script, composeDuktapeScript([{ device: 'ppmid', code: built.code, storage: { 'hanlab.json': JSON.stringify(bad) } }], START, START + 60_000));
      const lines = execFileSync(DUK, [script], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
      expect(lines.filter((l) => l.kind === 'exception')).toEqual([]);
      expect(lines.some((l) => l.kind === 'log' && /Config error: eui/.test(l.line!))).toBe(true);
      const draws = lines.filter((l) => l.kind === 'draw');
      expect(draws[draws.length - 1]!.strings!.join(' ')).toMatch(/Config error: eui/);
      expect(lines.some((l) => l.kind === 'frame')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
