import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { identityRegistry } from '../sim/han/identities.ts';
import { mosquittoAvailable, startMosquitto } from '../sim/han/mosquitto.ts';
import type { MosquittoBroker } from '../sim/han/mosquitto.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { builtinScenario } from '../sim/scenario/load.ts';

const run = promisify(execFile);
const cli = new URL('../bin/hanlab.js', import.meta.url).pathname;

async function simJson(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cli, 'sim', '--json', ...args], { maxBuffer: 256 << 20 });
  return stdout;
}

// A run short enough for CI that still crosses the outage (17:30) and the stale warning.
const ARGS = ['--scenario', 'matrix-new-new', '--until', '+19h'];

describe('same scenario and seed, same --json timeline, byte for byte', () => {
  it('on the embedded broker, twice', async () => {
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

if (!mosquittoAvailable()) console.warn('skipping the Mosquitto determinism test: no mosquitto binary on this machine (apt-get install mosquitto)');

describe.skipIf(!mosquittoAvailable())('on Mosquitto (a broker process of our own on a free port)', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    // The accounts of both scenarios' runs (same seed and home: the scenario home's are shared).
    const accounts = ['matrix-new-new', 'han-outage-prepay'].flatMap((name) => [...simulationIdentities(builtinScenario(name)).values()]);
    broker = await startMosquitto({ identities: identityRegistry(accounts) });
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('gives the byte-identical timeline of the embedded broker', async () => {
    const [embedded, mosquitto] = await Promise.all([simJson(...ARGS), simJson(...ARGS, '--broker', broker.url)]);
    expect(mosquitto.length).toBeGreaterThan(0);
    expect(mosquitto).toBe(embedded);
  }, 120_000);

  it('with comparison homes side by side on one broker too', async () => {
    const args = ['--scenario', 'han-outage-prepay', '--until', '+3h'];
    const [embedded, mosquitto] = await Promise.all([simJson(...args), simJson(...args, '--broker', broker.url)]);
    expect(embedded).toContain('gsme=legacy gpf=legacy ppmid=legacy');
    expect(mosquitto).toBe(embedded);
  }, 120_000);
});
