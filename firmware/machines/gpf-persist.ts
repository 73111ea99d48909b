/**
 * What the GPF keeps through a power cut (docs/decisions.md "Power loss"): its mirror of the GSME
 * with the snapshot's receipt (skew and time), so a PPMID reading it after a GPF restart gets the
 * last values with their true age; the reports count; the commands it has acknowledged to a HAN
 * device and not yet seen the GSME answer; its sequence number.
 *
 * Written whenever the mirror commits or the pending list changes; the record goes first in the
 * outbox, so a command's Default Response SUCCESS never goes out before the command is stored.
 * Mirror values and command payloads may be bytes: stored as `{ "h": hex }`.
 */
import { fromHex, toHex } from '../codec/hex.ts';
import type { ZclDataTypeId, ZclValue } from '../zcl/index.ts';
import type { GpfContext, GpfMirror, PendingCommand } from './gpf.ts';
import type { PersistEmitted } from './persist-record.ts';
import { arrayOf, decodeRecord, encodeRecord, isByte, isCount, isNum, isObj, isStr, orNull, restoreNote, shape } from './persist-record.ts';
import type { FieldCheck } from './persist-record.ts';

const HEX = /^[0-9A-F]*$/;
const isHex: FieldCheck = (v) => typeof v === 'string' && v.length % 2 === 0 && HEX.test(v);
const isBytes: FieldCheck = (v) => isObj(v) && isHex(v['h']);
const isValue: FieldCheck = (v) => isNum(v) || isStr(v) || isBytes(v);
const isMirror: FieldCheck = (v) => {
  if (!isObj(v)) return false;
  for (const c in v) {
    const cluster = v[c];
    if (!isCount(Number(c)) || !isObj(cluster)) return false;
    for (const a in cluster) {
      const e = cluster[a];
      if (!isCount(Number(a)) || !Array.isArray(e) || e.length !== 2 || !isByte(e[0]) || !isValue(e[1])) return false;
    }
  }
  return true;
};

export const GPF_KEPT: Record<string, FieldCheck> = {
  mirror: isMirror,
  skewAtReceiptMs: orNull(isNum),
  lastReportAtMs: orNull(isNum),
  reportsReceived: isCount,
  pending: arrayOf(shape({ src: isStr, commandId: isByte, payload: isHex, sequence: isByte, receivedAtMs: isNum, fwdSeq: (v) => v === -1 || isByte(v) })),
  seq: isByte,
};

function encodeValue(v: ZclValue): unknown {
  return typeof v === 'object' ? { h: toHex(v) } : v;
}

function decodeValue(v: unknown): ZclValue {
  return isObj(v) ? fromHex(v['h'] as string) : (v as ZclValue);
}

export function gpfRecord(c: GpfContext): string {
  const mirror: Record<string, Record<string, unknown>> = {};
  for (const k in c.mirror) {
    const cluster = c.mirror[k as unknown as number]!;
    const out: Record<string, unknown> = {};
    for (const a in cluster) {
      const e = cluster[a as unknown as number]!;
      out[a] = [e.type, encodeValue(e.value)];
    }
    mirror[k] = out;
  }
  const pending = c.pending.map((p) => ({ src: p.src, commandId: p.commandId, payload: toHex(p.payload), sequence: p.sequence, receivedAtMs: p.receivedAtMs, fwdSeq: p.fwdSeq }));
  return encodeRecord('gpf', c.eui, {
    mirror: mirror,
    skewAtReceiptMs: c.skewAtReceiptMs,
    lastReportAtMs: c.lastReportAtMs,
    reportsReceived: c.reportsReceived,
    pending: pending,
    seq: c.seq,
  });
}

/** The context fields restored from `restored` (input), and the log line saying so. */
export function restoreGpf(restored: unknown, eui: string): { fields: Partial<GpfContext>; notes: { type: 'log'; level: 'info' | 'warn'; message: string; data?: Record<string, unknown> }[] } {
  const r = decodeRecord(restored, 'gpf', eui, GPF_KEPT);
  const notes = restoreNote(r, restored !== undefined && restored !== null);
  if (typeof r === 'string') return { fields: {}, notes };
  const fields: Partial<GpfContext> = {};
  for (const k in r) (fields as Record<string, unknown>)[k] = r[k];
  if (r['mirror'] !== undefined) {
    const stored = r['mirror'] as Record<string, Record<string, [number, unknown]>>;
    const mirror: GpfMirror = {};
    for (const k in stored) {
      const cluster: GpfMirror[number] = {};
      for (const a in stored[k]) {
        const e = stored[k]![a]!;
        cluster[Number(a)] = { type: e[0] as ZclDataTypeId, value: decodeValue(e[1]) };
      }
      mirror[Number(k)] = cluster;
    }
    fields.mirror = mirror;
  }
  if (r['pending'] !== undefined) {
    fields.pending = (r['pending'] as Record<string, unknown>[]).map(
      (p): PendingCommand => ({ src: p['src'] as string, commandId: p['commandId'] as number, payload: fromHex(p['payload'] as string), sequence: p['sequence'] as number, receivedAtMs: p['receivedAtMs'] as number, fwdSeq: p['fwdSeq'] as number }),
    );
  }
  return { fields, notes };
}

/** The record first in the outbox: stored before anything this step sends. */
export function persistGpf(c: GpfContext): Partial<GpfContext> {
  return { outbox: [{ type: 'persist', record: gpfRecord(c) } as PersistEmitted as GpfContext['outbox'][number]].concat(c.outbox) };
}
