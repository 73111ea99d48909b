import { defineAttributes } from './attribute.ts';

export const BASIC_CLUSTER_ID = 0x0000;

export const Basic = /* @__PURE__ */ defineAttributes({
  ZCLVersion: [0x0000, 'uint8'],
  ApplicationVersion: [0x0001, 'uint8'],
  StackVersion: [0x0002, 'uint8'],
  HWVersion: [0x0003, 'uint8'],
  ManufacturerName: [0x0004, 'charString'],
  ModelIdentifier: [0x0005, 'charString'],
  DateCode: [0x0006, 'charString'],
  PowerSource: [0x0007, 'enum8'],
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
