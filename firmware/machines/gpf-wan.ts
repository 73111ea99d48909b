import type { GbcsUseCaseName } from '../gbcs/use-cases.ts';
import { useCaseByName } from '../gbcs/use-cases.ts';
import type { ClockReliability } from '../gbcs/time-status.ts';
import { TimeStatusBit, utcTimeFromUnixMs } from '../zcl/index.ts';
import type { ReadAttributeRecord } from '../zcl/index.ts';
import type { Firmware } from './gsme-config.ts';
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

/**
 * The time status of the GPF's own clock, from its ZCL TimeStatus (0x000A/0x0001, what it serves
 * to HAN devices): master or synchronised → RELIABLE; neither → UNRELIABLE; a clock that holds no
 * valid time (before 2000, not representable as UTCTime) → INVALID (docs/decisions.md "GPF time
 * status in remote responses").
 */
export function ownClockReliability(timeStatus: number, chNowMs: number): ClockReliability {
  if (utcTimeFromUnixMs(chNowMs) === null) return 'INVALID';
  return (timeStatus & (TimeStatusBit.master | TimeStatusBit.synchronized)) !== 0 ? 'RELIABLE' : 'UNRELIABLE';
}

/**
 * What the GPF puts in the time status for a GSME time it judges UNRELIABLE: 0x06 (bit 2 from the
 * GSME, bit 1 doubtful: the bits as SECMP0015 defines them, hanlab's default) or 0x02 (bit 2
 * clear, the byte of every RTDS 4.5.0 UNRELIABLE vector) for a Parse & Correlate that expects
 * RTDS's byte. docs/decisions.md "Unreliable GSME time: 0x06, or 0x02 as an option".
 */
export type UnreliableGsmeTimeStatus = 0x06 | 0x02;

/** How the GPF stamps its remote responses (from GpfConfig). */
export interface WanTimeOptions {
  /** GSME time counts as RELIABLE within this of its arrival (gsmeTimeReliability). */
  toleranceMs: number;
  /** The GPF's Time cluster TimeStatus: the reliability of its own clock. */
  timeStatus: number;
  unreliableGsmeTimeStatus: UnreliableGsmeTimeStatus;
}

export function wanDateTime(useCase: WanUseCase, mirror: GpfMirror, provenance: SnapshotProvenance, chNowMs: number, options: WanTimeOptions): WanDateTime | null {
  if (!useCaseByName(useCase).responseHasDateTime) return null;
  const snap = snapshotTimeMs(mirror);
  if (snap === null) return { unixMs: chNowMs, isFromGsme: false, clockStatus: ownClockReliability(options.timeStatus, chNowMs) };
  const clockStatus = gsmeTimeReliability(snap, provenance.skewAtReceiptMs, chNowMs, options.toleranceMs);
  return { unixMs: snap, isFromGsme: clockStatus !== 'UNRELIABLE' || options.unreliableGsmeTimeStatus !== 0x02, clockStatus };
}

/**
 * Whether a GPF of this firmware serves the use case: GCS60a (0x012A) exists only on SECMP0015
 * devices; a legacy GPF serves GCS60 for Read Meter Balance (spec section 2, Parse & Correlate).
 */
export function servesUseCase(firmware: Firmware, useCase: WanUseCase): boolean {
  return firmware === 'secmp0015' || useCase !== 'GCS60a';
}

export function buildWanResponse(
  request: WanRequestEvent,
  mirror: GpfMirror,
  provenance: SnapshotProvenance,
  chNowMs: number,
  options: WanTimeOptions,
): WanRespondEmitted {
  const useCase = useCaseByName(request.useCase);
  return {
    type: 'wan.respond',
    requestId: request.requestId,
    useCase: request.useCase,
    attributes: useCase.reads.map((read) => ({ clusterId: read.clusterId, records: readFromMirror(mirror, read.clusterId, read.attributes) })),
    dateTime: wanDateTime(request.useCase, mirror, provenance, chNowMs, options),
  };
}
