import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where the read-only shared data lives. CI checks the repository out beside `shared/`, so
 * `../shared` from the repository root is the default; `HANLAB_SHARED` points elsewhere (a clone
 * under /tmp, say) without copying the vectors into the repository.
 */
function sharedRoot(): URL {
  const fromEnv = process.env['HANLAB_SHARED'];
  const candidates = [
    ...(fromEnv ? [pathToFileURL(fromEnv.endsWith('/') ? fromEnv : `${fromEnv}/`)] : []),
    new URL('../../shared/', import.meta.url),
    new URL('file:///work/shared/'),
  ];
  for (const candidate of candidates) {
    if (existsSync(new URL('vectors/rtds-4.5.0/', candidate))) return candidate;
  }
  throw new Error(
    `RTDS 4.5.0 vectors not found: looked in ${candidates.map((c) => fileURLToPath(c)).join(', ')}; set HANLAB_SHARED to the folder holding vectors/`,
  );
}

/** The RTDS 4.5.0 reference vectors folder (ends with '/'). */
export const RTDS_VECTORS = new URL('vectors/rtds-4.5.0/', sharedRoot());
