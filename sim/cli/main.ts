import { DecodeError } from '../../firmware/codec/errors.ts';
import { EXIT_USAGE, MAIN_HELP, UsageError } from './usage.ts';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command; help: string }>> = {
  build: () => import('./build.ts'),
  decode: () => import('./decode.ts'),
  flash: () => import('./flash.ts'),
  hil: () => import('./hil.ts'),
  sim: () => import('./sim.ts'),
  board: () => import('./board.ts'),
  dcc: () => import('../../dcc/cli.ts'),
  coverage: () => import('../../dcc/cli-coverage.ts'),
  serve: () => import('../../dcc/cli-serve.ts'),
};

/** Runs the CLI; returns the exit status instead of exiting so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(MAIN_HELP + '\n');
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === 'help') {
    const topic = rest[0];
    const cmd = topic !== undefined ? commands[topic] : undefined;
    process.stdout.write((cmd ? (await cmd()).help : MAIN_HELP) + '\n');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`hanlab: unknown command '${name}' (commands: ${Object.keys(commands).join(', ')}; see 'hanlab --help')\n`);
    return EXIT_USAGE;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof DecodeError) {
      process.stderr.write(`hanlab ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
