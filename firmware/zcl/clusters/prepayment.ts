import { defineAttributes } from './attribute.ts';

export const PREPAYMENT_CLUSTER_ID = 0x0705;

/**
 * Money values are in currency units scaled by Price.PriceTrailingDigit. IHDLowCreditWarning is
 * not typed in the spec; uint32 as ZSE's IHDLowCreditWarningLevel.
 */
export const Prepayment = /* @__PURE__ */ defineAttributes({
  PaymentControlConfiguration: [0x0000, 'bitmap16'],
  CreditRemaining: [0x0001, 'int32'],
  EmergencyCreditRemaining: [0x0002, 'int32'],
  CreditStatus: [0x0003, 'bitmap8'],
  AccumulatedDebt: [0x0005, 'int32'],
  EmergencyCreditLimit: [0x0010, 'uint32'],
  IHDLowCreditWarning: [0x0032, 'uint32'],
  DebtAmount1: [0x0211, 'uint32'],
  DebtAmount2: [0x0221, 'uint32'],
  DebtAmount3: [0x0231, 'uint32'],
});

export const CreditStatusBit = {
  creditOk: 0x01,
  lowCredit: 0x02,
  emergencyCreditEnabled: 0x04,
  emergencyCreditAvailable: 0x08,
  emergencyCreditSelected: 0x10,
  emergencyCreditInUse: 0x20,
  creditExhausted: 0x40,
} as const;

/** Cluster-specific commands a PPMID sends towards the meter (client → server). */
export const PrepaymentCommand = {
  SelectAvailableEmergencyCredit: 0x00,
  ConsumerTopUp: 0x04,
} as const;

/** Server-generated (GSME → client) Prepayment commands hanlab uses. */
export const PrepaymentServerCommand = {
  ConsumerTopUpResponse: 0x03,
} as const;
