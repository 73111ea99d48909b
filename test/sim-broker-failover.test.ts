/**
 * A run over a broker "cluster" that loses a node (runSimulation `brokerFailover`, the fleet's
 * mode on `--broker mqtt://A,mqtt://B`): two private Mosquittos holding the run's accounts, the
 * home's devices on A, A killed by SIGKILL mid-run. The devices fail over to B, the run completes
 * every minute, and what the dying node cost is in the timeline (each device's lost connection,
 * frames given up as lost), not hidden and not fatal. Without failover the same loss ends the run
 * with an error. Real processes and sockets: the kill is at a wall time, so the test asserts what
 * holds whatever was in flight then.
 */
import { describe, expect, it } from 'vitest';
import { mosquittoAvailable, startMosquitto } from '../han/mosquitto.ts';
import type { MosquittoBroker } from '../han/mosquitto.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { builtinScenario } from '../sim/scenario/load.ts';
import { InFlight } from '../han/in-flight.ts';

const DAY = 86_400_000;

describe('InFlight.abandon', () => {
  it('gives up what is outstanding, and takes a late arrival as one of those', async () => {
    const f = new InFlight({ timeoutMs: 50 });
    f.add(2, 'a');
    f.add(1, 'b');
    expect([...f.abandon()]).toEqual([['a', 2], ['b', 1]]);
    expect(f.idle).toBe(true);
    await f.whenIdle();
    f.done('a'); // late
    f.add(1, 'a');
    f.done('a'); // the new one
    expect(f.idle).toBe(true);
    f.done('a'); // the second late one
    expect(() => f.done('a')).toThrow(/nothing in flight/);
  });
});

describe.runIf(mosquittoAvailable())('a broker node lost mid-run', () => {
  const scenario = (() => {
    const s = builtinScenario('frame-loss-week');
    return { ...s, outages: [], duration: 4 * DAY, end: s.start + 4 * DAY };
  })();

  async function run(failover: boolean): Promise<{ events: TimelineEvent[]; minutes: number | null; error: Error | null }> {
    const identities = simulationIdentities(scenario);
    const a: MosquittoBroker = await startMosquitto({ identities });
    const b: MosquittoBroker = await startMosquitto({ identities });
    const events: TimelineEvent[] = [];
    let killed = false;
    try {
      const result = await runSimulation(scenario, {
        broker: `${a.url},${b.url}`,
        brokerFailover: failover,
        publishModels: false,
        onEvent: (e) => events.push(e),
        onProgress: (fraction) => {
          if (!killed && fraction > 0.3) {
            killed = true;
            process.kill(a.pid, 'SIGKILL');
          }
        },
      });
      return { events, minutes: result.homes[0]!.metrics.minutes, error: null };
    } catch (err) {
      return { events, minutes: null, error: err as Error };
    } finally {
      await a.close().catch(() => {});
      await b.close();
    }
  }

  it('with failover: the devices move to the other node, every minute is run, the loss is in the timeline', async () => {
    const r = await run(true);
    expect(r.error).toBe(null);
    expect(r.minutes).toBe(4 * 24 * 60);
    const lostConnections = r.events.filter((e) => e.kind === 'fault' && e.fault === 'brokerConnectionLost');
    expect(new Set(lostConnections.map((e) => (e as { device?: string }).device))).toEqual(new Set(['gsme', 'gpf', 'ppmid']));
    // Traffic went on after the loss: the PPMID still polled on the last day.
    const lastDay = scenario.end - DAY;
    expect(r.events.some((e) => e.kind === 'han' && e.t > lastDay && e.from === 'ppmid')).toBe(true);
    for (const e of r.events.filter((x) => x.kind === 'fault' && x.fault === 'brokerLostFrames')) expect((e as { frames?: number }).frames).toBeGreaterThan(0);
  }, 180_000);

  it('without failover: the run ends with an error naming what was lost', async () => {
    const r = await run(false);
    // Whichever comes first: a device's lost connection, or frames the dead node never delivered.
    expect(r.error?.message).toMatch(/HAN transport failed: HAN device [0-9A-F]{16}: (lost its connection|MQTT error) |HAN traffic not idle after 10000 ms \(wall clock\): .*han\/home-1\//);
  }, 180_000);
});
