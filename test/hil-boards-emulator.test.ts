/**
 * HIL cases against the emulator board: each DUT is a `hanlab board run --board emulator`
 * child process (the QuickJS board), seen only through what it publishes: the cases only a child
 * process on real time proves (support/hil-boards.ts); every case runs in hil-inproc-emulator.
 */
import { describe } from 'vitest';
import { suitesAgainst } from './support/hil-boards.ts';

describe('hil suites against the emulator board', () => suitesAgainst('emulator'));
