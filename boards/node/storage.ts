/**
 * The node board's Storage: one file per key in a directory, as an Espruino board keeps small
 * values in flash. Keys are encoded so any key is one safe file name.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from '../../firmware/platform/index.ts';

export function fileStorage(dir: string): Storage {
  const file = (key: string) => join(dir, encodeURIComponent(key) || '%00');
  return {
    read(key) {
      const f = file(key);
      return existsSync(f) ? readFileSync(f, 'utf8') : null;
    },
    write(key, value) {
      mkdirSync(dir, { recursive: true });
      // Written aside, then renamed: a power cut leaves the old value or the new, never half.
      const f = file(key);
      writeFileSync(`${f}.new`, value);
      renameSync(`${f}.new`, f);
    },
  };
}
