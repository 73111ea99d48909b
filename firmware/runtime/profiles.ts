/**
 * Timing profiles: named sets of config overrides per device. `default` is the firmware's own
 * (the spec's intervals); `hil` shortens the intervals so a hardware-in-the-loop suite sees a whole
 * wake cycle or poll cycle in about a second of wall time, while time jumps come from the comms
 * hub's Time cluster.
 */
export type TimingProfile = 'default' | 'hil';
export const TIMING_PROFILES: readonly TimingProfile[] = ['default', 'hil'];

export const PROFILE_OVERRIDES: Record<TimingProfile, Record<'gsme' | 'gpf' | 'ppmid', Record<string, number>>> = {
  default: { gsme: {}, gpf: {}, ppmid: {} },
  hil: {
    gsme: { wakeIntervalMs: 2_000, wakeJitterMs: 0, ackTimeoutMs: 500 },
    gpf: {},
    ppmid: { pollIntervalMs: 1_000, responseTimeoutMs: 500 },
  },
};
