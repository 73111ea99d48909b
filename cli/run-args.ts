/** Arguments several run commands take alike (`sim`, `cluster`, `fleet`), checked one way. */
import { existsSync } from 'node:fs';
import type { Scenario } from '../sim/scenario/schema.ts';
import { builtinScenario, loadScenarioFile, ScenarioError } from '../sim/scenario/load.ts';
import { UsageError } from './usage.ts';

/** --scenario NAME|FILE: a file when it looks like one or exists, else a built-in. */
export function loadScenario(ref: string): Scenario {
  try {
    if (/\.(ya?ml|json)$/i.test(ref) || existsSync(ref)) return loadScenarioFile(ref);
    return builtinScenario(ref);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
}

/** --speed X (a positive number); undefined: not given. */
export function parseSpeedArg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // A plain decimal: '1e3', 'Infinity', '0x10' and '' are refused, not read as numbers.
  const x = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : NaN;
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`--speed: expected a positive number (0.5, 60, 3600), found "${text}"`, { seeHelp: true });
  return x;
}
