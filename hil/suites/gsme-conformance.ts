/**
 * gsme-conformance: the GSME's wake cycle, its snapshot time (and its clock following the hub's),
 * retries, and the prepayment flow, seen from the GPF's side of the HAN. The harness plays the GPF
 * and a PPMID.
 */
import { ClusterId, Metering, Prepayment, Time } from '../../firmware/zcl/index.ts';
import { expectFrame, expectState } from '../expect.ts';
import type { SeenFrame } from '../home.ts';
import { HilFailure } from '../types.ts';
import type { HilContext, HilSuite } from '../types.ts';
import { reported, utcToMs } from './frames.ts';

const MIN = 60_000;

const isComplete = (f: SeenFrame) => f.frame !== null && reported(f.frame, Metering.AttributeReportingStatus.id) === 1;
const meteringReport = (f: SeenFrame) => f.dst === 'gpf' && f.clusterId === ClusterId.metering && f.frame?.command.kind === 'reportAttributes';

async function snapshotNear(ctx: HilContext, since: number, what: string): Promise<void> {
  const f = await expectFrame(ctx, `a Metering report ${what}`, (x) => meteringReport(x), since, 5_000);
  const v = reported(f.frame, Metering.ReadingSnapshotTime.id);
  if (ctx.config.firmware === 'legacy') {
    if (v !== undefined) throw new HilFailure(`expected no ReadingSnapshotTime from a legacy GSME; saw ${String(v)}`);
    return;
  }
  const ms = utcToMs(v);
  if (ms === null || Math.abs(ms - ctx.clock.now()) > MIN) throw new HilFailure(`expected ReadingSnapshotTime within a minute of the hub time ${new Date(ctx.clock.now()).toISOString()}; saw ${ms === null ? String(v) : new Date(ms).toISOString()}`);
}

/** The ReadingSnapshotTime of the burst that `complete` ends: its last Metering report carrying one. */
function burstSnapshot(ctx: HilContext, complete: SeenFrame): unknown {
  const before = ctx.home.seen().filter((f) => f.wallMs <= complete.wallMs && f !== complete && meteringReport(f) && reported(f.frame!, Metering.ReadingSnapshotTime.id) !== undefined);
  const last = before.at(-1);
  return last ? reported(last.frame!, Metering.ReadingSnapshotTime.id) : undefined;
}

