import type { DeviceClock, Eui64 } from '../platform/index.ts';
import type { FreshnessConfig } from '../display/freshness.ts';
import { merge } from './han-events.ts';

/** 'secmp0015' reads ReadingSnapshotTime (0x0702/0x0007); 'legacy' never does. */
export type PpmidFirmware = 'secmp0015' | 'legacy';

export interface PpmidConfig extends FreshnessConfig {
  // --- polling (docs/han-protocol.md "PPMID") ---
  /** A poll starts every pollIntervalMs. */
  pollIntervalMs: number;
  /** A read not answered within this is a failed read; also the wait for a command's Default Response. */
  responseTimeoutMs: number;
  /** Consecutive failed polls (no read answered) before the display says "HAN lost". */
  hanLostAfter: number;
  // --- money ---
  /** Low-credit warning below this (£), besides the meter's own CreditStatus low-credit bit. */
  lowCreditPounds: number;
  // --- customer commands ---
  /** A pending EC activation or top-up is dropped (with a warning log) if no read shows its effect by then. */
  pendingTimeoutMs: number;
  // --- clock ---
  /** The clock offset follows the GPF's Time only when it moves by more than this (UTCTime has 1 s resolution). */
  clockSyncThresholdMs: number;
}

/** T = 30 min, g = 5 min: stale after 2T + g = 65 min. */
export const PPMID_DEFAULT_CONFIG: Readonly<PpmidConfig> = {
  pollIntervalMs: 60_000,
  responseTimeoutMs: 5_000,
  hanLostAfter: 2,
  expectedUpdateIntervalMs: 30 * 60_000,
  graceMs: 5 * 60_000,
  clockProblemToleranceMs: 5 * 60_000,
  changeTimeFallback: true,
  staleDetection: true,
  lowCreditPounds: 2,
  // A command waits at the GPF until the GSME's next wake (≤ T + jitter); then one poll.
  pendingTimeoutMs: 65 * 60_000,
  clockSyncThresholdMs: 1_000,
};

export interface PpmidInput {
  eui: Eui64;
  peers: { gpf: Eui64 };
  firmware: PpmidFirmware;
  /** Merged over PPMID_DEFAULT_CONFIG. */
  config?: Partial<PpmidConfig>;
  /** The PPMID's hardware clock; its displayed now adds the offset learnt from the GPF's Time cluster. */
  clock: DeviceClock;
  /** First ZCL sequence number (low 8 bits); the PPMID draws nothing else at random. */
  seed?: number;
  /** The record the PPMID last wrote to storage (ppmid-persist.ts), read back by the runtime at start. */
  restored?: string | null;
}

/**
 * Defaults merged with `config`, made consistent: a poll's reads must time out before the next
 * poll starts (responseTimeoutMs < pollIntervalMs), and at least one failed poll means HAN lost.
 */
export function resolvePpmidConfig(config: Partial<PpmidConfig> | undefined): PpmidConfig {
  const c: PpmidConfig = merge(PPMID_DEFAULT_CONFIG, config);
  const pollIntervalMs = (c.pollIntervalMs = Math.max(2, c.pollIntervalMs));
  c.responseTimeoutMs = Math.max(1, Math.min(c.responseTimeoutMs, pollIntervalMs - 1));
  c.hanLostAfter = Math.max(1, Math.floor(c.hanLostAfter));
  return c;
}
