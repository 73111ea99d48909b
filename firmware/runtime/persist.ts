/**
 * The runtime's side of a device's non-volatile record (firmware/machines/persist-record.ts):
 * the storage key of each device kind, and the input a start reads back. Machines emit
 * `{ type: 'persist', record }`; device-core.ts writes it here; a board or the simulator's
 * restart reads it into `input.restored` before the machine starts.
 */
import type { Storage } from '../platform/index.ts';

/** One key per device kind (Espruino keeps it as 'hl.' + key: within its 28 characters). */
export function persistKey(kind: string): string {
  return kind + '.nv';
}

/** `input` with what `storage` holds for `kind` as `restored` (unchanged without storage). */
export function withRestored(input: Record<string, unknown>, storage: Storage | undefined, kind: string): Record<string, unknown> {
  if (!storage) return input;
  const out: Record<string, unknown> = {};
  for (const k in input) out[k] = input[k];
  out['restored'] = storage.read(persistKey(kind));
  return out;
}
