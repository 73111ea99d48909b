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
import { zclTarget } from './targets/zcl.ts';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  gbcsTarget,
  gbcsParseTarget,
  zclTarget,
  dlmsDateTimeTarget,
  prepaymentTarget,
  // UTRN: the 20-digit top-up code decoder is being written on another branch (issue 12, "Top-ups
  // that cannot be forged"). When it lands, add bench/fuzz/targets/utrn.ts (mutated codes the
  // supplier issues, as text and as the ConsumerTopUp payload) and list it here.
  hanTopicTarget,
  scenarioTarget,
  boardConfigTarget,
  deviceConfigTarget,
] as FuzzTarget[];

export function targetByName(name: string): FuzzTarget | undefined {
  return FUZZ_TARGETS.find((t) => t.name === name);
}
