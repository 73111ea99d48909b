/**
 * Fleets (fleet/): a population's homes drawn per (seed, home) alone; a small fleet in an outage
 * story where legacy displays mislead and SECMP0015 ones do not; the same report from one process,
 * from several workers, and from workers one of which is killed mid-run; the report's arithmetic;
 * bad population files and flags refused with what and where.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { drawHome } from '../fleet/population/draw.ts';
import { loadPopulation, PopulationError, resolvePopulation } from '../fleet/population/load.ts';
import type { Population } from '../fleet/population/schema.ts';
import { runFleetRange } from '../fleet/run.ts';
import type { HomeOutcome } from '../fleet/run.ts';
import { runFleetOnWorkers, splitHomes } from '../fleet/workers.ts';
import { fleetReport } from '../fleet/results.ts';
import { fleetChartSvg } from '../fleet/chart.ts';
import { hanlab } from './support/cli.ts';
import { expectWorkersEndWithParent } from './support/orphans.ts';

const dir = mkdtempSync(join(tmpdir(), 'hanlab-fleet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The default scenario's story for every home: low credit, the GSME↔GPF link down 17:30–20:30 as the credit runs out. */
const OUTAGE_STORY = {
  name: 'outage-story',
  start: '2026-01-15T00:00:00Z',
  duration: '22h',
  home: {
    prepayment: { credit: 3.15, emergencyCreditLimit: 5, lowCreditThreshold: 1, debt: 0 },
    consumption: {
      profile: [
        { from: '00:00', kwhPerHour: 0.4 },
        { from: '06:00', kwhPerHour: 4.0 },
        { from: '09:00', kwhPerHour: 2.5 },
        { from: '16:00', kwhPerHour: 3.0 },
        { from: '22:30', kwhPerHour: 0.4 },
      ],
      noise: 0,
    },
  },
  firmware: [
    { share: 1, gsme: 'secmp0015', gpf: 'secmp0015', ppmid: 'secmp0015' },
    { share: 1, gsme: 'secmp0015', gpf: 'secmp0015', ppmid: 'legacy' },
  ],
  faults: { hanOutage: { share: 1, link: { 'gsme-gpf': 1 }, startHours: 17.5, minutes: 180 } },
};

const story = (): Population => resolvePopulation(structuredClone(OUTAGE_STORY), 'outage-story');

