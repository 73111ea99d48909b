/** `hanlab` itself: bare, --version, help TOPIC, an unknown command, and parseArgs' messages in our words. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const cli = new URL('../bin/hanlab.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function hanlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

describe('hanlab (no command, --version, help)', () => {
  it('bare hanlab prints the help on stdout and exits 0, as hanlab --help does', async () => {
    const [bare, help] = await Promise.all([hanlab(), hanlab('--help')]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toBe('');
    expect(bare.stdout).toBe(help.stdout);
    expect(bare.stdout).toContain('hanlab --version');
  }, 30_000);

  for (const flag of ['--version', '-v']) {
    it(`${flag} prints package.json's version`, async () => {
      const r = await hanlab(flag);
      expect(r).toEqual({ code: 0, stdout: `hanlab ${pkg.version}\n`, stderr: '' });
    }, 30_000);
  }

  it('help COMMAND prints that command\'s help', async () => {
    const r = await hanlab('help', 'decode');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hanlab decode — /);
  }, 30_000);

  const bad: [string, string[], string][] = [
    ['help of an unknown command', ['help', 'nope'], 'hanlab help: expected a command (build, decode, flash, hil, sim, board, dcc, coverage, serve, cluster), found "nope" (see hanlab --help)'],
    ['an unknown command', ['nope'], 'hanlab: expected a command (build, decode, flash, hil, sim, board, dcc, coverage, serve, cluster), found "nope" (see hanlab --help)'],
    ['an unknown option', ['sim', '--bogus'], 'hanlab sim: --bogus: unknown option (see hanlab sim --help)'],
    ['an option without its value', ['sim', '--seed'], 'hanlab sim: --seed: expected a value, found nothing (see hanlab sim --help)'],
    ['a value for a flag', ['sim', '--json=yes'], 'hanlab sim: --json: takes no value, found "yes" (see hanlab sim --help)'],
    ['a stray argument', ['sim', 'extra'], 'hanlab sim: expected options only, found the argument "extra" (see hanlab sim --help)'],
  ];
  for (const [what, args, line] of bad) {
    it(`${what}: exit 2, one line`, async () => {
      const r = await hanlab(...args);
      expect(r).toEqual({ code: 2, stdout: '', stderr: line + '\n' });
    }, 30_000);
  }
});
