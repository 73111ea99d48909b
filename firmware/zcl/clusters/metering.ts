import { ZclDataType as T } from '../types.ts';
import { defineAttributes } from './attribute.ts';

export const METERING_CLUSTER_ID = 0x0702;

/** The Metering attributes of spec section 4 (a GSME's registers and the GPF's mirror). */
export const Metering = defineAttributes({
  CurrentSummationDelivered: { id: 0x0000, type: T.uint48 },
  /** SECMP0015: the GSME clock time at which the instantaneous values were taken. */
  ReadingSnapshotTime: { id: 0x0007, type: T.utcTime },
  SupplyStatus: { id: 0x0014, type: T.enum8 },
  CurrentTier1SummationDelivered: { id: 0x0100, type: T.uint48 },
  CurrentTier2SummationDelivered: { id: 0x0102, type: T.uint48 },
  CurrentTier3SummationDelivered: { id: 0x0104, type: T.uint48 },
  CurrentTier4SummationDelivered: { id: 0x0106, type: T.uint48 },
  Status: { id: 0x0200, type: T.bitmap8 },
  UnitOfMeasure: { id: 0x0300, type: T.enum8 },
  Multiplier: { id: 0x0301, type: T.uint24 },
  Divisor: { id: 0x0302, type: T.uint24 },
  MeteringDeviceType: { id: 0x0306, type: T.bitmap8 },
  /** The MPRN. */
  SiteID: { id: 0x0307, type: T.octetString },
  CurrentNoTierBlock1SummationDelivered: { id: 0x0700, type: T.uint48 },
  CurrentNoTierBlock2SummationDelivered: { id: 0x0701, type: T.uint48 },
  CurrentNoTierBlock3SummationDelivered: { id: 0x0702, type: T.uint48 },
  CurrentNoTierBlock4SummationDelivered: { id: 0x0703, type: T.uint48 },
  BillToDateDelivered: { id: 0x0a00, type: T.uint32 },
  AttributeReportingStatus: { id: 0xfffe, type: T.enum8 },
});

export const SupplyStatus = { off: 0, armed: 1, on: 2 } as const;

/** Status bits of a gas meter. */
export const MeteringStatusBit = {
  checkMeter: 0x01,
  lowBattery: 0x02,
  tamperDetect: 0x04,
  pipeEmpty: 0x08,
  lowPressure: 0x10,
  leakDetect: 0x20,
  serviceDisconnect: 0x40,
  reverseFlow: 0x80,
} as const;

export const UnitOfMeasure = { kWh: 0, m3: 1 } as const;

export const MeteringDeviceType = { gas: 0x01, mirroredGas: 0x80 } as const;

/** Sent last in a report burst: `complete` tells the mirror the set of values is whole. */
export const AttributeReportingStatus = { pending: 0, complete: 1 } as const;