describe('a population', () => {
  const { population } = loadPopulation('gb-prepay');

  it('draws each home from the seed and its index alone, and every home is a valid scenario', () => {
    const forward = Array.from({ length: 40 }, (_, i) => drawHome(population, 9, i));
    const backward = Array.from({ length: 40 }, (_, i) => drawHome(population, 9, 39 - i)).reverse();
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    expect(new Set(forward.map((h) => h.scenario.devices.gsme.eui)).size).toBe(40);
    expect(forward[7]!.scenario.devices.ppmid.eui).toBe('00DBF100000007A5');
    expect(JSON.stringify(drawHome(population, 10, 7))).not.toBe(JSON.stringify(forward[7]));
  });

  it('draws firmware and faults in the shares the file gives', () => {
    const n = 3000;
    const homes = Array.from({ length: n }, (_, i) => drawHome(population, 3, i));
    const share = (f: (h: (typeof homes)[number]) => boolean) => homes.filter(f).length / n;
    expect(share((h) => h.firmware === 'secmp0015')).toBeCloseTo(0.5, 1);
    expect(share((h) => h.firmware === 'legacy-gpf')).toBeCloseTo(0.2, 1);
    expect(Math.abs(share((h) => h.faults.includes('frameLoss')) - 0.15)).toBeLessThan(0.025);
    expect(Math.abs(share((h) => h.faults.includes('hanOutage')) - 0.1)).toBeLessThan(0.02);
    const credits = homes.map((h) => h.scenario.prepayment.credit);
    expect(Math.min(...credits)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...credits)).toBeLessThanOrEqual(25);
    // Frame loss on the GSME↔GPF link never overlaps that link's outage (a scenario refuses overlaps).
    const both = homes.filter((h) => h.faults.includes('frameLoss') && h.scenario.outages.some((o) => o.loss === 1 && o.link === 'gsme-gpf'));
    expect(both.length).toBeGreaterThan(0);
    for (const h of both) expect(h.scenario.outages.filter((o) => o.link === 'gsme-gpf').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a bad file, naming the field and what was expected', () => {
    const bad = (change: (p: any) => void) => {
      const p = structuredClone(OUTAGE_STORY) as any;
      change(p);
      const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, stringify(p));
      try {
        loadPopulation(file);
      } catch (err) {
        expect(err).toBeInstanceOf(PopulationError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad((p) => (p.firmware[0].gsme = 'v2'))).toMatch(/firmware\[0\]\.gsme: expected 'secmp0015' or 'legacy', found "v2"/);
    expect(bad((p) => (p.faults.hanOutage.share = 2))).toMatch(/faults\.hanOutage\.share: expected a share from 0 to 1, found 2/);
    expect(bad((p) => (p.draw = { credit: { uniform: [5, 1] } }))).toMatch(/draw\.credit/);
    expect(bad((p) => (p.faults.meteor = { share: 1 }))).toMatch(/faults: unknown key "meteor"/);
    expect(bad((p) => p.firmware.forEach((f: any) => (f.share = 0)))).toMatch(/firmware: expected firmware combinations with at least one share above 0/);
    expect(bad((p) => (p.home.prepayment.credit = 'lots'))).toMatch(/a home drawn from it is not a valid scenario: .*prepayment\.credit/);
    expect(() => loadPopulation('no-such-population')).toThrow(/no such built-in population \(built-in: gb-prepay/);
  });
});

describe('a fleet run', () => {
  it('in the outage story, legacy displays mislead and SECMP0015 ones do not', async () => {
    const outcomes = await runFleetRange(story(), { seed: 5, first: 0, count: 6 });
    const report = fleetReport('outage-story', 5, Date.parse('2026-01-15T00:00:00Z'), outcomes);
    const row = (name: string) => report.byFirmware.find((r) => r.name === name);
    expect(row('secmp0015')!.homes + row('legacy-ppmid')!.homes).toBe(6);
    expect(row('secmp0015')!.homes).toBeGreaterThan(0);
    expect(row('legacy-ppmid')!.homes).toBeGreaterThan(0);
    expect(row('secmp0015')!.misledMinutes).toBe(0);
    for (const h of outcomes.filter((o) => o.firmware === 'legacy-ppmid')) expect(h.metrics.misledMinutes).toBeGreaterThan(20);
    expect(report.total.misledPerDayPer10k).toBeCloseTo((report.total.misledMinutes / report.homeDays) * 10_000, 0);
    expect(fleetChartSvg(report)).toMatch(/<svg[^>]*>[\s\S]*legacy-ppmid[\s\S]*secmp0015[\s\S]*hanOutage[\s\S]*<\/svg>/);
  }, 120_000);

  it('gives the same report on workers, and when a worker is killed mid-run (its homes rerun from the seed)', async () => {
    const pop = story();
    const until = { untilMs: 20 * 3_600_000 };
    const alone = await runFleetRange(pop, { seed: 8, first: 0, count: 8, ...until });
    const onTwo = await runFleetOnWorkers(pop, { workers: 2, homes: 8, seed: 8, label: 'outage-story', broker: 'in-process', runtime: 'compact', ...until });
    expect(onTwo).toEqual(alone);
    // The second worker is killed as soon as it has reported a home; its other homes go to a new one.
    const lost: number[] = [];
    let started = 0;
    let victim: import('node:child_process').ChildProcess | null = null;
    const reported: number[] = [];
    const killed = await runFleetOnWorkers(pop, {
      workers: 2,
      homes: 8,
      seed: 8,
      label: 'outage-story',
      broker: 'in-process',
      runtime: 'compact',
      ...until,
      onWorker: (child) => {
        if (++started === 2) victim = child;
      },
      onHome: (o) => {
        reported.push(o.index);
        if (o.index >= 4 && victim !== null && victim.exitCode === null) {
          victim.kill('SIGKILL');
          victim = null;
        }
      },
      onWorkerLost: (w) => lost.push(w.homesLeft),
    });
    expect(lost.length).toBe(1);
    expect(lost[0]).toBeGreaterThan(0);
    expect(killed).toEqual(alone);
    expect(fleetReport('x', 8, 0, killed)).toEqual(fleetReport('x', 8, 0, alone));
  }, 240_000);

  it('paced (--speed), all homes live at once, gives the report of virtual time', async () => {
    // 20 simulated minutes at 600× real time: 2 s of wall time, the one place this suite waits on it.
    const o = { seed: 3, first: 0, count: 5, untilMs: 20 * 60_000 };
    const virtual = await runFleetRange(story(), o);
    const t0 = performance.now();
    const paced = await runFleetRange(story(), { ...o, speed: 600 });
    expect(performance.now() - t0).toBeGreaterThan(1500);
    expect(paced).toEqual(virtual);
  }, 60_000);

  it('splits homes into even contiguous ranges', () => {
    expect(splitHomes(10, 3)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
    expect(splitHomes(2, 4)).toEqual([[0], [1]]);
  });
});

describe('the report', () => {
  const home = (index: number, firmware: string, faults: HomeOutcome['faults'], misled: number, days = 1): HomeOutcome => ({
    index,
    premises: `fleet-${index}`,
    firmware,
    faults,
    days,
    frames: 100,
    metrics: { minutes: 1440 * days, creditMisleadingMinutes: misled, supplyMisleadingMinutes: 0, misledMinutes: misled, falseAlarmMinutes: 1, shownMinutes: { fresh: 0, late: 0, stale: 0, unknown: 0, clockProblem: 0, hanLost: 2, noData: 0 } },
  });
  it('counts customer-minutes per day per 10,000 homes, percentiles, and a home under each of its faults', () => {
    const r = fleetReport('p', 1, 0, [home(2, 'legacy-gpf', ['hanOutage', 'powerCut'], 30), home(0, 'secmp0015', [], 0), home(1, 'secmp0015', ['hanOutage'], 10, 2)]);
    expect(r.perHome.map((h) => h.index)).toEqual([0, 1, 2]);
    expect(r.homeDays).toBe(4);
    expect(r.total.misledMinutes).toBe(40);
    expect(r.total.misledPerDayPer10k).toBe(100_000);
    expect(r.misledMinutesPerDay).toEqual({ p50: 5, p90: 30, p99: 30, max: 30 });
    expect(r.byFault.map((x) => [x.name, x.homes, x.misledMinutes])).toEqual([['none', 1, 0], ['hanOutage', 2, 40], ['powerCut', 1, 30]]);
    expect(r.byFirmware.map((x) => [x.name, x.homes, x.misledPerDayPer10k])).toEqual([['secmp0015', 2, (10 / 3) * 10_000], ['legacy-gpf', 1, 300_000]].map(([n, h, v]) => [n, h, Math.round((v as number) * 10) / 10]));
    expect(r.total.hanLostMinutes).toBe(6);
  });
});

describe('hanlab fleet', () => {
  it('writes the report and the chart', async () => {
    const pop = join(dir, 'story.yaml');
    writeFileSync(pop, stringify(OUTAGE_STORY));
    const chart = join(dir, 'out', 'chart.svg');
    const r = await hanlab('fleet', '--homes', '3', '--population', pop, '--seed', '2', '--until', '19h', '--chart', chart);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Fleet: 3 homes of population outage-story, seed 2, 2\.4 home-days/);
    expect(r.stdout).toMatch(/per day per 10,000 homes/);
    expect(readFileSync(chart, 'utf8')).toMatch(/^<svg/);
  }, 120_000);

  it.each([
    [['cluster', 'up', '--homes', '5'], /hanlab cluster: --population: needed with --homes/],
    [['cluster', 'up', '--population', 'gb-prepay', '--homes', '5', '--scenario', 'x'], /hanlab cluster: --scenario: not with --population/],
    [['cluster', 'up', '--population', 'nope', '--homes', '5'], /hanlab cluster: --population: population "nope": no such built-in population/],
  ])('cluster up for a fleet refuses %j with exit status 2', async (args, message) => {
    const r = await hanlab(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    [['--homes', '0'], /--homes: expected a whole number 1…/],
    [['--workers', 'two'], /--workers: expected a whole number 1…256, found "two"/],
    [["--broker", "nats://x"], /--broker: expected in-process, embedded or mqtt:\/\/HOST:PORT\[,mqtt:\/\/HOST:PORT…\], found "nats:\/\/x"/],
    [['--population', 'nope'], /--population: population "nope": no such built-in population/],
    [['--until', '30h'], /--until: expected a duration after the start and within the population's 24 h/],
    [['--bogus'], /--bogus: unknown option \(see hanlab fleet --help\)/],
    [['--speed', '10', '--virtual'], /--speed: not with --virtual/],
    [['--speed', 'fast'], /--speed: expected a positive number \(0\.5, 60, 3600\), found "fast"/],
    [['--broker', 'mqtt://h:1,mqtt://h'], /--broker: expected mqtt:\/\/HOST:PORT, found "mqtt:\/\/h"/],
  ])('refuses %j with exit status 2', async (args, message) => {
    const r = await hanlab('fleet', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a fleet stopped by PID', () => {
  it('its local workers end with it (no orphans running their homes to the end)', async ({ onTestFinished }) => {
    const bin = fileURLToPath(new URL('../bin/hanlab.js', import.meta.url));
    // Paced at real time: each home runs for an hour, so a worker left alone would too.
    const fleet = spawn(process.execPath, [bin, 'fleet', '--homes', '4', '--workers', '2', '--speed', '1', '--until', '1h'], { stdio: 'ignore' });
    await expectWorkersEndWithParent(fleet, { marker: '--worker', workers: 2, settleMs: 2000, endMs: 15_000, onTestFinished });
  }, 60_000);
});
