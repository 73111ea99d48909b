/**
 * What the PPMID keeps through a power cut (docs/decisions.md "Power loss"): its last reading (the
 * values, the GSME snapshot time they are credited with, the change-time estimate) and its clock
 * correction, so right after a restart it shows the last values with their true age (from the
 * snapshot time, not from the restart) until its next poll answers. Its hardware clock keeps
 * running through the cut (a real display's RTC is on a backup cell).
 *
 * It keeps the last top-up and its outcome too (docs/decisions.md "Top-up lifecycle"): one at the
 * hub when the power went stays "at the hub" after it, and a failure stays shown.
 *
 * Written at the end of a poll when the record differs from the one last written: a poll that
 * changes nothing writes nothing, so the flash sees a write per GSME update, not per poll.
 */
import type { PpmidContext } from './ppmid-logic.ts';
import { TOP_UP_NO_ANSWER } from '../display/top-up-reasons.ts';
import { decodeRecord, encodeRecord, isBool, isNum, isStr, orNull, pickFields, restoreNote, shape } from './persist-record.ts';
import type { FieldCheck, PersistEmitted } from './persist-record.ts';

const numOrNull = orNull(isNum);

export const PPMID_KEPT: Record<string, FieldCheck> = {
  data: shape({
    summation: numOrNull,
    snapshot: (v) => isNum(v) || v === 'notRead' || v === 'unsupported' || v === 'invalid',
    supplyStatus: numOrNull,
    credit: numOrNull,
    emergencyCredit: numOrNull,
    creditStatus: numOrNull,
    debt: numOrNull,
    currency: numOrNull,
    trailingDigit: numOrNull,
  }),
  snapshotMs: numOrNull,
  candidate: orNull(shape({ ms: isNum, poll: isNum })),
  snapshotSeenHw: numOrNull,
  candidateHw: numOrNull,
  gsmeSkewMs: numOrNull,
  valuesKey: orNull(isStr),
  changeSeenHw: numOrNull,
  firstSeenHw: numOrNull,
  clockOffsetMs: isNum,
  timeSet: isBool,
  clockSynced: isBool,
  pendingTopUp: orNull(
    shape({
      seq: isNum,
      afterPoll: isNum,
      amountPounds: isNum,
      creditBefore: numOrNull,
      debtBefore: numOrNull,
      status: (v) => v === 'sent' || v === 'atHub' || v === 'applied' || v === 'failed',
      reason: isStr,
      held: isNum,
      goneAt: isNum,
    }),
  ),
  topUpRefused: orNull(isStr),
};

export function ppmidRecord(c: PpmidContext): string {
  return encodeRecord('ppmid', c.eui, pickFields(c, PPMID_KEPT));
}

/** The context fields restored from `restored` (input), and the log line saying so. */
export function restorePpmid(restored: unknown, eui: string): { fields: Partial<PpmidContext>; notes: { type: 'log'; level: 'info' | 'warn'; message: string; data?: Record<string, unknown> }[] } {
  const r = decodeRecord(restored, 'ppmid', eui, PPMID_KEPT);
  const notes = restoreNote(r, restored !== undefined && restored !== null);
  if (typeof r === 'string') return { fields: {}, notes };
  const fields = r as Partial<PpmidContext>;
  // `candidate.poll` counts this boot's polls (from 0 again): poll 0 is before any of them.
  if (fields.candidate) fields.candidate = { ms: fields.candidate.ms, poll: 0 };
  // Poll numbers restart too; what the GPF holds is read again. A top-up the cut caught before the
  // GPF acknowledged it counts as unanswered (the GPF's HeldCommands brings it back if it has it).
  const t = fields.pendingTopUp;
  if (t) {
    const sent = t.status === 'sent';
    fields.pendingTopUp = { seq: t.seq, afterPoll: 0, amountPounds: t.amountPounds, creditBefore: t.creditBefore, debtBefore: t.debtBefore, status: sent ? 'failed' : t.status, reason: sent ? TOP_UP_NO_ANSWER : t.reason, held: -1, goneAt: -1 };
  }
  return { fields, notes };
}

/** After a poll: the record first in the outbox, when it changed since the last write. */
export function persistReading(c: PpmidContext): Partial<PpmidContext> {
  const record = ppmidRecord(c);
  if (record === c.savedJson) return {};
  const p: PersistEmitted = { type: 'persist', record: record };
  return { savedJson: record, outbox: [p as PpmidContext['outbox'][number]].concat(c.outbox) };
}
