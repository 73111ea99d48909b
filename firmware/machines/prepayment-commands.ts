import { PrepaymentCommand } from '../zcl/index.ts';

/**
 * Payloads of the two Prepayment cluster commands a PPMID sends towards the GSME (spec section 4,
 * docs/han-protocol.md "Command payloads"). The GPF queues them as raw bytes; the GSME decodes
 * them here.
 */

export const OriginatingDevice = { energyServiceInterface: 0, meter: 1, ihdOrPpmid: 2 } as const;

export type PrepaymentRequest =
  | { kind: 'selectEmergencyCredit'; issuedAt: number; originatingDevice: number }
  /** `code`: the TopUpCode's characters (a UTRN when well formed: 20 decimal digits; the GSME checks it). */
  | { kind: 'topUp'; originatingDevice: number; code: string };

/** The longest TopUpCode taken (ZCL: an octet string of up to 26 bytes). */
const MAX_CODE = 26;

export function encodeSelectEmergencyCredit(issuedAtUtcTime: number, originatingDevice: number): Uint8Array {
  const t = issuedAtUtcTime >>> 0;
  return new Uint8Array([t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff, originatingDevice & 0xff]);
}

/**
 * ConsumerTopUp: OriginatingDevice (enum8) and TopUpCode (octet string: the UTRN's 20 digits as
 * ASCII, as a keypad enters them; docs/decisions.md "UTRN").
 */
export function encodeConsumerTopUp(originatingDevice: number, code: string): Uint8Array {
  const out = new Uint8Array(2 + code.length);
  out[0] = originatingDevice & 0xff;
  out[1] = code.length;
  for (let i = 0; i < code.length; i++) out[2 + i] = code.charCodeAt(i) & 0xff;
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
    if (length === 0 || length > MAX_CODE || payload.length < 2 + length) return { kind: 'invalid', reason: 'ConsumerTopUp TopUpCode length' };
    let code = '';
    for (let i = 0; i < length; i++) code += String.fromCharCode(payload[2 + i] ?? 0);
    return { kind: 'topUp', originatingDevice: payload[0] ?? 0, code };
  }
  return { kind: 'invalid', reason: `unknown Prepayment command ${commandId}` };
}

/** Whether the GPF queues this Prepayment command for the GSME. */
export function isQueuedPrepaymentCommand(commandId: number): boolean {
  return commandId === PrepaymentCommand.SelectAvailableEmergencyCredit || commandId === PrepaymentCommand.ConsumerTopUp;
}
