/**
 * The GSME's model for xstate/graph (test/machines-model.ts): events, the key, and how a replay
 * advances time. Shared by the model-based test and the compact runtime's differential test.
 */
import type { AnyEventObject, AnyMachineSnapshot } from 'xstate';
import { gsmeMachine } from '../../firmware/machines/gsme.ts';
import type { GsmeConfig, GsmeContext, GsmeInput } from '../../firmware/machines/gsme.ts';
import { encodeConsumerTopUp, encodeSelectEmergencyCredit } from '../../firmware/machines/prepayment-commands.ts';
import { ZclDataType, ZclGeneralCommand, utcTimeFromUnixMs } from '../../firmware/zcl/index.ts';
import type { ZclFrame } from '../../firmware/zcl/index.ts';
import { EPOCH, GPF_EUI, GSME_EUI } from '../machines-harness.ts';
import type { ModelOptions } from '../machines-model.ts';
import { TEST_TOP_UP_KEY, testUtrn } from './utrn.ts';

const MONEY = 100_000;
const config: Partial<GsmeConfig> = {
  initialCredit: 3 * MONEY,
  lowCreditThreshold: 2 * MONEY,
  emergencyCreditLimit: 5 * MONEY,
  unitPricePencePerKwh: 10,
  // Time passes in a replay but not in the pure traversal: no time-driven charges.
  standingChargePencePerDay: 0,
  clockOffsetMs: -60_000,
  topUpKey: TEST_TOP_UP_KEY,
};
const input = (clock: { now(): number }): GsmeInput => ({ eui: GSME_EUI, peers: { gpf: GPF_EUI }, firmware: 'secmp0015', config, clock, seed: 11 });

/**
 * Model events. Answers from the GPF (`answersAwaited`) are materialised with the sequence number
 * the snapshot waits for. The flow is large enough to exhaust any credit and EC the model can
 * reach, so the key's flags (not hidden amounts) decide what happens next.
 */
function events(): AnyEventObject[] {
  const seq = 0;
  const fromGpf = (clusterId: number, frame: unknown) => ({ type: 'HAN_FRAME', src: GPF_EUI, clusterId, frame });
  return [
    { type: 'GAS_FLOW', volumeM3: 100 }, // ≈ £112
    { type: 'METER_BUTTON', action: 'activateEc' },
    { type: 'METER_BUTTON', action: 'enableSupply' },
    { type: 'METER_BUTTON', action: 'topUp', utrn: testUtrn(GSME_EUI, 1, 5) },
    { type: 'CLOCK_FAULT', unsynchronised: true },
    answer(fromGpf(0x0702, {
      header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.defaultResponse },
      command: { kind: 'defaultResponse', commandId: ZclGeneralCommand.reportAttributes, status: 0 },
    })),
    answer(fromGpf(0x000a, {
      header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.readAttributesResponse },
      command: {
        kind: 'readAttributesResponse',
        records: [
          { attributeId: 0, status: 0, type: ZclDataType.utcTime, value: utcTimeFromUnixMs(EPOCH)! },
          { attributeId: 1, status: 0, type: ZclDataType.bitmap8, value: 0x02 },
        ],
      },
    })),
    fromGpf(0x0705, {
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: true, sequence: 0x80, commandId: 0x04 },
      command: { kind: 'other', payload: encodeConsumerTopUp(2, testUtrn(GSME_EUI, 2, 10)) },
    }),
    fromGpf(0x0705, {
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: true, sequence: 0x81, commandId: 0x00 },
      command: { kind: 'other', payload: encodeSelectEmergencyCredit(0, 2) },
    }),
  ];
}

function answer(e: { type: string; frame: unknown }): AnyEventObject {
  return { ...e, answersAwaited: true };
}

/** Gives a GPF answer the sequence number the GSME waits for in this snapshot. */
function materialize(event: AnyEventObject, s: AnyMachineSnapshot): AnyEventObject {
  if (!event.answersAwaited) return event;
  const frame = event.frame as ZclFrame;
  const sequence = Math.max(0, (s.context as GsmeContext).awaitSeq);
  return { ...event, frame: { ...frame, header: { ...frame.header, sequence } } };
}

function serialize(s: AnyMachineSnapshot): string {
  const c = s.context as GsmeContext;
  return JSON.stringify([s.value, c.pay.supply, c.pay.ecSelected, c.pay.credit > 0, c.pay.ec > 0, c.changedByCommand, c.clockSyncTried, c.attempt, c.lastReport]);
}

export const gsmeModel: ModelOptions<GsmeInput> = {
  machine: gsmeMachine,
  input: input({ now: () => EPOCH }),
  replayInput: input,
  events,
  materialize,
  serialize,
  delayMs: (delay, context) => (delay === 'wakeDelay' ? (context as GsmeContext).nextWakeMs : (context as GsmeContext).config.ackTimeoutMs),
  epoch: EPOCH,
};
