import type { DeviceClock, TimerClock } from './clock.ts';
import type { HanTransport } from './han.ts';
import type { Log, Observer } from './observe.ts';
import type { Storage } from './storage.ts';

export type { DeviceClock, TimerClock } from './clock.ts';
export type { Eui64, FrameHandler, HanTransport } from './han.ts';
export type { Log, Observer } from './observe.ts';
export type { Storage } from './storage.ts';

/** Everything a device touches outside its own logic. Each board provides one. */
export interface Platform {
  clock: DeviceClock;
  timers: TimerClock;
  han: HanTransport;
  observe: Observer;
  log: Log;
  storage?: Storage;
}
