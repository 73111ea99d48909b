/**
 * The node board's bundle entry (an ES module; `mqtt` and `pngjs` stay outside it). The bundle
 * exports its device build and `start`, which `hanlab board run --board node` imports and calls.
 */
import * as build from 'hanlab:device';
import { startNodeBoard } from './board.ts';
import type { NodeBoard, NodeBoardOptions } from './board.ts';

export { build };

export function start(options: NodeBoardOptions): Promise<NodeBoard> {
  return startNodeBoard(build, options);
}
