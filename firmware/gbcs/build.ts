import type { DlmsDateTime } from '../dlms/date-time.ts';
import { encodeGbcsMessageWithLayout } from './message.ts';
import type { CraFlag, GbcsMessage, GbzComponent, GroupingHeader } from './types.ts';
import { CRA_RESPONSE, SECURITY_CONTROL_AUTHENTICATED } from './types.ts';

/**
 * Building messages to send (the GPF's responses, the simulated DCC's commands). A built message
 * has no MAC (mac null) unless one is given: the crypto layer encodes it with
 * encodeGbcsMessageWithLayout, computes the MAC over gbcsAuthenticatedBytes and sets it with
 * withGbcsMac. Encrypted components arrive here already sealed (ciphertext and tag).
 */
export interface GroupingHeaderInput {
  craFlag: CraFlag;
  originatorCounter: bigint;
  originatorSystemTitle: Uint8Array;
  recipientSystemTitle: Uint8Array;
  /** null: no date-time (commands, legacy GCS60 responses). */
  dateTime: DlmsDateTime | null;
  messageCode: number;
  supplementary?: Uint8Array;
}

export interface GbcsMessageInput extends GroupingHeaderInput {
  components: GbzComponent[];
  signature?: Uint8Array;
  mac?: Uint8Array | null;
  invocationCounter?: number;
}

export function buildGroupingHeader(input: GroupingHeaderInput): GroupingHeader {
  return {
    craFlag: input.craFlag,
    originatorCounter: input.originatorCounter,
    originatorSystemTitle: input.originatorSystemTitle.slice(),
    recipientSystemTitle: input.recipientSystemTitle.slice(),
    dateTime: input.dateTime === null ? null : { ...input.dateTime, clockStatus: input.dateTime.clockStatus === null ? null : { ...input.dateTime.clockStatus } },
    messageCode: input.messageCode,
    supplementary: input.supplementary?.slice() ?? new Uint8Array(0),
  };
}

/** A message ready to encode; EncodeError (naming the field) when it could not be encoded. */
export function buildGbcsMessage(input: GbcsMessageInput): GbcsMessage {
  const msg: GbcsMessage = {
    securityHeader: { securityControl: SECURITY_CONTROL_AUTHENTICATED, invocationCounter: input.invocationCounter ?? 0 },
    groupingHeader: buildGroupingHeader(input),
    payload: { components: input.components },
    signature: input.signature?.slice() ?? new Uint8Array(0),
    mac: input.mac?.slice() ?? null,
  };
  encodeGbcsMessageWithLayout(msg); // validates every field once, here, rather than at send time
  return msg;
}

/**
 * The grouping header of the response to a command, as RTDS pairs them: CRA flag 2, the
 * command's originator counter and message code, the system titles swapped, and the date-time
 * the responder chose (null for legacy GCS60).
 */
export function responseGroupingHeader(command: GroupingHeader, dateTime: DlmsDateTime | null): GroupingHeader {
  return buildGroupingHeader({
    craFlag: CRA_RESPONSE,
    originatorCounter: command.originatorCounter,
    originatorSystemTitle: command.recipientSystemTitle,
    recipientSystemTitle: command.originatorSystemTitle,
    dateTime,
    messageCode: command.messageCode,
  });
}
