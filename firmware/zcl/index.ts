export { ZclDataType, MAX_ZCL_STRING_LENGTH, dataTypeName, isKnownDataType, encodeZclValue, decodeZclValue } from './types.ts';
export type { ZclDataTypeId, ZclValue } from './types.ts';
export { ZclStatus, statusName } from './status.ts';
export type { ZclStatusCode } from './status.ts';
export { UTC_TIME_INVALID, ZCL_EPOCH_UNIX_SECONDS, utcTimeToDate, dateToUtcTime, utcTimeFromUnixMs, utcTimeToUnixMs } from './utc-time.ts';
export {
  ZclGeneralCommand,
  encodeZclFrame,
  encodeZclUntypedFrame,
  decodeZclFrame,
  encodeZclHeader,
  decodeZclHeader,
  encodeZclPayload,
  encodeZclUntypedPayload,
  decodeZclPayload,
} from './frame.ts';
export type { ZclFrameType, ZclDirection, ZclHeader, ReadAttributeRecord, AttributeReport, ZclCommand, ZclFrame } from './frame.ts';
export * from './clusters/index.ts';
