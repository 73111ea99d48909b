import type { Eui64 } from '../platform/index.ts';
import type { AttributeReport, ReadAttributeRecord, ZclDirection, ZclFrame, ZclGeneralCommand } from '../zcl/index.ts';

// ZclGeneralCommand's ids as literals tsc checks against it: reading them off the object would
// keep the object in every bundle.
const READ_ATTRIBUTES: typeof ZclGeneralCommand.readAttributes = 0x00;
const READ_ATTRIBUTES_RESPONSE: typeof ZclGeneralCommand.readAttributesResponse = 0x01;
const REPORT_ATTRIBUTES: typeof ZclGeneralCommand.reportAttributes = 0x0a;
const DEFAULT_RESPONSE: typeof ZclGeneralCommand.defaultResponse = 0x0b;

/**
 * The event/emit contract every device machine shares (see README.md).
 *
 * In: `HAN_FRAME`, a ZCL frame from another device, already decoded by the runtime (malformed
 * frames never reach a machine).
 * Out, only through `emit`: `han.send` (the runtime encodes and sends), `state` (the observable
 * summary, when it changes), `log`, and `persist` (the non-volatile record the runtime writes to
 * storage: `PersistEmitted` in persist-record.ts).
 */
export interface HanFrameEvent {
  type: 'HAN_FRAME';
  src: Eui64;
  clusterId: number;
  frame: ZclFrame;
}

export interface HanSendEmitted {
  type: 'han.send';
  dst: Eui64;
  clusterId: number;
  frame: ZclFrame;
}

export interface StateEmitted {
  type: 'state';
  /** JSON-serialisable summary, published retained on `hanlab/{premises}/{device}/state`. */
  state: Record<string, unknown>;
}

export interface LogEmitted {
  type: 'log';
  level: 'info' | 'warn';
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Internal event: emit what the step queued. A machine queues what a step produces in
 * `context.outbox` (by `assign`) and `raise`s this; the handler emits the whole outbox (with the
 * `state` summary last, when it changed) as one `OutboxEmitted` and empties it. That keeps every
 * action either an `assign` or an `emit` of one event, which a table interpreter can run, while a
 * step may produce any number of outputs, and the context is copied once per step, not per output.
 */
export interface FlushEvent {
  type: 'machine.flush';
}

/**
 * The one event a machine emits: the outputs of a step, in the order they were queued. The runtime
 * (firmware/runtime/device-core.ts) takes them one by one, as if each had been emitted alone.
 */
export interface OutboxEmitted<T> {
  type: 'outbox';
  items: T[];
}

export const FLUSH: FlushEvent = { type: 'machine.flush' };

/**
 * Whether each of `inputs` is the same value (===) as in `last`. A machine's summary is a function
 * of a few context fields, each replaced (never changed in place) when it changes: the same fields,
 * the same summary, known without working it out and comparing its JSON at every step.
 */
export function sameInputs(last: unknown[] | null, inputs: unknown[]): boolean {
  if (last === null || last.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) if (last[i] !== inputs[i]) return false;
  return true;
}

/** ZCL transaction sequence numbers wrap at 8 bits. */
export function nextSeq(seq: number): number {
  return (seq + 1) & 0xff;
}

export function reportAttributesFrame(sequence: number, reports: AttributeReport[], disableDefaultResponse: boolean): ZclFrame {
  return {
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse, sequence, commandId: REPORT_ATTRIBUTES },
    command: { kind: 'reportAttributes', reports },
  };
}

export function readAttributesFrame(sequence: number, attributeIds: number[]): ZclFrame {
  return {
    header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence, commandId: READ_ATTRIBUTES },
    command: { kind: 'readAttributes', attributeIds },
  };
}

export function readAttributesResponseFrame(sequence: number, records: ReadAttributeRecord[]): ZclFrame {
  return {
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence, commandId: READ_ATTRIBUTES_RESPONSE },
    command: { kind: 'readAttributesResponse', records },
  };
}

/** The Default Response to `request`: same sequence number, opposite direction. */
export function defaultResponseFrame(request: ZclFrame, status: number): ZclFrame {
  const direction: ZclDirection = request.header.direction === 'toServer' ? 'toClient' : 'toServer';
  return {
    header: { frameType: 'global', direction, disableDefaultResponse: true, sequence: request.header.sequence, commandId: DEFAULT_RESPONSE },
    command: { kind: 'defaultResponse', commandId: request.header.commandId, status },
  };
}

export function clusterCommandFrame(sequence: number, direction: ZclDirection, commandId: number, payload: Uint8Array, disableDefaultResponse: boolean): ZclFrame {
  return {
    header: { frameType: 'cluster', direction, disableDefaultResponse, sequence, commandId },
    command: { kind: 'other', payload },
  };
}

/** Whether `frame` is a Default Response to our frame `sequence` carrying `commandId`. */
export function isDefaultResponseTo(frame: ZclFrame, sequence: number, commandId: number): boolean {
  return frame.command.kind === 'defaultResponse' && frame.header.sequence === sequence && frame.command.commandId === commandId;
}

/** `{ ...a, ...b }` without the ES2015 helper an object spread lowers to on the ES5 boards. */
export function merge<A extends object, B extends object>(a: A, b?: B): A & B {
  const o: Record<string, unknown> = {};
  for (const k in a) o[k] = a[k];
  if (b) for (const k in b) o[k] = b[k];
  return o as A & B;
}
