import { ZclDataType as T } from '../types.ts';
import { defineAttributes } from './attribute.ts';

export const TIME_CLUSTER_ID = 0x000a;

export const Time = defineAttributes({
  Time: { id: 0x0000, type: T.utcTime },
  TimeStatus: { id: 0x0001, type: T.bitmap8 },
  TimeZone: { id: 0x0002, type: T.int32 },
  DstStart: { id: 0x0003, type: T.uint32 },
  DstEnd: { id: 0x0004, type: T.uint32 },
  DstShift: { id: 0x0005, type: T.int32 },
  StandardTime: { id: 0x0006, type: T.uint32 },
  LocalTime: { id: 0x0007, type: T.uint32 },
  LastSetTime: { id: 0x0008, type: T.utcTime },
  ValidUntilTime: { id: 0x0009, type: T.utcTime },
});

/** TimeStatus bits: a HAN device may take the time from a server that is master or synchronized. */
export const TimeStatusBit = {
  master: 0x01,
  synchronized: 0x02,
  masterZoneDst: 0x04,
  superseding: 0x08,
} as const;