export const gsmeConformance: HilSuite = {
  name: 'gsme-conformance',
  device: 'gsme',
  description: 'GSME: wake cycle, snapshot time and clock sync, retries, prepayment flow',
  cases: [
    {
      name: 'wake cycle: a report burst each wake, ending with AttributeReportingStatus complete',
      async run(ctx) {
        await ctx.step('home up: GPF and PPMID', () => ctx.setupHome({}));
        await ctx.step('two complete bursts, a wake interval apart', async () => {
          // Timed from the first burst of each wake: a burst not acknowledged in time is repeated
          // with the same snapshot, so a wake begins with a snapshot the burst before it did not
          // have (a legacy GSME sends none: then after the repeats, two ack timeouts of 500 ms).
          // The first wake seen is not timed: the harness may have come up during its repeats
          // (the GSME unanswered until then), whose first burst it never saw.
          const completes = () => ctx.home.seen().filter(isComplete);
          const startsWake = (f: SeenFrame) => {
            const all = completes();
            const before = all[all.indexOf(f) - 1];
            if (before === undefined) return true;
            return ctx.config.firmware === 'legacy' ? f.wallMs - before.wallMs > 1_250 : burstSnapshot(ctx, f) !== burstSnapshot(ctx, before);
          };
          const seen = await expectFrame(ctx, 'a report with AttributeReportingStatus = complete', (f) => isComplete(f) && startsWake(f), ctx.since, 6_000);
          const first = await expectFrame(ctx, 'a complete report beginning a wake', (f) => isComplete(f) && startsWake(f), seen.wallMs + 1, 6_000);
          const second = await expectFrame(ctx, 'a complete report beginning the next wake', (f) => isComplete(f) && startsWake(f), first.wallMs + 1, 6_000);
          const gap = second.wallMs - first.wallMs;
          if (gap < 1_000 || gap > 4_000) throw new HilFailure(`expected the next wake about 2 s later (hil profile); saw ${Math.round(gap)} ms`);
        });
        await ctx.step('each burst carries Metering and Prepayment', async () => {
          await expectFrame(ctx, 'a Prepayment report', (f) => f.dst === 'gpf' && f.clusterId === ClusterId.prepayment && f.frame.command.kind === 'reportAttributes' && reported(f.frame, Prepayment.CreditRemaining.id) !== undefined, ctx.since, 1);
        });
      },
    },
    {
      name: 'snapshot time: ReadingSnapshotTime is the meter’s time of the reading (legacy: absent)',
      async run(ctx) {
        await ctx.step('home up', () => ctx.setupHome({}));
        await ctx.step('the next Metering report', () => snapshotNear(ctx, ctx.time.now(), 'with the snapshot time'));
      },
    },
    {
      name: 'clock sync: the meter follows the hub’s Time cluster (hub clock +2 h)',
      async run(ctx) {
        await ctx.step('home up', () => ctx.setupHome({}));
        const t = ctx.time.now();
        await ctx.step('jump the hub clock 2 h', async () => ctx.clock.jump(120 * MIN));
        await ctx.step('the meter reads the hub’s Time', () => expectFrame(ctx, 'a Read Attributes on the Time cluster', (f) => f.dst === 'gpf' && f.clusterId === ClusterId.time && f.frame.command.kind === 'readAttributes' && f.frame.command.attributeIds.includes(Time.Time.id), t, 6_000));
        await ctx.time.sleep(500);
        await ctx.step('its next snapshot time is on the new hub time', () => snapshotNear(ctx, ctx.time.now(), 'after the sync'));
      },
    },
    {
      name: 'retries: an unacknowledged report is repeated with the same snapshot',
      async run(ctx) {
        await ctx.step('home up', () => ctx.setupHome({}));
        await ctx.step('cut GPF → GSME (no Default Responses reach the meter)', async () => ctx.home.cut('gpf', 'gsme'));
        await ctx.step('the same burst again after the ack timeout', async () => {
          const t = ctx.time.now();
          const key = ctx.config.firmware === 'legacy' ? Metering.CurrentSummationDelivered.id : Metering.ReadingSnapshotTime.id;
          const carries = (f: SeenFrame) => meteringReport(f) && f.frame !== null && reported(f.frame, key) !== undefined;
          const a = await expectFrame(ctx, 'a Metering report', carries, t, 5_000);
          const b = await expectFrame(ctx, 'its retry', carries, a.wallMs + 1, 3_000);
          const sa = reported(a.frame, Metering.CurrentSummationDelivered.id);
          const sb = reported(b.frame, Metering.CurrentSummationDelivered.id);
          const ta = reported(a.frame, Metering.ReadingSnapshotTime.id);
          const tb = reported(b.frame, Metering.ReadingSnapshotTime.id);
          if (sa !== sb || ta !== tb) throw new HilFailure(`expected the retry to repeat the same snapshot; saw ${String(ta)}/${String(sa)} then ${String(tb)}/${String(sb)}`);
          if (b.wallMs - a.wallMs < 300) throw new HilFailure(`expected the retry after the ack timeout (500 ms); saw it ${Math.round(b.wallMs - a.wallMs)} ms later`);
        });
      },
    },
    {
      name: 'prepayment: a top-up from the PPMID reaches the meter at its wake and shows in its reports',
      async run(ctx) {
        await ctx.step('home up', () => ctx.setupHome({}));
        const c0 = await ctx.step('the meter’s balance', async () => {
          const s = await expectState(ctx, 'with creditGbp', (x) => typeof x['creditGbp'] === 'number');
          return s['creditGbp'] as number;
        });
        await ctx.time.sleep(1_500); // the PPMID learns the money unit from its first poll
        const pressed = ctx.time.now();
        await ctx.step('customer tops up £5 at the PPMID', async () => ctx.home.device('ppmid').send({ type: 'BUTTON', action: 'topUp', utrn: ctx.utrn(5) }));
        await ctx.step('the meter’s state shows the credit', () => expectState(ctx, `creditGbp above £${(c0 + 4.9).toFixed(2)}`, (x) => typeof x['creditGbp'] === 'number' && x['creditGbp'] > c0 + 4.9, 8_000));
        await ctx.step('its next Prepayment report carries it', () =>
          expectFrame(ctx, 'a Prepayment report with the topped-up credit', (f) => f.dst === 'gpf' && f.clusterId === ClusterId.prepayment && Number(reported(f.frame, Prepayment.CreditRemaining.id) ?? 0) > (c0 + 4.9) * 100_000, pressed, 8_000),
        );
      },
    },
  ],
};
