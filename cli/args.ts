import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './usage.ts';

/**
 * node:util's parseArgs, with its errors turned into one-line usage errors (exit status 2) in the
 * project's style ("FLAG: expected X, found Y"); main() ends them with "(see hanlab CMD --help)".
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(reword((err as Error).message, argv), { seeHelp: true });
  }
}

function reword(message: string, argv: string[]): string {
  // parseArgs says this in three lines; the value is either meant (write it with '=') or a forgotten one.
  const ambiguous = /^Option '(--?[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const flag = ambiguous[1]!;
    const value = argv[argv.indexOf(flag) + 1] ?? '';
    return `${flag}: expected a value, found "${value}", which looks like an option (for a value starting with '-' write ${flag}=${value})`;
  }
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `${unknown[1]}: unknown option`;
  const missing = /^Option '(--?[\w-]+)(?:, -\w)? <value>' argument missing/.exec(message) ?? /^Option '(?:-\w, )?(--?[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]}: expected a value, found nothing`;
  const noValue = /^Option '(--?[\w-]+)' does not take an argument/.exec(message);
  if (noValue) {
    const given = argv.find((a) => a.startsWith(noValue[1]! + '='));
    return `${noValue[1]}: takes no value, found "${given ? given.slice(noValue[1]!.length + 1) : ''}"`;
  }
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `expected options only, found the argument "${positional[1]}"`;
  return message.replace(/\. To specify a positional argument.*$/s, '').split('\n')[0]!;
}
