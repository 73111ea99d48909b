import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mosquittoAvailable, startMosquitto } from '../han/mosquitto.ts';
import type { MosquittoBroker } from '../han/mosquitto.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { loadScenarioFile } from '../sim/scenario/load.ts';
import { hanlab, spawnHanlab } from './support/cli.ts';
import type { CliRun } from './support/cli.ts';

/** `hanlab sim --json ARGS…`'s stdout, in this process (test/support/cli.ts) or, with `child`, in a child process. */
async function simJson(args: string[], child = false): Promise<string> {
  const r: CliRun = child ? await spawnHanlab(['sim', '--json', ...args]) : await hanlab('sim', '--json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

// A run short enough for CI that still crosses the outage (17:30) and the stale warning.
const ARGS = ['--scenario', 'matrix-new-new', '--until', '+19h'];

describe('same scenario and seed, same --json timeline, byte for byte', () => {
  let first: Promise<string> | undefined;
  /** The timeline of ARGS from a child process: another process's run, nothing shared with this one. */
  const inChild = () => (first ??= simJson(ARGS, true));

  it('on the in-process bus (the default), twice: in a child process and in this one', async () => {
    const [a, b] = await Promise.all([inChild(), simJson(ARGS)]);
    expect(a.split('\n').length).toBeGreaterThan(5000);
    expect(a).toContain('"freshness":"stale"');
    expect(b).toBe(a);
  }, 120_000);

  it('a different seed gives a different timeline', async () => {
    const [a, b] = await Promise.all([inChild(), simJson([...ARGS, '--seed', '7'])]);
    expect(b.split('\n').length).toBeGreaterThan(5000);
    expect(b).not.toBe(a);
  }, 120_000);
});

/**
 * The default scenario (every firmware combination side by side, the outage, the supplier's
 * remote reads during it, a top-up after it) compressed into its first 3.5 hours, so that one run
 * per transport stays short.
 */
function compactScenarioFile(): string {
  const yaml = readFileSync(new URL('../sim/scenarios/han-outage-prepay.yaml', import.meta.url), 'utf8')
    .replace('duration: 1d12h', 'duration: 3h30m')
    .replace("start: '+17h30m'", "start: '+1h'")
    .replace('duration: 3h\n', 'duration: 1h30m\n')
    .replace("at: '+19h',", "at: '+1h45m',")
    .replace("at: '+19h1m',", "at: '+1h46m',")
    .replace("at: '+21h'", "at: '+2h40m'");
  const file = join(mkdtempSync(join(tmpdir(), 'hanlab-transports-')), 'compact-outage.yaml');
  writeFileSync(file, yaml);
  return file;
}

const haveMosquitto = mosquittoAvailable();
if (!haveMosquitto) console.warn('sim-determinism: the Mosquitto leg is skipped: no mosquitto binary on this machine (apt-get install mosquitto)');

describe('the same --json timeline, byte for byte, on every transport', () => {
  const file = compactScenarioFile();
  let mosquitto: MosquittoBroker | undefined;
  beforeAll(async () => {
    if (haveMosquitto) mosquitto = await startMosquitto({ identities: simulationIdentities(loadScenarioFile(file)) });
  });
  afterAll(async () => {
    await mosquitto?.close();
  });

  it(`in-process, embedded Aedes${haveMosquitto ? ' and Mosquitto (a broker process of our own on a free port)' : ' (Mosquitto skipped: not installed)'}`, async () => {
    const args = ['--scenario', file];
    // One after the other in this process: the runs are CPU-bound, so side by side they took no
    // less CPU, and children added their start-up.
    const inProcess = await simJson(args);
    const embedded = await simJson([...args, '--broker', 'embedded']);
    const onMosquitto = mosquitto ? await simJson([...args, '--broker', mosquitto.url]) : null;
    // The run crossed what makes it worth comparing: all firmware combinations, the outage and
    // the frames it lost, the stale warning, the remote reads, the top-up.
    expect(inProcess).toContain('gsme=legacy gpf=legacy ppmid=legacy');
    for (const needle of ['"fault":"outage"', '"lost":true', '"freshness":"stale"', '"kind":"wan","direction":"response"', '"action":"topUp"']) expect(inProcess).toContain(needle);
    expect(embedded).toBe(inProcess);
    if (onMosquitto !== null) expect(onMosquitto).toBe(inProcess);
  }, 240_000);
});
