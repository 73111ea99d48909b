import { Metering, METERING_CLUSTER_ID, UTC_TIME_INVALID, ZclDataType, ZclStatus, utcTimeToUnixMs } from '../zcl/index.ts';
import type { AttributeReport, ReadAttributeRecord, ZclDataTypeId, ZclValue } from '../zcl/index.ts';
import type { Firmware } from './gsme-config.ts';

/** One mirrored attribute as the GSME reported it. */
export interface MirrorEntry {
  type: ZclDataTypeId;
  value: ZclValue;
}

/**
 * The GPF's copy of the GSME: clusterId → attributeId → { type, value }. Plain objects (keys are
 * decimal strings at run time) so it serialises and a table interpreter can hold it.
 */
export type GpfMirror = Record<number, Record<number, MirrorEntry>>;

/** What a new GPF answers for ReadingSnapshotTime before the GSME has sent one. */
export type UnpopulatedSnapshotTime = 'invalid' | 'unsupported';

const SNAPSHOT_TIME = Metering.ReadingSnapshotTime.id;
const REPORTING_STATUS = Metering.AttributeReportingStatus.id;

/** A new GPF starts with ReadingSnapshotTime = 0xFFFFFFFF; a legacy GPF has no such attribute. */
export function emptyMirror(firmware: Firmware): GpfMirror {
  if (firmware !== 'secmp0015') return {};
  return { [METERING_CLUSTER_ID]: { [SNAPSHOT_TIME]: { type: ZclDataType.utcTime, value: UTC_TIME_INVALID } } };
}

export function mirrorEntry(mirror: GpfMirror, clusterId: number, attributeId: number): MirrorEntry | undefined {
  return mirror[clusterId]?.[attributeId];
}

export function mirrorNumber(mirror: GpfMirror, clusterId: number, attributeId: number): number | null {
  const v = mirrorEntry(mirror, clusterId, attributeId)?.value;
  return typeof v === 'number' ? v : null;
}

/** The mirror's ReadingSnapshotTime in Unix ms, or null while invalid / absent. */
export function snapshotTimeMs(mirror: GpfMirror): number | null {
  const v = mirrorNumber(mirror, METERING_CLUSTER_ID, SNAPSHOT_TIME);
  return v === null ? null : utcTimeToUnixMs(v);
}

/**
 * Adds one Report Attributes frame of a burst to the staged set. A legacy GPF drops
 * ReadingSnapshotTime; AttributeReportingStatus only marks the end of the burst.
 */
export function stageReports(staged: GpfMirror, clusterId: number, reports: readonly AttributeReport[], firmware: Firmware): GpfMirror {
  const cluster = { ...(staged[clusterId] ?? {}) };
  let values = 0;
  for (const r of reports) {
    if (r.attributeId === REPORTING_STATUS) continue;
    if (clusterId === METERING_CLUSTER_ID && r.attributeId === SNAPSHOT_TIME && firmware !== 'secmp0015') continue;
    cluster[r.attributeId] = { type: r.type, value: r.value };
    values++;
  }
  // A frame with nothing but the end marker stages no cluster: it is not the cluster's report.
  if (values === 0) return staged;
  return { ...staged, [clusterId]: cluster };
}

/**
 * The clusters a new GPF still misses before it applies a burst (docs/decisions.md "Atomic
 * mirror updates"): Metering always (the values with their ReadingSnapshotTime), and every other
 * cluster its mirror holds, i.e. every cluster this GSME has reported before (Price, and
 * Prepayment in prepayment mode). Empty: the burst is complete.
 */
export function missingClusters(mirror: GpfMirror, staged: GpfMirror): number[] {
  const missing: number[] = [];
  if (staged[METERING_CLUSTER_ID] === undefined) missing.push(METERING_CLUSTER_ID);
  for (const key of Object.keys(mirror)) {
    const clusterId = Number(key);
    if (clusterId !== METERING_CLUSTER_ID && staged[clusterId] === undefined) missing.push(clusterId);
  }
  return missing;
}

/**
 * Applies a complete burst to the mirror. hanlab reading: on a new GPF, a burst whose Metering
 * report has no ReadingSnapshotTime sets it back to 0xFFFFFFFF, so the mirror never pairs new
 * values with an older time (a GSME "always or never" sends it, so this only matters after a meter
 * exchange). A burst without a Metering report (only a legacy GPF applies one) leaves it alone.
 */
export function commitStaged(mirror: GpfMirror, staged: GpfMirror, firmware: Firmware): GpfMirror {
  const next: GpfMirror = { ...mirror };
  for (const key of Object.keys(staged)) {
    const clusterId = Number(key);
    next[clusterId] = { ...(mirror[clusterId] ?? {}), ...(staged[clusterId] ?? {}) };
  }
  if (firmware === 'secmp0015' && staged[METERING_CLUSTER_ID] !== undefined && mirrorEntry(staged, METERING_CLUSTER_ID, SNAPSHOT_TIME) === undefined) {
    next[METERING_CLUSTER_ID] = { ...(next[METERING_CLUSTER_ID] ?? {}), [SNAPSHOT_TIME]: { type: ZclDataType.utcTime, value: UTC_TIME_INVALID } };
  }
  return next;
}

/**
 * Read Attributes records from the mirror: the stored value, else UNSUPPORTED_ATTRIBUTE. A legacy
 * GPF never holds 0x0007, so reading it gets 0x86; a new GPF answers 0xFFFFFFFF until populated,
 * or 0x86 with `unpopulatedSnapshotTime: 'unsupported'` (the FIA alternative).
 */
export function readFromMirror(mirror: GpfMirror, clusterId: number, attributeIds: readonly number[], unpopulated: UnpopulatedSnapshotTime = 'invalid'): ReadAttributeRecord[] {
  return attributeIds.map((attributeId): ReadAttributeRecord => {
    const entry = mirrorEntry(mirror, clusterId, attributeId);
    if (!entry) return { attributeId, status: ZclStatus.UNSUPPORTED_ATTRIBUTE };
    if (clusterId === METERING_CLUSTER_ID && attributeId === SNAPSHOT_TIME && entry.value === UTC_TIME_INVALID && unpopulated === 'unsupported') {
      return { attributeId, status: ZclStatus.UNSUPPORTED_ATTRIBUTE };
    }
    return { attributeId, status: 0, type: entry.type, value: entry.value };
  });
}
