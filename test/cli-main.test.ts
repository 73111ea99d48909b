/** `hanlab` itself: bare, --version, help TOPIC, an unknown command, and parseArgs' messages in our words. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hanlab, spawnHanlab } from './support/cli.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('hanlab (no command, --version, help)', () => {
  // bin/hanlab.js in a child process, as a person runs it: the script's exit status and streams.
  it('bare hanlab prints the help on stdout and exits 0, as hanlab --help does (bin/hanlab.js)', async () => {
    const [bare, help] = await Promise.all([spawnHanlab([]), spawnHanlab(['--help'])]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toBe('');
    expect(bare.stdout).toBe(help.stdout);
    expect(bare.stdout).toContain('hanlab --version');
    // The tests' hanlab() (this process) gives the same bytes and status as the child.
    expect(await hanlab()).toEqual(bare);
    expect(await hanlab('--help')).toEqual(help);
  }, 60_000);

  it('--version prints package.json\'s version (bin/hanlab.js)', async () => {
    expect(await spawnHanlab(['--version'])).toEqual({ code: 0, stdout: `hanlab ${pkg.version}\n`, stderr: '' });
  }, 60_000);

  it('-v prints package.json\'s version', async () => {
    expect(await hanlab('-v')).toEqual({ code: 0, stdout: `hanlab ${pkg.version}\n`, stderr: '' });
  });

  it('help COMMAND prints that command\'s help', async () => {
    const r = await hanlab('help', 'decode');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hanlab decode — /);
  });

  const bad: [string, string[], string][] = [
    ['help of an unknown command', ['help', 'nope'], 'hanlab help: expected a command (build, decode, flash, hil, sim, board, dcc, coverage, serve, dashboard, cluster, fleet), found "nope" (see hanlab --help)'],
    ['an unknown command', ['nope'], 'hanlab: expected a command (build, decode, flash, hil, sim, board, dcc, coverage, serve, dashboard, cluster, fleet), found "nope" (see hanlab --help)'],
    ['an unknown option', ['sim', '--bogus'], 'hanlab sim: --bogus: unknown option (see hanlab sim --help)'],
    ['an option without its value', ['sim', '--seed'], 'hanlab sim: --seed: expected a value, found nothing (see hanlab sim --help)'],
    ['a value for a flag', ['sim', '--json=yes'], 'hanlab sim: --json: takes no value, found "yes" (see hanlab sim --help)'],
    ['a stray argument', ['sim', 'extra'], 'hanlab sim: expected options only, found the argument "extra" (see hanlab sim --help)'],
  ];
  for (const [what, args, line] of bad) {
    it(`${what}: exit 2, one line`, async () => {
      expect(await hanlab(...args)).toEqual({ code: 2, stdout: '', stderr: line + '\n' });
    });
  }

  it('bin/hanlab.js exits 2 with that line for an unknown command and an unknown option', async () => {
    const [command, option] = await Promise.all([spawnHanlab(['nope']), spawnHanlab(['sim', '--bogus'])]);
    expect(command).toEqual({ code: 2, stdout: '', stderr: bad[1]![2] + '\n' });
    expect(option).toEqual({ code: 2, stdout: '', stderr: bad[2]![2] + '\n' });
  }, 60_000);
});

describe('a reader that goes away', () => {
  it('`hanlab sim | head -1`: the run ends quietly, exit 0, no EPIPE stack trace', async () => {
    const bin = new URL('../bin/hanlab.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'sim'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let first = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        first += d.toString();
        // As `head -1` does: the first line read, the pipe closed, the rest of the run unread.
        if (first.includes('\n')) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(first).toMatch(/^time \(UK\)/);
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 60_000);
});
