/**
 * gpf-conformance: the GPF's mirror and 0x0007 behaviour for new and legacy GSMEs, its Time
 * cluster, commands queued for the sleepy GSME, and its remote responses as Parse & Correlate
 * decodes them. The harness plays the GSME and a PPMID; the cases run in order from an empty
 * mirror (the DUT is fresh at the start of the suite).
 */
import { ClusterId, Metering, Prepayment, Time, TimeStatusBit, ZclStatus } from '../../firmware/zcl/index.ts';
import { expectFrame } from '../expect.ts';
import { HilFailure } from '../types.ts';
import type { HilContext, HilSuite } from '../types.ts';
import { connectHarnessSupplier } from '../wan.ts';
import { readRecord, utcToMs } from './frames.ts';

const MIN = 60_000;

/** The DUT's next answer to the harness PPMID's read of `clusterId`. */
function nextAnswer(ctx: HilContext, clusterId: number, what: string, test: (f: import('../../firmware/zcl/index.ts').ZclFrame) => boolean = () => true) {
  return expectFrame(ctx, `${what} (a Read Attributes Response on 0x${clusterId.toString(16).padStart(4, '0')} to the PPMID)`, (f) => f.dst === 'ppmid' && f.clusterId === clusterId && f.frame.command.kind === 'readAttributesResponse' && test(f.frame), ctx.time.now(), 5_000);
}

function snapshotExpectation(ctx: HilContext, f: import('../../firmware/zcl/index.ts').ZclFrame, wantTime: boolean): void {
  const r = readRecord(f, Metering.ReadingSnapshotTime.id);
  const legacy = ctx.config.firmware === 'legacy';
  if (legacy) {
    if (!r || !('status' in r) || r.status !== ZclStatus.UNSUPPORTED_ATTRIBUTE) throw new HilFailure(`expected 0x0007 UNSUPPORTED_ATTRIBUTE (0x86) from a legacy GPF; saw ${JSON.stringify(r)}`);
    return;
  }
  if (!r || !('value' in r)) throw new HilFailure(`expected 0x0007 with a value from a new GPF; saw ${JSON.stringify(r)}`);
  const ms = utcToMs(r.value);
  if (!wantTime && r.value !== 0xffffffff) throw new HilFailure(`expected 0x0007 = 0xFFFFFFFF (no GSME time yet); saw ${String(r.value)}`);
  if (wantTime && (ms === null || Math.abs(ms - ctx.clock.now()) > MIN)) throw new HilFailure(`expected 0x0007 = the GSME's snapshot time (within a minute of ${new Date(ctx.clock.now()).toISOString()}); saw ${ms === null ? 'invalid' : new Date(ms).toISOString()}`);
}

