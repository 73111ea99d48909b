import type { ScreenModel } from '../../firmware/display/index.ts';

/** One line of the run's timeline (`hanlab sim --json` prints them as JSON lines). `t` is virtual epoch ms. */
export type TimelineEvent = { t: number; home: string } & TimelineBody;

export type TimelineBody =
  | { kind: 'han'; from: string; to: string; cluster: string; /** ZCL frame length. */ bytes: number; command: string; lost?: true }
  | { kind: 'screen'; screen: ScreenModel; trueCredit: number | null }
  | { kind: 'log'; device: string; level: 'info' | 'warn'; message: string; data?: Record<string, unknown> }
  | { kind: 'customer'; action: string; via: string; amount?: number; utrn?: string }
  | { kind: 'fault'; fault: string; [detail: string]: unknown }
  | { kind: 'metric'; minute: 'misleading' | 'falseAlarm' | 'ok'; shownCredit: number | null; trueCredit: number }
  | { kind: 'wan'; direction: 'command' | 'response'; useCase: string; detail: Record<string, unknown> };

/** The core metric of spec section 6, per home, in simulated minutes. */
export interface HomeMetrics {
  /** Minutes sampled (the PPMID had a screen and the meter a balance). */
  minutes: number;
  /** Shown credit off the truth by more than the tolerance, with no data-may-be-old warning. */
  misleadingMinutes: number;
  /** A data-may-be-old warning on screen while the shown credit was within tolerance. */
  falseAlarmMinutes: number;
  staleMinutes: number;
}
