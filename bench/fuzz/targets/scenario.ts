import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseScenario, ScenarioError } from '../../../sim/scenario/load.ts';
import { scenarioTexts } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { fuzzText, mutateObject } from '../mutate.ts';

const parsed = new Map<string, unknown>();

function corpus(): string[] {
  const yaml = scenarioTexts();
  // The same scenarios as JSON (a scenario may be either).
  return [...yaml, ...yaml.map((t) => JSON.stringify(parseYaml(t), null, 2))];
}

/** JSON when it looks like a JSON object, YAML otherwise (as a .json / .yaml file would be read). */
function formatOf(text: string): 'json' | 'yaml' {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/** A ScenarioError's class: the kind of its first problem, without the file, line or value. */
export function scenarioErrorKind(err: ScenarioError): string {
  const p = err.problems[0];
  const text = p?.text ?? '';
  const kind = text.startsWith('YAML syntax error')
    ? 'YAML syntax'
    : text.startsWith('YAML error')
      ? 'YAML error'
      : text.startsWith('not valid JSON')
        ? 'JSON syntax'
        : /levels of nesting/.test(text)
          ? 'too deep'
          : /alias bomb/.test(text)
            ? 'alias bomb'
            : /unknown key/i.test(text)
              ? 'unknown key'
              : text.startsWith('expected')
                ? `schema ${(p?.path ?? '').replace(/\[\d+\]/g, '[]').split('.').slice(0, 2).join('.') || '(top level)'}`
                : text.replace(/\d+/g, 'N').slice(0, 40);
  return `ScenarioError: ${kind}`;
}

/**
 * The scenario loader from text (sim/scenario/load.ts parseScenario: limits, YAML/JSON, aliases,
 * zod). About 1–2 ms an input, by far the slowest target: hence its small share (3%, so 30,000 of
 * the default 10⁶ and 3,000 of the test's 10⁵).
 */
export const scenarioTarget: FuzzTarget<string> = {
  name: 'scenario',
  what: 'parseScenario (sim/scenario/load.ts) on mutated sim/scenarios/*.yaml, as YAML and JSON',
  share: 0.03,
  corpus,
  input(rng, c) {
    if (rng.chance(0.35)) {
      const text = rng.pick(c);
      let doc = parsed.get(text);
      if (doc === undefined) parsed.set(text, (doc = parseYaml(text)));
      const mutated = mutateObject(rng, doc);
      return formatOf(text) === 'json' ? JSON.stringify(mutated) : stringifyYaml(mutated);
    }
    return fuzzText(rng, c, 200);
  },
  run(input) {
    parseScenario(input, 'fuzz', formatOf(input));
  },
  classify: (err) => (err instanceof ScenarioError ? scenarioErrorKind(err) : null),
};
