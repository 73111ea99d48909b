/**
 * HAN link faults: which frames the simulated radio loses, and the clock faults devices suffer.
 *
 * An outage on link `gsme-gpf` affects frames between the GSME and the GPF, on `gpf-ppmid` frames
 * between the PPMID and the GPF, on `all` every frame. Direction `up` is towards the GPF
 * (GSME→GPF, PPMID→GPF; for `all`, any frame to the GPF), `down` from it, `both` either way. While
 * an outage is active (start ≤ t < end) each frame it covers is lost with probability `loss`,
 * drawn from the outage's own stream (forked by link and start), so adding an outage or another
 * random consumer does not change the draws of the others. Loss 1 and 0 draw nothing.
 */
import type { ClockFault, ClockFaultDevice, Outage, Scenario } from '../scenario/schema.ts';
import type { Prng } from './prng.ts';

export interface FrameInfo {
  /** EUI-64 of the sender. */
  src: string;
  /** EUI-64 of the addressee. */
  dst: string;
  /** Simulated (true) time the frame is on air, epoch ms. */
  atMs: number;
}

export interface FaultModel {
  /** Whether the radio loses this frame. Call once per frame, in simulation order. */
  drop(frame: FrameInfo): boolean;
  /** The outages active at an instant. */
  activeOutages(atMs: number): Outage[];
  /** The scheduled clock faults of a device, by time. */
  clockFaultsFor(device: ClockFaultDevice): ClockFault[];
}

/** Whether an outage covers a frame from `src` to `dst` (ignoring its time window). */
export function outageCovers(scenario: Scenario, outage: Outage, src: string, dst: string): boolean {
  const { gsme, gpf, ppmid } = scenario.devices;
  const s = src.toUpperCase(), d = dst.toUpperCase();
  const up = (other: string) => s === other && d === gpf.eui;
  const down = (other: string) => s === gpf.eui && d === other;
  const dir = (other: string) =>
    outage.direction === 'up' ? up(other) : outage.direction === 'down' ? down(other) : up(other) || down(other);
  switch (outage.link) {
    case 'gsme-gpf':
      return dir(gsme.eui);
    case 'gpf-ppmid':
      return dir(ppmid.eui);
    case 'all':
      return outage.direction === 'up' ? d === gpf.eui : outage.direction === 'down' ? s === gpf.eui : true;
  }
}

export function activeOutages(scenario: Scenario, atMs: number): Outage[] {
  return scenario.outages.filter((o) => o.start <= atMs && atMs < o.end);
}

export function clockFaultsFor(scenario: Scenario, device: ClockFaultDevice): ClockFault[] {
  return scenario.clockFaults.filter((f) => f.device === device);
}

/** `rng`: the run's fault stream, e.g. `createPrng(scenario.seed).fork('faults')`. */
export function createFaultModel(scenario: Scenario, rng: Prng): FaultModel {
  const streams = scenario.outages.map((o) => rng.fork(`outage:${o.link}:${o.direction}:${o.start}`));
  return {
    drop({ src, dst, atMs }) {
      let lost = false;
      scenario.outages.forEach((o, i) => {
        if (lost || atMs < o.start || atMs >= o.end || !outageCovers(scenario, o, src, dst)) return;
        const stream = streams[i];
        lost = stream ? stream.chance(o.loss) : o.loss >= 1;
      });
      return lost;
    },
    activeOutages: (atMs) => activeOutages(scenario, atMs),
    clockFaultsFor: (device) => clockFaultsFor(scenario, device),
  };
}
