/**
 * Every fuzz target, one module each under bench/fuzz/targets/: another decoder is a one-file
 * addition plus a line here. Shares are relative; the default 10⁶ inputs are split by them.
 */
import type { FuzzTarget } from './engine.ts';
import { boardConfigTarget, deviceConfigTarget } from './targets/board-config.ts';
import { dlmsDateTimeTarget } from './targets/dlms-date-time.ts';
import { gbcsParseTarget } from './targets/gbcs-parse.ts';
import { gbcsTarget } from './targets/gbcs.ts';
import { hanTopicTarget } from './targets/han-topic.ts';
import { prepaymentTarget } from './targets/prepayment.ts';
import { scenarioTarget } from './targets/scenario.ts';
import { utrnTarget } from './targets/utrn.ts';
import { zclTarget } from './targets/zcl.ts';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  gbcsTarget,
  gbcsParseTarget,
  zclTarget,
  dlmsDateTimeTarget,
  prepaymentTarget,
  utrnTarget,
  hanTopicTarget,
  scenarioTarget,
  boardConfigTarget,
  deviceConfigTarget,
] as FuzzTarget[];

export function targetByName(name: string): FuzzTarget | undefined {
  return FUZZ_TARGETS.find((t) => t.name === name);
}
