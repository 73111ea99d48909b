/**
 * vitest's globalSetup: the whole run's temporary files under one folder of its own, removed when
 * the run ends. Test files (and the brokers, boards and databases they start) make folders with
 * mkdtemp(os.tmpdir()) and not all of them remove theirs; a machine that runs the suite all day
 * gathered hundreds in /tmp. TMPDIR is set before vitest starts its workers, which inherit it, as
 * do the processes they start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'hanlab-test-'));
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    rmSync(root, { recursive: true, force: true });
  };
}
