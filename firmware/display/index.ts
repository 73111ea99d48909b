export {
  AGE_CLASS_RANK,
  DEFAULT_FRESHNESS_CONFIG,
  assessFreshness,
  classifyAge,
  lateAfterMs,
  staleAfterMs,
} from './freshness.ts';
export type { AgeClass, Freshness, FreshnessAssessment, FreshnessConfig, FreshnessInput } from './freshness.ts';
export { buildScreen, hanLostText, noChangeText, sameScreen, staleText } from './screen-model.ts';
export type { EcShown, PendingAction, ScreenInput, ScreenModel, ScreenValues, SupplyShown, WarningCode } from './screen-model.ts';
export { DATA_MAY_BE_OLD_WARNINGS, DEFAULT_TOLERANCE_POUNDS, classifyMinute, isCreditMisleading, isSupplyMisleading, warnsDataMayBeOld } from './metric.ts';
export type { MeterTruth, MinuteClass } from './metric.ts';
export { formatDuration, formatHhmm, formatIsoUtc, formatPounds, formatUkDateTime, formatWhen } from './format.ts';
export { ukOffsetMinutes, ukTime } from './uk-time.ts';
export type { UkTime } from './uk-time.ts';
