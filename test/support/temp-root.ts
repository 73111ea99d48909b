/**
 * vitest's globalSetup: the whole run's temporary files under one folder of its own, removed when
 * the run ends. Test files (and the brokers, boards and databases they start) make folders with
 * mkdtemp(os.tmpdir()) and not all of them remove theirs; a machine that runs the suite all day
 * gathered hundreds in /tmp. TMPDIR is set before vitest starts its workers, which inherit it, as
 * do the processes they start.
 *
 * Each project runs the global setup of the config it extends: the first makes the folder, the
 * others find it (HANLAB_TEST_TMP) and leave it. The folder may be entered by other users (0711,
 * not listed): the PostgreSQL the DCC tests start as root runs as `postgres` in a folder of its own
 * inside it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  if (process.env['HANLAB_TEST_TMP'] !== undefined) return () => {};
  const root = mkdtempSync(join(tmpdir(), 'hanlab-test-'));
  chmodSync(root, 0o711);
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  process.env['HANLAB_TEST_TMP'] = root;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    delete process.env['HANLAB_TEST_TMP'];
    rmSync(root, { recursive: true, force: true });
  };
}
