/** Small readers for the ZCL frames the suites look at. */
import type { ZclFrame } from '../../firmware/zcl/index.ts';

/** A Read Attributes Response record: its value, or `{ status }` when the read failed. */
export function readRecord(f: ZclFrame, attributeId: number): { value: number | string | Uint8Array } | { status: number } | undefined {
  if (f.command.kind !== 'readAttributesResponse') return undefined;
  const r = f.command.records.find((x) => x.attributeId === attributeId);
  if (!r) return undefined;
  return 'value' in r ? { value: r.value } : { status: r.status };
}

/** A reported attribute's value in a Report Attributes frame. */
export function reported(f: ZclFrame, attributeId: number): number | string | Uint8Array | undefined {
  if (f.command.kind !== 'reportAttributes') return undefined;
  return f.command.reports.find((r) => r.attributeId === attributeId)?.value;
}

export const UTC_2000_MS = 946_684_800_000;
export const utcToMs = (v: unknown): number | null => (typeof v === 'number' && v !== 0xffffffff ? v * 1000 + UTC_2000_MS : null);
