/** What goes wrong: HAN outages, clock faults and power cuts. */
import { duration, enumOf, num, strict, timeRef } from './fields.ts';

export const outageSchema = strict(
  {
    start: timeRef(),
    duration: duration({ positive: true }),
    link: enumOf(['gsme-gpf', 'gpf-ppmid', 'all']).default('all'),
    direction: enumOf(['both', 'up', 'down']).default('both'),
    loss: num('a probability from 0 to 1', (v) => v >= 0 && v <= 1).default(1),
  },
  'start, duration, link, direction, loss',
);

export const clockFaultSchema = strict(
  {
    device: enumOf(['gsme', 'ppmid']),
    at: timeRef(),
    kind: enumOf(['jump', 'drift', 'unsynchronised']),
    offset: duration({ signed: true }).optional(),
    driftPpm: num('a number of parts per million (−1000000 to 1000000)', (v) => Math.abs(v) <= 1e6).optional(),
  },
  'device, at, kind, offset, driftPpm',
);

export const powerSchema = strict(
  {
    device: enumOf(['gsme', 'gpf', 'ppmid']),
    at: timeRef(),
    for: duration({ positive: true }),
  },
  'device, at, for',
);
