/**
 * Output paths checked before a run starts, so a run is never lost to a folder it cannot write
 * into after hours of work: the directory is made (parents too) and a file is really created in
 * it and removed. access(W_OK) is not enough: it says yes to root for any directory, /proc
 * included, where every file create then fails.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './usage.ts';

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * Makes `dir` one level at a time rather than with mkdirSync's `recursive`: on Node 20 that
 * loops forever under /proc, where mkdir answers ENOENT for a parent that exists.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      statSync(d);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw err;
      missing.unshift(d);
    }
  }
  for (const d of missing) mkdirSync(d);
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
}

/** Creates and removes a file in `dir`: the only test of writing that root cannot pass by privilege. */
function probeWrite(dir: string): void {
  const probe = join(dir, `.hanlab-write-test-${process.pid}`);
  closeSync(openSync(probe, 'wx'));
  rmSync(probe, { force: true });
}

/** `dir` (for `flag`) made if missing and writable, else a UsageError: `--screenshots: cannot write to directory "DIR" (EACCES)`. */
export function checkWritableDirectory(flag: string, dir: string): void {
  try {
    makeDirectory(dir);
    probeWrite(dir);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write to directory "${dir}" (${errorCode(err)})`);
  }
}

/**
 * A file `flag` will write at the end of a run: its directory is made (parents too) if missing,
 * as for --screenshots, and must take a new file; FILE must not be a directory.
 */
export function checkWritableFile(flag: string, file: string): void {
  const dir = dirname(file) || '.';
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    // Not there yet: the usual case.
  }
  if (isDirectory || basename(file) === '') throw new UsageError(`${flag}: expected a file name, found the directory "${file}"`);
  try {
    makeDirectory(dir);
    probeWrite(dir);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write a file in directory "${dir}" (${errorCode(err)})`);
  }
}
