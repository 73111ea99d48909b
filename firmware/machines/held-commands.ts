/**
 * The commands the GPF holds for the sleepy GSME, as a HAN device may read them
 * (docs/decisions.md "Top-up lifecycle: what the hub holds"): a manufacturer-specific attribute of
 * the Prepayment cluster (0x0705) on the GPF, read with a manufacturer-specific Read Attributes
 * (frame control bit 2, hanlab's manufacturer code). ZSE has no attribute for it: its notification
 * flags (Metering client attributes 0x0000–0x0007) tell the meter that something waits, not a
 * display which of its own commands does.
 *
 * HeldCommands (0x0000, octet string): for each command the GPF holds for the GSME *from the
 * device that reads it*, oldest first, two octets: the command id (0x00 SelectAvailableEmergency-
 * Credit, 0x04 ConsumerTopUp) and the ZCL sequence number the device sent it with. Empty when
 * nothing of that device's waits. A command leaves the list when the GSME has answered it
 * (its Default Response, or the ConsumerTopUpResponse the GPF forwards), or when the GPF loses it.
 */

/**
 * hanlab's manufacturer code: 0xFFF1, the first of the codes the Connectivity Standards Alliance
 * keeps for testing (0xFFF1–0xFFF4, "test vendor"); a product would use its own allocated code.
 */
export const HANLAB_MANUFACTURER_CODE = 0xfff1;
/** HeldCommands: an attribute id in hanlab's manufacturer-specific space of the Prepayment cluster. */
export const HELD_COMMANDS = 0x0000;

/** The HeldCommands value for `reader` from the GPF's pending commands. */
export function heldCommandsValue(pending: readonly { src: string; commandId: number; sequence: number }[], reader: string): Uint8Array {
  const mine = pending.filter((p) => p.src === reader);
  const out = new Uint8Array(mine.length * 2);
  for (let i = 0; i < mine.length; i++) {
    out[2 * i] = mine[i]!.commandId & 0xff;
    out[2 * i + 1] = mine[i]!.sequence & 0xff;
  }
  return out;
}

/** Whether a HeldCommands value lists the command `commandId` sent with sequence number `seq`. */
export function holdsCommand(value: Uint8Array, commandId: number, seq: number): boolean {
  for (let i = 0; i + 1 < value.length; i += 2) if (value[i] === commandId && value[i + 1] === seq) return true;
  return false;
}
