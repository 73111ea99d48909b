import { defineAttributes } from './attribute.ts';

export const METERING_CLUSTER_ID = 0x0702;

/** The Metering attributes of spec section 4 (a GSME's registers and the GPF's mirror). */
export const Metering = /* @__PURE__ */ defineAttributes({
  CurrentSummationDelivered: [0x0000, 'uint48'],
  /** SECMP0015: the GSME clock time at which the instantaneous values were taken. */
  ReadingSnapshotTime: [0x0007, 'utcTime'],
  SupplyStatus: [0x0014, 'enum8'],
  CurrentTier1SummationDelivered: [0x0100, 'uint48'],
  CurrentTier2SummationDelivered: [0x0102, 'uint48'],
  CurrentTier3SummationDelivered: [0x0104, 'uint48'],
  CurrentTier4SummationDelivered: [0x0106, 'uint48'],
  Status: [0x0200, 'bitmap8'],
  UnitOfMeasure: [0x0300, 'enum8'],
  Multiplier: [0x0301, 'uint24'],
  Divisor: [0x0302, 'uint24'],
  MeteringDeviceType: [0x0306, 'bitmap8'],
  /** The MPRN. */
  SiteID: [0x0307, 'octetString'],
  CurrentNoTierBlock1SummationDelivered: [0x0700, 'uint48'],
  CurrentNoTierBlock2SummationDelivered: [0x0701, 'uint48'],
  CurrentNoTierBlock3SummationDelivered: [0x0702, 'uint48'],
  CurrentNoTierBlock4SummationDelivered: [0x0703, 'uint48'],
  BillToDateDelivered: [0x0a00, 'uint32'],
  AttributeReportingStatus: [0xfffe, 'enum8'],
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
