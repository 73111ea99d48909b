import { readFileSync } from 'node:fs';
import { DecodeError } from '../firmware/codec/errors.ts';
import { EXIT_USAGE, MAIN_HELP, UsageError } from './usage.ts';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command; help: string }>> = {
  build: () => import('./build.ts'),
  decode: () => import('./decode.ts'),
  flash: () => import('./flash.ts'),
  hil: () => import('./hil.ts'),
  sim: () => import('./sim.ts'),
  board: () => import('./board.ts'),
  dcc: () => import('./dcc.ts'),
  coverage: () => import('./coverage.ts'),
  serve: () => import('./serve.ts'),
  dashboard: () => import('./dashboard.ts'),
  cluster: () => import('./cluster.ts'),
  fleet: () => import('./fleet.ts'),
};

/** Runs the CLI; returns the exit status instead of exiting so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // Bare `hanlab` is a request for help like `hanlab --help` (as git and npm treat it): stdout, exit 0.
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(MAIN_HELP + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    process.stdout.write(`hanlab ${version()}\n`);
    return 0;
  }
  if (name === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      process.stdout.write(MAIN_HELP + '\n');
      return 0;
    }
    const cmd = commands[topic];
    if (!cmd) return unknownCommand('help', topic);
    process.stdout.write((await cmd()).help + '\n');
    return 0;
  }
  const load = commands[name];
  if (!load) return unknownCommand(null, name);
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof DecodeError) {
      const see = err instanceof UsageError && err.seeHelp ? ` (see hanlab ${name} --help)` : '';
      process.stderr.write(`hanlab ${name}: ${err.message}${see}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

function unknownCommand(where: string | null, name: string): number {
  process.stderr.write(`hanlab${where ? ' ' + where : ''}: expected a command (${Object.keys(commands).join(', ')}), found "${name}" (see hanlab --help)\n`);
  return EXIT_USAGE;
}

/** The version in package.json, the one npm installs. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
