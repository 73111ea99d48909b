import { defineAttributes } from './attribute.ts';

export const TIME_CLUSTER_ID = 0x000a;

export const Time = /* @__PURE__ */ defineAttributes({
  Time: [0x0000, 'utcTime'],
  TimeStatus: [0x0001, 'bitmap8'],
  TimeZone: [0x0002, 'int32'],
  DstStart: [0x0003, 'uint32'],
  DstEnd: [0x0004, 'uint32'],
  DstShift: [0x0005, 'int32'],
  StandardTime: [0x0006, 'uint32'],
  LocalTime: [0x0007, 'uint32'],
  LastSetTime: [0x0008, 'utcTime'],
  ValidUntilTime: [0x0009, 'utcTime'],
});

/** TimeStatus bits: a HAN device may take the time from a server that is master or synchronized. */
export const TimeStatusBit = {
  master: 0x01,
  synchronized: 0x02,
  masterZoneDst: 0x04,
  superseding: 0x08,
} as const;
