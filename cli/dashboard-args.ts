/**
 * The dashboard's options, checked before anything starts (and without loading the server: a
 * plain `hanlab sim` does not pay for fastify): the port with zod, the display profile.
 */
import { z } from 'zod';
import { DISPLAY_PROFILES } from '../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../firmware/display/render/layout.ts';
import { UsageError } from './usage.ts';

const portText = z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().max(65535));

/** `--port N`: 0…65535, 0 (the default) a free port chosen by the system. */
export function parsePort(flag: string, value: string | undefined): number {
  if (value === undefined) return 0;
  const p = portText.safeParse(value);
  if (!p.success) throw new UsageError(`${flag}: expected a port number 0…65535 (0: any free port), found ${JSON.stringify(value)}`, { seeHelp: true });
  return p.data;
}

/** `--profile NAME`: the PPMID display drawn (default mono128x64). */
export function parseProfile(name: string | undefined): DisplayProfile {
  const p = name ?? 'mono128x64';
  if (!Object.hasOwn(DISPLAY_PROFILES, p)) throw new UsageError(`--profile: expected ${Object.keys(DISPLAY_PROFILES).join(' or ')}, found "${p}"`);
  return p as DisplayProfile;
}
