/**
 * The GPF's model for xstate/graph (test/machines-model.ts): events, the key, and how a replay
 * advances time. Shared by the model-based test and the compact runtime's differential test.
 */
import type { AnyEventObject, AnyMachineSnapshot } from 'xstate';
import { gpfMachine } from '../../firmware/machines/gpf.ts';
import type { GpfContext, GpfInput } from '../../firmware/machines/gpf.ts';
import { snapshotTimeMs } from '../../firmware/machines/gpf-mirror.ts';
import { encodeConsumerTopUp } from '../../firmware/machines/prepayment-commands.ts';
import { ZclDataType, ZclGeneralCommand, utcTimeFromUnixMs } from '../../firmware/zcl/index.ts';
import type { AttributeReport } from '../../firmware/zcl/index.ts';
import { EPOCH, GPF_EUI, GSME_EUI, PPMID_EUI } from '../machines-harness.ts';
import type { ModelOptions } from '../machines-model.ts';
import { testUtrn } from './utrn.ts';

const input = (clock: { now(): number }): GpfInput => ({
  eui: GPF_EUI,
  peers: { gsme: GSME_EUI, ppmid: PPMID_EUI },
  firmware: 'secmp0015',
  config: { maxPendingCommands: 2 },
  clock,
  seed: 5,
});

const report = (clusterId: number, reports: AttributeReport[], last: boolean): AnyEventObject => ({
  type: 'HAN_FRAME',
  src: GSME_EUI,
  clusterId,
  frame: {
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: !last, sequence: 1, commandId: ZclGeneralCommand.reportAttributes },
    command: { kind: 'reportAttributes', reports },
  },
});

const fromPpmid = (clusterId: number, frameType: 'global' | 'cluster', commandId: number, command: unknown): AnyEventObject => ({
  type: 'HAN_FRAME',
  src: PPMID_EUI,
  clusterId,
  frame: { header: { frameType, direction: 'toServer', disableDefaultResponse: false, sequence: 9, commandId }, command },
});

const EVENTS: AnyEventObject[] = [
  report(0x0705, [{ attributeId: 0x0001, type: ZclDataType.int32, value: 123 }], false),
  report(0x0702, [{ attributeId: 0x0007, type: ZclDataType.utcTime, value: utcTimeFromUnixMs(EPOCH)! }, { attributeId: 0xfffe, type: ZclDataType.enum8, value: 1 }], true),
  fromPpmid(0x0702, 'global', ZclGeneralCommand.readAttributes, { kind: 'readAttributes', attributeIds: [0x0007, 0x0000] }),
  fromPpmid(0x0705, 'cluster', 0x04, { kind: 'other', payload: encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 5)) }),
  // A device not in the device log, and the GSME's answer to a forwarded top-up.
  { ...fromPpmid(0x0705, 'cluster', 0x04, { kind: 'other', payload: encodeConsumerTopUp(2, testUtrn(GSME_EUI, 2, 50)) }), src: '00124B00000000EE' },
  {
    type: 'HAN_FRAME',
    src: GSME_EUI,
    clusterId: 0x0705,
    frame: { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence: 1, commandId: 0x03 }, command: { kind: 'other', payload: new Uint8Array(10) } },
  },
  fromPpmid(0x0705, 'cluster', 0x09, { kind: 'other', payload: new Uint8Array() }),
  { type: 'WAN_REQUEST', requestId: 'w', useCase: 'GCS14' },
  // The GSME's answer to the first command forwarded (sequence 1: the GPF's first forward).
  {
    type: 'HAN_FRAME',
    src: GSME_EUI,
    clusterId: 0x0705,
    frame: { header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: 1, commandId: ZclGeneralCommand.defaultResponse }, command: { kind: 'defaultResponse', commandId: 0x04, status: 0 } },
  },
];

function serialize(s: AnyMachineSnapshot): string {
  const c = s.context as GpfContext;
  return JSON.stringify([s.value, c.pending.length, c.pending.filter((p) => p.fwdSeq >= 0).length, Object.keys(c.staged).length > 0, snapshotTimeMs(c.mirror) !== null, c.reportsReceived > 0]);
}

export const gpfModel: ModelOptions<GpfInput> = {
  machine: gpfMachine,
  input: input({ now: () => EPOCH }),
  replayInput: input,
  events: () => EVENTS,
  serialize,
  delayMs: (_delay, context) => (context as GpfContext).config.reportAssemblyTimeoutMs,
  epoch: EPOCH,
};
