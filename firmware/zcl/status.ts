import { hex2 } from '../codec/hex.ts';

/** ZCL status codes the GB HAN devices use (spec section 4). */
export const ZclStatus = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  NOT_AUTHORIZED: 0x7e,
  MALFORMED_COMMAND: 0x80,
  UNSUP_CLUSTER_COMMAND: 0x81,
  UNSUP_GENERAL_COMMAND: 0x82,
  INVALID_FIELD: 0x85,
  UNSUPPORTED_ATTRIBUTE: 0x86,
  INVALID_VALUE: 0x87,
  READ_ONLY: 0x88,
  INVALID_DATA_TYPE: 0x8d,
  TIMEOUT: 0x94,
  HARDWARE_FAILURE: 0xc0,
  SOFTWARE_FAILURE: 0xc1,
} as const;

export type ZclStatusCode = (typeof ZclStatus)[keyof typeof ZclStatus];

export function statusName(code: number): string {
  for (const name in ZclStatus) if (ZclStatus[name as keyof typeof ZclStatus] === code) return name;
  return 'UNKNOWN(' + hex2(code) + ')';
}
