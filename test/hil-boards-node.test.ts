/**
 * The three suites against the Node board: each DUT is a `hanlab board run --board node` child
 * process, seen only through what it publishes.
 */
import { describe } from 'vitest';
import { suitesAgainst } from './support/hil-boards.ts';

describe('hil suites against the node board', () => suitesAgainst('node'));
