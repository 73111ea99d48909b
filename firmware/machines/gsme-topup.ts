/**
 * The GSME's side of a top-up: the UTRN check (firmware/codec/utrn.ts) and the ZCL Prepayment
 * ConsumerTopUpResponse it answers a ConsumerTopUp with (ZSE Prepayment cluster, server-generated
 * command 0x03: Result Type enum8, Top Up Value int32, Source of Top Up enum8, Credit Remaining
 * int32; little-endian like every ZCL integer).
 */
import { checkUtrn, euiBytes, markUtrnCounter, normaliseUtrn, topUpKeyBytes } from '../codec/utrn.ts';
import type { UtrnRefusal, UtrnWindow } from '../codec/utrn.ts';
import type { PrepaymentServerCommand } from '../zcl/index.ts';

export const CONSUMER_TOP_UP_RESPONSE: typeof PrepaymentServerCommand.ConsumerTopUpResponse = 0x03;

/**
 * Result Type: ZSE's values, and hanlab's two (docs/decisions.md "ConsumerTopUpResponse codes")
 * for refusals ZSE has no value for.
 */
export const TopUpResult = {
  accepted: 0x00,
  rejectedInvalid: 0x01,
  rejectedDuplicate: 0x02,
  rejectedError: 0x03,
  /** hanlab: the UTRN is another meter's. */
  rejectedNotThisMeter: 0xf0,
  /** hanlab: the UTRN's counter is below the meter's window (an old, unused code). */
  rejectedTooOld: 0xf1,
} as const;

export interface ConsumerTopUpResponse {
  resultType: number;
  /** Money units credited (0 when rejected). */
  topUpValue: number;
  /** OriginatingDevice of the top-up. */
  source: number;
  creditRemaining: number;
}

function int32le(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >> 8) & 0xff;
  out[at + 2] = (v >> 16) & 0xff;
  out[at + 3] = (v >> 24) & 0xff;
}

function readInt32le(p: Uint8Array, at: number): number {
  return p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24);
}

export function encodeConsumerTopUpResponse(r: ConsumerTopUpResponse): Uint8Array {
  const out = new Uint8Array(10);
  out[0] = r.resultType & 0xff;
  int32le(out, 1, r.topUpValue);
  out[5] = r.source & 0xff;
  int32le(out, 6, r.creditRemaining);
  return out;
}

export function decodeConsumerTopUpResponse(p: Uint8Array): ConsumerTopUpResponse | null {
  if (p.length < 10) return null;
  return { resultType: p[0]!, topUpValue: readInt32le(p, 1), source: p[5]!, creditRemaining: readInt32le(p, 6) };
}

export function resultForRefusal(reason: UtrnRefusal): number {
  if (reason === 'used') return TopUpResult.rejectedDuplicate;
  if (reason === 'notThisMeter') return TopUpResult.rejectedNotThisMeter;
  if (reason === 'tooOld') return TopUpResult.rejectedTooOld;
  return TopUpResult.rejectedInvalid;
}

/** Whether a Result Type says the top-up was applied (ZSE: 0x00 and 0x10–0x12). */
export function isTopUpAccepted(resultType: number): boolean {
  return resultType === 0 || (resultType >= 0x10 && resultType <= 0x12);
}

/**
 * A UTRN keyed in or received, checked against this meter's key, EUI and window: the pence and
 * the new window, or the refusal.
 */
export function checkMeterUtrn(
  code: string,
  topUpKey: string,
  eui: string,
  window: UtrnWindow,
): { ok: true; pence: number; counter: number; window: UtrnWindow } | { ok: false; reason: UtrnRefusal } {
  const digits = normaliseUtrn(code);
  if (digits === null) return { ok: false, reason: 'invalid' };
  const r = checkUtrn(digits, topUpKeyBytes(topUpKey), euiBytes(eui), window);
  if (!r.ok) return r;
  return { ok: true, pence: r.pence, counter: r.counter, window: markUtrnCounter(window, r.counter) };
}
