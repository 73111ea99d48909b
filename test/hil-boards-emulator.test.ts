/**
 * The three suites against the emulator board: each DUT is a `hanlab board run --board emulator`
 * child process (the QuickJS board), seen only through what it publishes.
 */
import { describe } from 'vitest';
import { suitesAgainst } from './support/hil-boards.ts';

describe('hil suites against the emulator board', () => suitesAgainst('emulator'));
