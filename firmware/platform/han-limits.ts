/**
 * How big an MQTT message of the HAN stand-in may be, and what a device's HAN input refuses
 * (SECMP0015 section 5: "HAN frames are never retained, and payloads are bounded").
 *
 * Real ZCL frames here are under 130 bytes (a full GSME report burst is several frames); 1 KiB
 * leaves room for any frame the machines could send while a 1, 16 or 64 MiB payload (which once
 * stalled the HAN for ~110 s and grew the GPF by 84 MB) is refused long before it is buffered.
 * Observability models (screen, state JSON) and GBCS messages are a few KiB: 64 KiB elsewhere.
 *
 * Pure functions and constants only: every board bundle takes its HAN input check from here.
 */

/** The largest HAN frame (MQTT payload under `han/`) a broker routes or a device takes. */
export const HAN_PAYLOAD_MAX_BYTES = 1024;

/** The largest payload on any other topic (`hanlab/…` screens, `wan/…` GBCS messages). */
export const PAYLOAD_MAX_BYTES = 64 * 1024;

/**
 * The largest whole MQTT packet a broker accepts (Mosquitto's `max_packet_size`, the embedded
 * broker's socket guard): the biggest allowed payload plus room for the fixed header, the topic
 * and a packet id. A bigger packet closes the connection before it is read into memory.
 */
export const PACKET_MAX_BYTES = PAYLOAD_MAX_BYTES + 1024;

/**
 * Why a device's HAN input drops a frame the broker delivered, or null when it takes it:
 * - retained: the broker replayed it from its store (Mosquitto cannot refuse a retained publish
 *   per topic); a frame is an event that happened once, and a replayed top-up would be applied
 *   again at every restart.
 * - over HAN_PAYLOAD_MAX_BYTES: no ZCL frame of this HAN is that big (Mosquitto lets up to
 *   PACKET_MAX_BYTES through).
 */
export function hanInputRefusal(retain: boolean, bytes: number): string | null {
  if (retain) return 'delivered with the retain flag (a replay from the broker’s store, not a frame sent now)';
  if (bytes > HAN_PAYLOAD_MAX_BYTES) return `${bytes} bytes, over the HAN frame limit of ${HAN_PAYLOAD_MAX_BYTES}`;
  return null;
}
