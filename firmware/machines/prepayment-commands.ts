import { PrepaymentCommand } from '../zcl/index.ts';

/**
 * Payloads of the two Prepayment cluster commands a PPMID sends towards the GSME (spec section 4,
 * docs/han-protocol.md "Command payloads"). The GPF queues them as raw bytes; the GSME decodes
 * them here.
 */

export const OriginatingDevice = { energyServiceInterface: 0, meter: 1, ihdOrPpmid: 2 } as const;

export type PrepaymentRequest =
  | { kind: 'selectEmergencyCredit'; issuedAt: number; originatingDevice: number }
  /** `amount` in the meter's money unit (PriceTrailingDigit places: 100000 = £1). */
  | { kind: 'topUp'; originatingDevice: number; amount: number };

/** The largest credit an int32 CreditRemaining can hold. */
const MAX_AMOUNT = 0x7fff_ffff;

export function encodeSelectEmergencyCredit(issuedAtUtcTime: number, originatingDevice: number): Uint8Array {
  const t = issuedAtUtcTime >>> 0;
  return new Uint8Array([t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff, originatingDevice & 0xff]);
}

/**
 * hanlab decision: the TopUpCode octet string holds the amount as ASCII decimal digits in the
 * meter's money unit (real 20-digit UTRN validation is out of scope).
 */
export function encodeConsumerTopUp(originatingDevice: number, amount: number): Uint8Array {
  const digits = String(Math.floor(amount));
  const out = new Uint8Array(2 + digits.length);
  out[0] = originatingDevice & 0xff;
  out[1] = digits.length;
  for (let i = 0; i < digits.length; i++) out[2 + i] = digits.charCodeAt(i);
  return out;
}

/** The request a command carries, or a reason it cannot be acted on. */
export function decodePrepaymentCommand(commandId: number, payload: Uint8Array): PrepaymentRequest | { kind: 'invalid'; reason: string } {
  if (commandId === PrepaymentCommand.SelectAvailableEmergencyCredit) {
    if (payload.length < 5) return { kind: 'invalid', reason: 'SelectAvailableEmergencyCredit payload shorter than 5 bytes' };
    const issuedAt = ((payload[0] ?? 0) | ((payload[1] ?? 0) << 8) | ((payload[2] ?? 0) << 16) | ((payload[3] ?? 0) << 24)) >>> 0;
    return { kind: 'selectEmergencyCredit', issuedAt, originatingDevice: payload[4] ?? 0 };
  }
  if (commandId === PrepaymentCommand.ConsumerTopUp) {
    if (payload.length < 2) return { kind: 'invalid', reason: 'ConsumerTopUp payload shorter than 2 bytes' };
    const length = payload[1] ?? 0;
    if (length === 0 || length > 10 || payload.length < 2 + length) return { kind: 'invalid', reason: 'ConsumerTopUp TopUpCode length' };
    let amount = 0;
    for (let i = 0; i < length; i++) {
      const c = payload[2 + i] ?? 0;
      if (c < 0x30 || c > 0x39) return { kind: 'invalid', reason: 'ConsumerTopUp TopUpCode is not decimal digits' };
      amount = amount * 10 + (c - 0x30);
    }
    if (amount <= 0 || amount > MAX_AMOUNT) return { kind: 'invalid', reason: 'ConsumerTopUp amount out of range' };
    return { kind: 'topUp', originatingDevice: payload[0] ?? 0, amount };
  }
  return { kind: 'invalid', reason: `unknown Prepayment command ${commandId}` };
}

/** Whether the GPF queues this Prepayment command for the GSME. */
export function isQueuedPrepaymentCommand(commandId: number): boolean {
  return commandId === PrepaymentCommand.SelectAvailableEmergencyCredit || commandId === PrepaymentCommand.ConsumerTopUp;
}
