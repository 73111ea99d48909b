/**
 * HIL cases against the Node board: each DUT is a `hanlab board run --board node` child
 * process, seen only through what it publishes: the cases only a child process on real time and
 * MQTT.js proves (support/hil-boards.ts); every case runs in hil-inproc-node.
 */
import { describe } from 'vitest';
import { suitesAgainst } from './support/hil-boards.ts';

describe('hil suites against the node board', () => suitesAgainst('node'));
