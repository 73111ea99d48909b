/**
 * Population files: a built-in by name (fleet/populations/*.yaml) or a YAML / JSON file, validated
 * by the population schema and then by drawing its first home (so a bad shared `home:` section is
 * refused when the file is read, with the scenario format's own message).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { formatPath, ScenarioError } from '../../sim/scenario/load.ts';
import { populationSchema } from './schema.ts';
import type { Population } from './schema.ts';
import { drawHome } from './draw.ts';

export const DEFAULT_POPULATION = 'gb-prepay';
const BUILTIN_DIR = fileURLToPath(new URL('../populations/', import.meta.url));

export class PopulationError extends Error {
  override readonly name = 'PopulationError';
}

export interface LoadedPopulation {
  population: Population;
  /** Where it came from, for messages ('fleet/populations/gb-prepay.yaml', a path). */
  label: string;
}

export function listBuiltinPopulations(): string[] {
  return readdirSync(BUILTIN_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** A built-in population by name, or a file (a name with '/' or an extension is a file). */
export function loadPopulation(nameOrFile: string): LoadedPopulation {
  const isFile = /[/\\]|\.(ya?ml|json)$/i.test(nameOrFile);
  if (!isFile && !listBuiltinPopulations().includes(nameOrFile)) {
    throw new PopulationError(`population ${JSON.stringify(nameOrFile)}: no such built-in population (built-in: ${listBuiltinPopulations().join(', ')}; or give a .yaml / .json file)`);
  }
  const path = isFile ? nameOrFile : `${BUILTIN_DIR}${nameOrFile}.yaml`;
  const label = isFile ? nameOrFile : `fleet/populations/${nameOrFile}.yaml`;
  if (!existsSync(path)) throw new PopulationError(`${label}: no such file`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PopulationError(`${label}: cannot read it: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new PopulationError(`${label}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return { population: resolvePopulation(data, label), label };
}

/** A population from parsed data: the schema, then its first home drawn as a check. */
export function resolvePopulation(data: unknown, label: string): Population {
  const r = populationSchema.safeParse(data);
  if (!r.success) throw new PopulationError(describe(r.error.issues, data, label));
  try {
    drawHome(r.data, 1, 0);
  } catch (err) {
    if (err instanceof ScenarioError) throw new PopulationError(`${label}: a home drawn from it is not a valid scenario: ${err.message}`);
    throw err;
  }
  return r.data;
}

function describe(issues: z.core.$ZodIssue[], data: unknown, label: string): string {
  const lines = issues.map((i) => {
    const where = i.path.length === 0 ? 'the file' : formatPath(i.path as (string | number)[]);
    let found: unknown = data;
    for (const k of i.path) found = found !== null && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
    const what = i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}` : `expected ${i.message}, found ${found === undefined ? 'nothing' : JSON.stringify(found)}`;
    return `${label}: ${where}: ${what}`;
  });
  return lines.length > 1 ? `${lines[0]} (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : lines[0]!;
}
