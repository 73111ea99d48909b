import { ByteWriter } from '../codec/bytes.ts';
import { dlmsDateTimeFromDate } from '../dlms/date-time.ts';
import type { DlmsDateTime } from '../dlms/date-time.ts';
import { ZclGeneralCommand, encodeZclFrame, encodeZclPayload } from '../zcl/index.ts';
import type { ReadAttributeRecord, ZclFrame, ZclHeader } from '../zcl/index.ts';
import { buildGbcsMessage, responseGroupingHeader } from './build.ts';
import { encodeGbcsMessageWithLayout } from './message.ts';
import { encryptComponent, sealWrapperMac } from './security.ts';
import type { GbcsCrypto, MacKeyOptions } from './security.ts';
import { clockStatusFromTimeStatus } from './time-status.ts';
import type { TimeStatus } from './time-status.ts';
import type { DecodedGbcsMessage, GbzComponent } from './types.ts';
import { useCaseByMessageCode } from './use-cases.ts';

/** What the GPF answers, component by component, in the order the command asked. */
export interface UseCaseAnswer {
  /** One record list per command component. */
  reads: { clusterId: number; records: ReadAttributeRecord[] }[];
  /** The grouping-header date-time and its time status; null: none (GCS60). */
  dateTime: ({ unixMs: number } & TimeStatus) | null;
}

/**
 * Builds the GBCS response to a decoded use-case command: the grouping header mirrored from the
 * command (same counter and message code, system titles swapped), the date-time with the
 * SECMP0015 time status in its clock_status octet, one Read Attributes Response per command
 * component (encrypted where the use case is), and the wrapper MAC. Null when the key store cannot
 * agree the keys (the GPF then cannot answer at all, as a real one without its keys).
 */
export async function buildUseCaseResponse(
  command: DecodedGbcsMessage,
  answer: UseCaseAnswer,
  crypto: GbcsCrypto,
  macOptions: MacKeyOptions = {},
): Promise<Uint8Array | null> {
  const useCase = useCaseByMessageCode(command.groupingHeader.messageCode)!;
  const dateTime: DlmsDateTime | null =
    answer.dateTime === null || !useCase.responseHasDateTime
      ? null
      : dlmsDateTimeFromDate(new Date(answer.dateTime.unixMs), { clockStatus: clockStatusFromTimeStatus(answer.dateTime) });
  const header = responseGroupingHeader(command.groupingHeader, dateTime);

  const components: GbzComponent[] = [];
  for (const [i, read] of useCase.reads.entries()) {
    const asked = command.payload.components[i];
    const sequence = asked && !asked.encrypted ? (asked.zcl[1] ?? i) : i;
    const records = answer.reads[i]?.records ?? [];
    const zclHeader: ZclHeader = { frameType: 'global', direction: 'toClient', disableDefaultResponse: false, sequence, commandId: ZclGeneralCommand.readAttributesResponse };
    const frame: ZclFrame = { header: zclHeader, command: { kind: 'readAttributesResponse', records } };
    if (!read.encryptedInResponse) {
      components.push({ clusterId: read.clusterId, fromDateTime: null, encrypted: false, zcl: encodeZclFrame(frame) });
      continue;
    }
    const w = new ByteWriter();
    encodeZclPayload(w, zclHeader, frame.command);
    const sealed = await encryptComponent(
      { originator: header.originatorSystemTitle, recipient: header.recipientSystemTitle, counter: header.originatorCounter, plaintext: w.finish() },
      crypto,
    );
    if (!sealed) return null;
    const fc = encodeZclFrame(frame)[0]!;
    components.push({
      clusterId: read.clusterId,
      fromDateTime: null,
      encrypted: true,
      additionalHeaderControl: 0,
      additionalHeaderFrameCounter: 0,
      zclHeader: { frameControl: fc, sequenceNumber: sequence, commandId: ZclGeneralCommand.readAttributesResponse },
      securityHeader: { securityControl: 0x31, invocationCounter: 0 },
      ciphertext: sealed.ciphertext,
      tag: sealed.tag,
    });
  }

  const msg = buildGbcsMessage({ ...header, originatorCounter: header.originatorCounter, components, mac: null });
  return sealWrapperMac(encodeGbcsMessageWithLayout(msg).bytes, crypto, macOptions);
}
