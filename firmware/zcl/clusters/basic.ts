import { ZclDataType as T } from '../types.ts';
import { defineAttributes } from './attribute.ts';

export const BASIC_CLUSTER_ID = 0x0000;

export const Basic = defineAttributes({
  ZCLVersion: { id: 0x0000, type: T.uint8 },
  ApplicationVersion: { id: 0x0001, type: T.uint8 },
  StackVersion: { id: 0x0002, type: T.uint8 },
  HWVersion: { id: 0x0003, type: T.uint8 },
  ManufacturerName: { id: 0x0004, type: T.charString },
  ModelIdentifier: { id: 0x0005, type: T.charString },
  DateCode: { id: 0x0006, type: T.charString },
  PowerSource: { id: 0x0007, type: T.enum8 },
});

/** PowerSource values (ZCL 3.2.2.2.8); bit 7 set means a battery backup as well. */
export const PowerSource = {
  unknown: 0x00,
  mainsSinglePhase: 0x01,
  mainsThreePhase: 0x02,
  battery: 0x03,
  dcSource: 0x04,
  emergencyMainsConstant: 0x05,
  emergencyMainsTransfer: 0x06,
} as const;
