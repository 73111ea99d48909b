/** The GSME, GPF and PPMID settings of a scenario. */
import { DEFAULTS } from './defaults.ts';
import { bool, duration, enumOf, eui, num, strict } from './fields.ts';

const D = DEFAULTS;

export const gsmeSchema = strict(
  {
    firmware: enumOf(['secmp0015', 'legacy']).default(D.devices.gsme.firmware),
    eui: eui().prefault(D.devices.gsme.eui),
    wakeInterval: duration({ positive: true, timer: true }).prefault(D.devices.gsme.wakeInterval),
    wakeJitter: duration({ timer: true }).prefault(D.devices.gsme.wakeJitter),
    retries: num('an integer from 0 to 255', (v) => Number.isInteger(v) && v >= 0 && v <= 255).default(D.devices.gsme.retries),
    ackTimeout: duration({ positive: true, timer: true }).prefault(D.devices.gsme.ackTimeout),
    clock: strict(
      {
        offset: duration({ signed: true }).prefault(D.devices.gsme.clock.offset),
        driftPpm: num('a number of parts per million (−1000000 to 1000000)', (v) => Math.abs(v) <= 1e6).default(D.devices.gsme.clock.driftPpm),
        unsynchronised: bool().default(D.devices.gsme.clock.unsynchronised),
      },
      'offset, driftPpm, unsynchronised',
    ).prefault({}),
  },
  'the GSME settings (firmware, eui, wakeInterval, …)',
);

export const gpfSchema = strict(
  {
    firmware: enumOf(['secmp0015', 'legacy']).default(D.devices.gpf.firmware),
    eui: eui().prefault(D.devices.gpf.eui),
    unpopulatedSnapshotTime: enumOf(['invalid', 'unsupported']).default(D.devices.gpf.unpopulatedSnapshotTime),
  },
  'the GPF settings (firmware, eui, unpopulatedSnapshotTime)',
);

export const ppmidSchema = strict(
  {
    firmware: enumOf(['secmp0015', 'legacy']).default(D.devices.ppmid.firmware),
    eui: eui().prefault(D.devices.ppmid.eui),
    pollInterval: duration({ positive: true, timer: true }).prefault(D.devices.ppmid.pollInterval),
    changeTimeFallback: bool().default(D.devices.ppmid.changeTimeFallback),
    staleDetection: bool().default(D.devices.ppmid.staleDetection),
    expectedUpdateInterval: duration({ positive: true, timer: true }).prefault(D.devices.ppmid.expectedUpdateInterval),
    grace: duration({ timer: true }).prefault(D.devices.ppmid.grace),
  },
  'the PPMID settings (firmware, eui, pollInterval, …)',
);
