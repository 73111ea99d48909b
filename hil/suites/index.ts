import type { DeviceKind } from '../../firmware/runtime/app.ts';
import type { HilSuite } from '../types.ts';
import { gpfConformance } from './gpf-conformance.ts';
import { gsmeConformance } from './gsme-conformance.ts';
import { ppmidConformance } from './ppmid-conformance.ts';

export const SUITES: Readonly<Record<string, HilSuite>> = Object.freeze({
  'ppmid-conformance': ppmidConformance,
  'gpf-conformance': gpfConformance,
  'gsme-conformance': gsmeConformance,
});

/** The suite run when --suite is not given. */
export function defaultSuite(device: DeviceKind): HilSuite {
  return SUITES[`${device}-conformance`]!;
}
