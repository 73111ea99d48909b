/**
 * A past run, as `hanlab sim --json` wrote it: JSON lines of timeline events (t ISO 8601 UTC),
 * perhaps a `broker` line first (a paced run), and the `summary` line last (absent when the run
 * was cut short: the recording then ends at its last event). Every line is checked with zod
 * before the page sees it, screen models in full (they are drawn by the firmware's renderer);
 * a bad one is refused with the file, the line, the field and what was expected.
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { formatPath } from '../sim/scenario/load.ts';
import { parseIsoTime } from '../sim/scenario/schema.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import type { HomeSummary } from './feed.ts';

export class RecordingError extends Error {}

/** Larger than any run's timeline (13 homes × a year is ~1 GiB; cut it with --until). */
const MAX_BYTES = 512 << 20;

const isoTime = z.string().refine((s) => parseIsoTime(s) !== undefined, 'an ISO 8601 UTC time like 2026-01-15T17:30:00Z');
const money = z.number().nullable();
const FRESHNESS = ['fresh', 'late', 'stale', 'unknown', 'clockProblem', 'hanLost', 'noData'] as const;
const WARNINGS = ['stale', 'noChangeSeen', 'supplyMayBeOff', 'clockProblem', 'hanLost', 'lowCredit', 'ecInUse', 'creditUsedUp', 'supplyOff', 'timeUnknown'] as const;

/** ScreenModel (firmware/display/screen-model.ts), field by field: the renderer reads them all. */
const screenModel = z.object({
  credit: money,
  emergencyCredit: money,
  debt: money,
  ec: z.enum(['none', 'available', 'inUse', 'exhausted']),
  supply: z.enum(['on', 'off', 'armed', 'unknown']),
  lastUpdate: z
    .object({ at: isoTime, hhmm: z.string(), local: z.string(), zone: z.enum(['GMT', 'BST']), ago: z.string().nullable(), source: z.enum(['gsme', 'changeEstimate', 'received']) })
    .nullable(),
  ageMinutes: z.number().nullable(),
  freshness: z.enum(FRESHNESS),
  warnings: z.array(z.object({ code: z.enum(WARNINGS), text: z.string() })),
  pending: z.array(z.enum(['activateEc', 'topUp'])),
  topUp: z.object({ status: z.enum(['sent', 'atHub', 'applied', 'failed']), amount: z.number(), reason: z.string() }).optional(),
  topUpRefused: z.string().optional(),
  lines: z.array(z.string()),
}) satisfies z.ZodType<ScreenModel>;

const base = { t: isoTime, home: z.string().min(1) };
const eventLine = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('han'), from: z.string(), to: z.string(), cluster: z.string(), bytes: z.number().int().nonnegative(), command: z.string(), lost: z.literal(true).optional() }),
  z.object({ ...base, kind: z.literal('screen'), screen: screenModel, trueCredit: money }),
  z.object({ ...base, kind: z.literal('log'), device: z.string(), level: z.enum(['info', 'warn']), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }),
  z.object({ ...base, kind: z.literal('customer'), action: z.string(), via: z.string(), amount: z.number().optional(), utrn: z.string().optional() }),
  z.looseObject({ ...base, kind: z.literal('fault'), fault: z.string() }),
  z.object({
    ...base,
    kind: z.literal('metric'),
    minute: z.enum(['creditMisleading', 'supplyMisleading', 'creditAndSupplyMisleading', 'falseAlarm', 'ok']),
    shownCredit: money,
    shownSupply: z.enum(['on', 'off', 'armed', 'unknown']),
    trueCredit: z.number(),
    trueSupply: z.string(),
    trueOnEmergencyCredit: z.boolean(),
  }),
  z.object({ ...base, kind: z.literal('wan'), direction: z.enum(['command', 'response', 'timeout']), useCase: z.string(), detail: z.record(z.string(), z.unknown()) }),
  z.object({ ...base, kind: z.literal('coverage'), postcode: z.string(), from: z.string() }),
  z.object({ ...base, kind: z.literal('smi'), device: z.enum(['gsme', 'gpf']), eui: z.string(), from: z.string(), state: z.string(), mprn: z.string() }),
]);

const homeSummary = z.object({
  label: z.string(),
  premises: z.string(),
  firmware: z.object({ gsme: z.string(), gpf: z.string(), ppmid: z.string(), changeTimeFallback: z.boolean() }),
  metrics: z.object({
    minutes: z.number(),
    creditMisleadingMinutes: z.number(),
    supplyMisleadingMinutes: z.number(),
    misledMinutes: z.number().optional(),
    falseAlarmMinutes: z.number(),
    shownMinutes: z.record(z.enum(FRESHNESS), z.number()),
  }),
});
const summaryLine = z.object({ kind: z.literal('summary'), scenario: z.string(), seed: z.number(), start: isoTime, end: isoTime, tolerance: z.number(), homes: z.array(homeSummary) });
const brokerLine = z.object({ kind: z.literal('broker'), url: z.string() });

export interface Recording {
  scenario: string;
  seed: number;
  startMs: number;
  endMs: number;
  events: TimelineEvent[];
  /** null: the file has no summary line (the run was cut short). */
  homes: HomeSummary[] | null;
}

const KINDS = ['han', 'screen', 'log', 'customer', 'fault', 'metric', 'wan', 'coverage', 'smi', 'summary', 'broker'];

const HOW = 'expected the output of hanlab sim --json';

/** Reads and checks `file`; a RecordingError names the file, the line and the field. */
export function readRecording(file: string): Recording {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new RecordingError(`${file}: larger than ${MAX_BYTES >> 20} MiB; ${HOW} of a shorter run (--until)`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof RecordingError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new RecordingError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (code ?? (err as Error).message)}`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const events: TimelineEvent[] = [];
  let summary: z.infer<typeof summaryLine> | null = null;
  for (const [i, line] of lines.entries()) {
    const where = `${file} line ${i + 1}`;
    if (summary !== null) throw new RecordingError(`${where}: expected nothing after the summary line, found more`);
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      throw new RecordingError(`${where}: not JSON (${(err as Error).message}); ${HOW}`);
    }
    const kind = (data as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !KINDS.includes(kind)) throw new RecordingError(`${where}: kind: expected one of ${KINDS.join(', ')}, found ${JSON.stringify(kind) ?? 'nothing'}; ${HOW}`);
    if (kind === 'summary') summary = check(summaryLine, data, where);
    else if (kind === 'broker' && i === 0) check(brokerLine, data, where);
    else {
      const e = check(eventLine, data, where);
      events.push({ ...e, t: parseIsoTime(e.t)! } as TimelineEvent);
    }
  }
  if (events.length === 0) throw new RecordingError(`${file}: no timeline events; ${HOW}`);
  const startMs = summary ? parseIsoTime(summary.start)! : events[0]!.t;
  const endMs = summary ? parseIsoTime(summary.end)! : events.reduce((m, e) => Math.max(m, e.t), startMs);
  return { scenario: summary?.scenario ?? '(run cut short: no summary line)', seed: summary?.seed ?? 0, startMs, endMs, events, homes: summary?.homes ?? null };
}

function check<T extends z.ZodType>(schema: T, data: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  return fail(`${where}: ${formatPath(path) || '(the line)'}: ${issue.message}`);
}

function fail(message: string): never {
  throw new RecordingError(message);
}

