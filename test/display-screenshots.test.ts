import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const cli = new URL('../bin/hanlab.js', import.meta.url).pathname;

function sim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'sim', ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

describe('hanlab sim --screenshots', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hanlab-shots-'));

  const bad: [string, string[], RegExp][] = [
    // A regular file in the path: no directory can be made there (whoever runs the test).
    ['a directory that cannot be made', ['--screenshots', join(tmp, 'file', 'shots')], /^hanlab sim: --screenshots: cannot write to directory ".*file\/shots" \(ENOTDIR\)$/],
    ['an unknown profile', ['--screenshots', join(tmp, 'x'), '--profile', 'vga'], /^hanlab sim: --profile: expected mono128x64 or color176, found "vga"$/],
    ['--profile alone', ['--profile', 'color176'], /^hanlab sim: --profile: only with --screenshots DIR$/],
  ];
  writeFileSync(join(tmp, 'file'), '');
  for (const [what, args, message] of bad) {
    it(`${what}: exit 2, one line`, async () => {
      const r = await sim(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('writes a PNG per visible change, deterministically named, and the same files on a rerun', async () => {
    const dir = join(tmp, 'new', 'shots');
    const r1 = await sim('--until', '+2h', '--screenshots', dir);
    expect(r1.code).toBe(0);
    const names = readdirSync(dir).sort();
    // The PPMID's first screen (no balance yet), its first reading, then one per GSME report:
    // hundreds of screen models in two hours (the age ticks), a handful of pictures.
    expect(names[0]).toBe('0001-20260115T0000GMT-noData.png');
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names.length).toBeLessThan(10);
    for (const n of names) expect(n).toMatch(/^\d{4}-\d{8}T\d{4}(GMT|BST)-(fresh|late|stale|unknown|clockProblem|hanLost|noData)\.png$/);
    const first = PNG.sync.read(readFileSync(join(dir, names[1]!)));
    expect([first.width, first.height]).toEqual([384, 192]);
    const bytes = names.map((n) => readFileSync(join(dir, n)));

    const r2 = await sim('--until', '+2h', '--screenshots', dir);
    expect(r2.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(names);
    names.forEach((n, i) => expect(readFileSync(join(dir, n)).equals(bytes[i]!)).toBe(true));
  }, 60_000);

  it('--profile color176 draws the colour screen (352×352 PNG)', async () => {
    const dir = join(tmp, 'colour');
    const r = await sim('--until', '+1h', '--screenshots', dir, '--profile', 'color176');
    expect(r.code).toBe(0);
    const png = PNG.sync.read(readFileSync(join(dir, readdirSync(dir).sort()[1]!)));
    expect([png.width, png.height]).toEqual([352, 352]);
  }, 60_000);
});
