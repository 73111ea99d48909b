import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mosquittoAvailable, startMosquitto } from '../han/mosquitto.ts';
import type { MosquittoBroker } from '../han/mosquitto.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { loadScenarioFile } from '../sim/scenario/load.ts';

const run = promisify(execFile);
const cli = new URL('../bin/hanlab.js', import.meta.url).pathname;

async function simJson(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cli, 'sim', '--json', ...args], { maxBuffer: 256 << 20 });
  return stdout;
}

// A run short enough for CI that still crosses the outage (17:30) and the stale warning.
const ARGS = ['--scenario', 'matrix-new-new', '--until', '+19h'];

describe('same scenario and seed, same --json timeline, byte for byte', () => {
  it('on the in-process bus (the default), twice', async () => {
    const [a, b] = await Promise.all([simJson(...ARGS), simJson(...ARGS)]);
    expect(a.split('\n').length).toBeGreaterThan(5000);
    expect(a).toContain('"freshness":"stale"');
    expect(b).toBe(a);
  }, 120_000);

  it('a different seed gives a different timeline', async () => {
    const [a, b] = await Promise.all([simJson(...ARGS), simJson(...ARGS, '--seed', '7')]);
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
    const [inProcess, embedded, onMosquitto] = await Promise.all([
      simJson(...args),
      simJson(...args, '--broker', 'embedded'),
      mosquitto ? simJson(...args, '--broker', mosquitto.url) : Promise.resolve(null),
    ]);
    // The run crossed what makes it worth comparing: all firmware combinations, the outage and
    // the frames it lost, the stale warning, the remote reads, the top-up.
    expect(inProcess).toContain('gsme=legacy gpf=legacy ppmid=legacy');
    for (const needle of ['"fault":"outage"', '"lost":true', '"freshness":"stale"', '"kind":"wan","direction":"response"', '"action":"topUp"']) expect(inProcess).toContain(needle);
    expect(embedded).toBe(inProcess);
    if (onMosquitto !== null) expect(onMosquitto).toBe(inProcess);
  }, 240_000);
});
