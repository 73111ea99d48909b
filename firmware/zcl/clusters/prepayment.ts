import { ZclDataType as T } from '../types.ts';
import { defineAttributes } from './attribute.ts';

export const PREPAYMENT_CLUSTER_ID = 0x0705;

/**
 * Money values are in currency units scaled by Price.PriceTrailingDigit. IHDLowCreditWarning is
 * not typed in the spec; uint32 as ZSE's IHDLowCreditWarningLevel.
 */
export const Prepayment = defineAttributes({
  PaymentControlConfiguration: { id: 0x0000, type: T.bitmap16 },
  CreditRemaining: { id: 0x0001, type: T.int32 },
  EmergencyCreditRemaining: { id: 0x0002, type: T.int32 },
  CreditStatus: { id: 0x0003, type: T.bitmap8 },
  AccumulatedDebt: { id: 0x0005, type: T.int32 },
  EmergencyCreditLimit: { id: 0x0010, type: T.uint32 },
  IHDLowCreditWarning: { id: 0x0032, type: T.uint32 },
  DebtAmount1: { id: 0x0211, type: T.uint32 },
  DebtAmount2: { id: 0x0221, type: T.uint32 },
  DebtAmount3: { id: 0x0231, type: T.uint32 },
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
