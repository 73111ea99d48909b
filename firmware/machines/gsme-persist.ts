/**
 * What the GSME keeps through a power cut, and when it writes it (docs/decisions.md "Power loss").
 *
 * Kept: `GSME_KEPT` below, one line per context field with its checker. To keep another field
 * add `name: checker,` here; the field must be JSON (no Uint8Array).
 *
 * Written (the record goes first in the outbox, before anything else of that step):
 * - before the Default Response to a forwarded Prepayment command it applied (so an acknowledged
 *   top-up is never lost), and
 * - on entering sleep, when nothing was written yet this wake.
 * So a wake without commands writes once; each applied command adds one (customer-rate).
 */
import { fromHex, toHex } from '../codec/hex.ts';
import type { ZclFrame } from '../zcl/index.ts';
import type { GsmeContext } from './gsme.ts';
import type { PersistEmitted } from './persist-record.ts';
import { arrayOf, decodeRecord, encodeRecord, isBool, isByte, isCount, isInt, isNum, isStr, pickFields, restoreNote, shape } from './persist-record.ts';
import type { FieldCheck } from './persist-record.ts';

const nums4 = arrayOf(isNum, 4);

export const GSME_KEPT: Record<string, FieldCheck> = {
  registers: shape({ volume: isNum, volumeResidueM3: isNum, tiers: nums4, blocks: nums4, periodIndex: isInt, periodKwh: isNum, billToDate: isNum }),
  pay: shape({ credit: isNum, ec: isNum, ecSelected: isBool, debt: isNum, supply: isByte, standingCarry: isNum, costResidue: isNum }),
  clockOffsetMs: isNum,
  lastAccrualHwMs: isNum,
  wakeCount: isCount,
  seq: isByte,
  prng: isInt,
  forwardsApplied: arrayOf(isStr),
  utrnWindow: shape({ highest: isInt, seen: isInt }),
};

/** Forwarded commands remembered as applied (the GPF repeats one until it hears our answer). */
const FORWARDS_KEPT = 8;

export function gsmeRecord(context: GsmeContext): string {
  return encodeRecord('gsme', context.eui, pickFields(context, GSME_KEPT));
}

/** The context fields restored from `restored` (input), and the log line saying so. */
export function restoreGsme(restored: unknown, eui: string): { fields: Partial<GsmeContext>; notes: { type: 'log'; level: 'info' | 'warn'; message: string; data?: Record<string, unknown> }[] } {
  const r = decodeRecord(restored, 'gsme', eui, GSME_KEPT);
  return { fields: typeof r === 'string' ? {} : (r as Partial<GsmeContext>), notes: restoreNote(r, restored !== undefined && restored !== null) };
}

function persisted(context: GsmeContext): PersistEmitted {
  return { type: 'persist', record: gsmeRecord(context) };
}

/** Entering sleep: write unless this wake already wrote. */
export function persistOncePerWake(context: GsmeContext): Partial<GsmeContext> {
  if (context.savedWake === context.wakeCount) return {};
  return { savedWake: context.wakeCount, outbox: [persisted(context) as GsmeContext['outbox'][number]].concat(context.outbox) };
}

/** A forwarded command's identity: its sequence number, command and payload. */
export function forwardKey(frame: ZclFrame): string {
  const c = frame.command;
  return frame.header.sequence + ':' + frame.header.commandId + ':' + (c.kind === 'other' ? toHex(c.payload) : '');
}

/**
 * A repeated forward (the GPF did not hear our answer): undefined when it is new; otherwise the
 * answer to send again, the specific response's payload when it had one (a top-up's
 * ConsumerTopUpResponse: "accepted" stays accepted, not "already used"), or null for a Default
 * Response SUCCESS.
 */
export function repeatedForwardAnswer(context: GsmeContext, frame: ZclFrame): Uint8Array | null | undefined {
  const key = forwardKey(frame);
  for (const e of context.forwardsApplied) {
    if (e === key) return null;
    if (e.indexOf(key + '>') === 0) return fromHex(e.slice(key.length + 1));
  }
  return undefined;
}

/** The specific response (same sequence number) this step queued for `frame`, if any. */
function specificAnswer(context: GsmeContext, frame: ZclFrame): string {
  for (const o of context.outbox) {
    if (o.type !== 'han.send' || o.frame.header.direction !== 'toClient' || o.frame.header.sequence !== frame.header.sequence) continue;
    if (o.frame.command.kind === 'other') return '>' + toHex(o.frame.command.payload);
  }
  return '';
}

/** After a forwarded command was applied: remember it (with its answer) and write, before that answer goes out. */
export function persistAfterCommand(context: GsmeContext, frame: ZclFrame): Partial<GsmeContext> {
  if (repeatedForwardAnswer(context, frame) !== undefined) return {};
  const entry = forwardKey(frame) + specificAnswer(context, frame);
  const forwardsApplied = context.forwardsApplied.concat([entry]).filter((_, i, a) => i >= a.length - FORWARDS_KEPT);
  const next = { ...context, forwardsApplied, savedWake: context.wakeCount };
  return { forwardsApplied, savedWake: context.wakeCount, outbox: [persisted(next) as GsmeContext['outbox'][number]].concat(context.outbox) };
}