export const gpfConformance: HilSuite = {
  name: 'gpf-conformance',
  device: 'gpf',
  description: 'GPF: mirror and 0x0007 for new and legacy GSMEs, Time cluster, queued commands, remote responses',
  cases: [
    {
      name: 'empty mirror: 0x0007 unpopulated, balance unsupported',
      async run(ctx) {
        await ctx.step('a PPMID joins, no GSME yet', async () => {
          await ctx.home.stop('gsme');
          await ctx.home.start('ppmid');
        });
        await ctx.step('0x0007 reads 0xFFFFFFFF (new GPF) or 0x86 (legacy GPF)', async () => snapshotExpectation(ctx, (await nextAnswer(ctx, ClusterId.metering, 'a Metering answer')).frame, false));
        await ctx.step('CreditRemaining is not there yet (0x86)', async () => {
          const f = (await nextAnswer(ctx, ClusterId.prepayment, 'a Prepayment answer')).frame;
          const r = readRecord(f, Prepayment.CreditRemaining.id);
          if (!r || !('status' in r)) throw new HilFailure(`expected CreditRemaining UNSUPPORTED_ATTRIBUTE from an empty mirror; saw ${JSON.stringify(r)}`);
        });
      },
    },
    {
      name: 'legacy GSME: mirror filled, 0x0007 still unpopulated',
      async run(ctx) {
        await ctx.step('home up: legacy GSME', () => ctx.setupHome({ gsme: { firmware: 'legacy' } }));
        await ctx.step('the report is acknowledged (Default Response SUCCESS)', () =>
          expectFrame(ctx, 'a Default Response SUCCESS to the GSME', (f) => f.dst === 'gsme' && f.frame.command.kind === 'defaultResponse' && f.frame.command.status === 0, ctx.since, 5_000),
        );
        await ctx.step('CreditRemaining = £10 from the mirror', () => nextAnswer(ctx, ClusterId.prepayment, 'CreditRemaining 1000000', (f) => { const r = readRecord(f, Prepayment.CreditRemaining.id); return !!r && 'value' in r && Math.abs(Number(r.value) - 1_000_000) < 1000; }));
        await ctx.step('0x0007 still 0xFFFFFFFF (new GPF) or 0x86 (legacy GPF)', async () => snapshotExpectation(ctx, (await nextAnswer(ctx, ClusterId.metering, 'a Metering answer')).frame, false));
      },
    },
    {
      name: 'new GSME: 0x0007 is the snapshot time (legacy GPF: 0x86)',
      async run(ctx) {
        await ctx.step('home up: new GSME', () => ctx.setupHome({}));
        await ctx.time.sleep(2_500); // one wake of the GSME (hil profile: every 2 s)
        await ctx.step('0x0007 as the firmware requires', async () => snapshotExpectation(ctx, (await nextAnswer(ctx, ClusterId.metering, 'a Metering answer')).frame, true));
      },
    },
    {
      name: 'Time cluster: hub time, synchronised, served to the GSME and the PPMID',
      async run(ctx) {
        await ctx.step('home up', () => ctx.setupHome({}));
        await ctx.step('Time within 5 s of the bench clock, TimeStatus master or synchronised', async () => {
          const f = (await nextAnswer(ctx, ClusterId.time, 'a Time answer')).frame;
          const t = readRecord(f, Time.Time.id);
          const st = readRecord(f, Time.TimeStatus.id);
          const ms = t && 'value' in t ? utcToMs(t.value) : null;
          if (ms === null || Math.abs(ms - ctx.time.epochMs()) > 5_000) throw new HilFailure(`expected Time within 5 s of ${new Date(ctx.time.epochMs()).toISOString()}; saw ${ms === null ? JSON.stringify(t) : new Date(ms).toISOString()}`);
          if (!st || !('value' in st) || (Number(st.value) & (TimeStatusBit.master | TimeStatusBit.synchronized)) === 0) throw new HilFailure(`expected TimeStatus with master or synchronised set; saw ${JSON.stringify(st)}`);
        });
        await ctx.step('the GSME’s clock sync is answered too', () =>
          expectFrame(ctx, 'a Time answer to the GSME', (f) => f.dst === 'gsme' && f.clusterId === ClusterId.time && f.frame.command.kind === 'readAttributesResponse', ctx.since, 6_000),
        );
      },
    },
    {
      name: 'top-up from a PPMID: acknowledged, held for the GSME’s wake, effect mirrored',
      async run(ctx) {
        await ctx.step('home up', () => ctx.setupHome({}));
        await ctx.time.sleep(1_500); // the PPMID learns the money unit from its first poll
        const before = await ctx.step('balance before', async () => {
          const f = (await nextAnswer(ctx, ClusterId.prepayment, 'a Prepayment answer with a balance', (x) => { const r = readRecord(x, Prepayment.CreditRemaining.id); return !!r && 'value' in r; })).frame;
          return Number((readRecord(f, Prepayment.CreditRemaining.id) as { value: number }).value);
        });
        const pressed = ctx.time.now();
        await ctx.step('customer tops up £5 at the PPMID', async () => ctx.home.device('ppmid').send({ type: 'BUTTON', action: 'topUp', utrn: ctx.utrn(5) }));
        await ctx.step('the GPF acknowledges the PPMID (Default Response SUCCESS)', () =>
          expectFrame(ctx, 'a Default Response SUCCESS on Prepayment to the PPMID', (f) => f.dst === 'ppmid' && f.clusterId === ClusterId.prepayment && f.frame.command.kind === 'defaultResponse' && f.frame.command.status === 0, pressed, 3_000),
        );
        await ctx.step('the GPF forwards ConsumerTopUp to the GSME at its wake', () =>
          expectFrame(ctx, 'a ConsumerTopUp (0x04) from the GPF to the GSME', (f) => f.dst === 'gsme' && f.clusterId === ClusterId.prepayment && f.frame.header.frameType === 'cluster' && f.frame.header.commandId === 0x04, pressed, 6_000),
        );
        await ctx.step('the mirror shows the new balance', () => nextAnswer(ctx, ClusterId.prepayment, `CreditRemaining above ${before + 490_000}`, (f) => { const r = readRecord(f, Prepayment.CreditRemaining.id); return !!r && 'value' in r && Number(r.value) > before + 490_000; }).catch(async () => nextAnswer(ctx, ClusterId.prepayment, `CreditRemaining above ${before + 490_000}`, (f) => { const r = readRecord(f, Prepayment.CreditRemaining.id); return !!r && 'value' in r && Number(r.value) > before + 490_000; })));
      },
    },
    {
      name: 'remote responses: GCS13a and GCS60a (legacy GPF: GCS60) as Parse & Correlate decodes them',
      async run(ctx) {
        await ctx.step('home up: new GSME', () => ctx.setupHome({}));
        await ctx.time.sleep(2_500); // one wake of the GSME (hil profile: every 2 s): its snapshot is in the mirror
        const legacy = ctx.config.firmware === 'legacy';
        const supplier = await ctx.step('a supplier on the hub’s WAN topic', () => connectHarnessSupplier(ctx));
        try {
          if (legacy) {
            // GCS60a exists only on SECMP0015 devices: a legacy GPF reads the balance as GCS60, no date-time.
            await ctx.step('GCS60: MAC valid, no date-time', async () => {
              const p = await supplier.ask('GCS60', 5_000);
              if (p.mac !== 'valid' || p.dateTime !== null || p.timeStatus !== null) throw new HilFailure(`expected a valid MAC and no date-time; saw dateTime ${p.dateTime}, timeStatus ${JSON.stringify(p.timeStatus)}, mac ${p.mac}`);
            });
          }
          for (const useCase of legacy ? (['GCS13a'] as const) : (['GCS13a', 'GCS60a'] as const)) {
            await ctx.step(`${useCase}: MAC valid, date-time ${legacy ? 'the hub’s (isFromGsme false)' : 'the GSME’s snapshot (isFromGsme true)'}, RELIABLE`, async () => {
              const asked = ctx.clock.now();
              const p = await supplier.ask(useCase, 5_000);
              const seen = `saw dateTime ${p.dateTime}, timeStatus ${JSON.stringify(p.timeStatus)}, mac ${p.mac}`;
              if (p.mac !== 'valid') throw new HilFailure(`expected a response MAC that verifies; ${seen}`);
              if (p.timeStatus?.isFromGsme !== !legacy || p.timeStatus.clockStatus !== 'RELIABLE') throw new HilFailure(`expected timeStatus { isFromGsme: ${!legacy}, clockStatus: RELIABLE }; ${seen}`);
              const at = p.dateTime === null ? null : Date.parse(p.dateTime);
              // GSME time: its last snapshot, taken within the last wake cycle; hub time: when the hub answered.
              const ok = at !== null && (legacy ? Math.abs(at - asked) < 5_000 : at <= asked + 1_000 && asked - at < MIN);
              if (!ok) throw new HilFailure(`expected the date-time ${legacy ? `within 5 s of the hub time ${new Date(asked).toISOString()}` : `of a snapshot within the minute before ${new Date(asked).toISOString()}`}; ${seen}`);
              if (useCase === 'GCS13a') {
                const reading = p.components.flatMap((c) => c.attributes).find((a) => a.name === 'CurrentSummationDelivered');
                if (!reading || reading.status !== 'SUCCESS' || reading.raw === undefined) throw new HilFailure(`expected CurrentSummationDelivered with a value from the mirror; saw ${JSON.stringify(reading)}`);
              }
            });
          }
        } finally {
          await supplier.close();
        }
      },
    },
  ],
};
