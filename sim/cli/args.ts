import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './usage.ts';

/** node:util's parseArgs, with its errors turned into one-line usage errors (exit status 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    // parseArgs says this in three lines; the value is either meant (write it with '=') or a forgotten one.
    const ambiguous = /^Option '(--?[\w-]+)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      const flag = ambiguous[1]!;
      const value = argv[argv.indexOf(flag) + 1] ?? '';
      throw new UsageError(`${flag}: expected a value, found "${value}", which looks like an option (for a value starting with '-' write ${flag}=${value})`);
    }
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, '').split('\n')[0]!);
  }
}
