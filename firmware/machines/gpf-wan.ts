import type { GbcsUseCaseName } from '../gbcs/use-cases.ts';
import { useCaseByName } from '../gbcs/use-cases.ts';
import type { ClockReliability } from '../gbcs/time-status.ts';
import type { ReadAttributeRecord } from '../zcl/index.ts';
import { readFromMirror, snapshotTimeMs } from './gpf-mirror.ts';
import type { GpfMirror } from './gpf-mirror.ts';

export type WanUseCase = GbcsUseCaseName;

/** A remote request the runtime has decoded (GBCS command from the WAN stand-in). */
export interface WanRequestEvent {
  type: 'WAN_REQUEST';
  requestId: string;
  useCase: WanUseCase;
}

/** The grouping-header date-time of the response; the runtime turns it into GBCS bytes. */
export interface WanDateTime {
  unixMs: number;
  /** Time status bit 2: from the GSME's ReadingSnapshotTime (true) or the GPF's own clock. */
  isFromGsme: boolean;
  clockStatus: ClockReliability;
}

export interface WanClusterRead {
  clusterId: number;
  records: ReadAttributeRecord[];
}

export interface WanRespondEmitted {
  type: 'wan.respond';
  requestId: string;
  useCase: WanUseCase;
  /** One entry per GBZ component, in the command's order; missing attributes UNSUPPORTED_ATTRIBUTE. */
  attributes: WanClusterRead[];
  /** Null for GCS60 (its response carries no date-time). */
  dateTime: WanDateTime | null;
}

export interface SnapshotProvenance {
  /** CH clock when the burst carrying the snapshot was committed, minus the snapshot time. */
  skewAtReceiptMs: number | null;
}

/**
 * hanlab reading of "the GSME time is UNRELIABLE when the GSME clock is": ZCL gives the GPF no
 * flag for the GSME clock's health, but the GPF knows when each report arrived by its own
 * (DCC-synchronised) clock. A snapshot taken more than `toleranceMs` before or after its arrival
 * (or one now in the future beyond the tolerance) came from a clock that is off: UNRELIABLE. An
 * old but consistent snapshot stays RELIABLE: its age is visible from the time itself.
 */
export function gsmeTimeReliability(snapshotMs: number, skewAtReceiptMs: number | null, chNowMs: number, toleranceMs: number): ClockReliability {
  if (skewAtReceiptMs === null || Math.abs(skewAtReceiptMs) > toleranceMs) return 'UNRELIABLE';
  if (snapshotMs - chNowMs > toleranceMs) return 'UNRELIABLE';
  return 'RELIABLE';
}

export function wanDateTime(useCase: WanUseCase, mirror: GpfMirror, provenance: SnapshotProvenance, chNowMs: number, toleranceMs: number): WanDateTime | null {
  if (!useCaseByName(useCase).responseHasDateTime) return null;
  const snap = snapshotTimeMs(mirror);
  if (snap === null) return { unixMs: chNowMs, isFromGsme: false, clockStatus: 'RELIABLE' };
  return { unixMs: snap, isFromGsme: true, clockStatus: gsmeTimeReliability(snap, provenance.skewAtReceiptMs, chNowMs, toleranceMs) };
}

export function buildWanResponse(
  request: WanRequestEvent,
  mirror: GpfMirror,
  provenance: SnapshotProvenance,
  chNowMs: number,
  toleranceMs: number,
): WanRespondEmitted {
  const useCase = useCaseByName(request.useCase);
  return {
    type: 'wan.respond',
    requestId: request.requestId,
    useCase: request.useCase,
    attributes: useCase.reads.map((read) => ({ clusterId: read.clusterId, records: readFromMirror(mirror, read.clusterId, read.attributes) })),
    dateTime: wanDateTime(request.useCase, mirror, provenance, chNowMs, toleranceMs),
  };
}
