/**
 * Whether a process's workers end with it: `parent` is killed as `kill -9 PID` would, and every
 * child whose command line holds `marker` must be gone soon after (Linux: ps and /proc).
 */
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Children of `pid` whose command line holds `marker` (not, say, the TypeScript loader's esbuild service). */
function childrenOf(pid: number, marker: string): number[] {
  try {
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);
    return pids.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker));
  } catch {
    return []; // ps exits 1 when there are none; a child may be gone between ps and /proc
  }
}

/** Running, not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    return existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Waits for `workers` children of `parent` (marked by `marker`), lets them take their work for
 * `settleMs`, kills `parent` with SIGKILL and expects every one of them gone within `endMs`.
 * Whatever is left is killed when the test ends, pass or fail.
 */
export async function expectWorkersEndWithParent(
  parent: ChildProcess,
  o: { marker: string; workers: number; settleMs: number; endMs: number; onTestFinished(fn: () => void): void },
): Promise<void> {
  o.onTestFinished(() => void parent.kill('SIGKILL'));
  let workers: number[] = [];
  for (let i = 0; i < 300 && workers.length < o.workers; i++) {
    await sleep(100);
    workers = childrenOf(parent.pid!, o.marker);
  }
  expect(workers).toHaveLength(o.workers);
  o.onTestFinished(() => workers.filter(alive).forEach((p) => process.kill(p, 'SIGKILL')));
  await sleep(o.settleMs);
  expect(workers.every(alive)).toBe(true);
  parent.kill('SIGKILL');
  for (let waited = 0; waited < o.endMs && workers.some(alive); waited += 100) await sleep(100);
  expect(workers.filter(alive)).toEqual([]);
}
