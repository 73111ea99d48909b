/**
 * The GPF's device log (docs/decisions.md "The GPF's device log"): like a comms hub, the GPF
 * serves and takes commands only from devices joined to it at commissioning, its `peers` (GSME,
 * PPMID, IHD). Prepayment commands only from the PPMID. The ConsumerTopUpResponse a GSME
 * answers a forwarded top-up with goes back to the device that sent the top-up, with that
 * device's sequence number (gpf.ts keeps both in the pending command until the answer).
 */
import type { Eui64 } from '../platform/index.ts';
import type { PrepaymentCommand } from '../zcl/index.ts';
import type { HanFrameEvent } from './han-events.ts';
import { CONSUMER_TOP_UP_RESPONSE } from './gsme-topup.ts';

const PREPAYMENT = 0x0705;
const TOP_UP: typeof PrepaymentCommand.ConsumerTopUp = 0x04;

export interface DeviceLog {
  gsme: Eui64;
  ppmid: Eui64 | null;
  ihd: Eui64 | null;
}

export function deviceLogOf(peers: { gsme: Eui64; ppmid?: Eui64; ihd?: Eui64 }): DeviceLog {
  return { gsme: peers.gsme, ppmid: peers.ppmid ?? null, ihd: peers.ihd ?? null };
}

export function isJoined(log: DeviceLog, src: Eui64): boolean {
  return src === log.gsme || (log.ppmid !== null && src === log.ppmid) || (log.ihd !== null && src === log.ihd);
}

export function isJoinedPpmid(log: DeviceLog, src: Eui64): boolean {
  return log.ppmid !== null && src === log.ppmid;
}

/** A frame that asks for an answer (a Default Response with an error status at least). */
export function expectsResponse(event: HanFrameEvent): boolean {
  const k = event.frame.command.kind;
  return event.frame.header.direction === 'toServer' && k !== 'defaultResponse' && k !== 'readAttributesResponse';
}

export function isTopUpResponseFromGsme(log: DeviceLog, event: HanFrameEvent): boolean {
  const h = event.frame.header;
  return (
    event.src === log.gsme &&
    event.clusterId === PREPAYMENT &&
    h.frameType === 'cluster' &&
    h.direction === 'toClient' &&
    h.manufacturerCode === undefined &&
    h.commandId === CONSUMER_TOP_UP_RESPONSE &&
    event.frame.command.kind === 'other'
  );
}

export function isTopUpCommand(commandId: number): boolean {
  return commandId === TOP_UP;
}
