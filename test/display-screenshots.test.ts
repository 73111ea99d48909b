import { describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { main } from '../cli/main.ts';

const cli = new URL('../bin/hanlab.js', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `hanlab sim ARGS` in a process of its own, as a user runs it. */
function simProcess(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'sim', ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

/**
 * `hanlab sim ARGS` in this process (the CLI's `main`, its output captured): no second start of
 * Node and the TypeScript loader (about 0.8 s of CPU a run) where the test is about the command's
 * answer, not about a process.
 */
async function sim(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await main(['sim', ...args]), stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('hanlab sim --screenshots', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hanlab-shots-'));

  const bad: [string, string[], RegExp][] = [
    // A regular file in the path: no directory can be made there (whoever runs the test).
    ['a directory that cannot be made', ['--screenshots', join(tmp, 'file', 'shots')], /^hanlab sim: --screenshots: cannot write to directory ".*file\/shots" \(ENOTDIR\)$/],
    ['an unknown profile', ['--screenshots', join(tmp, 'x'), '--profile', 'vga'], /^hanlab sim: --profile: expected mono128x64 or color176, found "vga"$/],
    ['--profile alone', ['--profile', 'color176'], /^hanlab sim: --profile: only with --screenshots DIR or --dashboard$/],
  ];
  writeFileSync(join(tmp, 'file'), '');
  for (const [what, args, message] of bad) {
    it(`${what}: exit 2, one line`, async () => {
      const r = await sim(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stdout).toBe('');
    }, 60_000); // the first loads (transforms) the simulator: seconds on a busy machine
  }

  it('writes a PNG per visible change, deterministically named, and the same files on a rerun', async () => {
    const dir = join(tmp, 'new', 'shots');
    // The first run a process of its own, the rerun in this one: the same bytes from two processes.
    // The default scenario runs its twelve firmware combinations beside the scenario's home: only
    // that home's PPMID is drawn.
    const r1 = await simProcess('--until', '+1h', '--screenshots', dir);
    expect(r1.code).toBe(0);
    const names = readdirSync(dir).sort();
    // The PPMID's first screen (no balance yet), its first reading, then one per GSME report:
    // dozens of screen models in an hour (the age ticks), a handful of pictures.
    expect(names[0]).toBe('0001-20260115T0000GMT-noData.png');
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names.length).toBeLessThan(10);
    for (const n of names) expect(n).toMatch(/^\d{4}-\d{8}T\d{4}(GMT|BST)-(fresh|late|stale|unknown|clockProblem|hanLost|noData)\.png$/);
    const first = PNG.sync.read(readFileSync(join(dir, names[1]!)));
    expect([first.width, first.height]).toEqual([384, 192]);
    const bytes = names.map((n) => readFileSync(join(dir, n)));

    const r2 = await sim('--until', '+1h', '--screenshots', dir);
    expect(r2.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(names);
    names.forEach((n, i) => expect(readFileSync(join(dir, n)).equals(bytes[i]!)).toBe(true));
  }, 60_000);

  it('--profile color176 draws the colour screen (352×352 PNG)', async () => {
    const dir = join(tmp, 'colour');
    // The default scenario's home alone (its firmware combinations are not drawn): a twelfth of the work.
    const r = await sim('--scenario', 'matrix-new-new', '--until', '+1h', '--screenshots', dir, '--profile', 'color176');
    expect(r.code).toBe(0);
    const png = PNG.sync.read(readFileSync(join(dir, readdirSync(dir).sort()[1]!)));
    expect([png.width, png.height]).toEqual([352, 352]);
  }, 60_000);
});
