/**
 * ppmid-conformance: the PPMID's rows of the compatibility matrix and its freshness promise,
 * checked from the outside. The harness plays the GSME and the GPF; time moves through the GPF's
 * Time cluster (the harness jumps the hub clock), so "late" and "stale" take seconds.
 */
import type { ScreenModel } from '../../firmware/display/index.ts';
import { ClusterId, encodeZclFrame, Prepayment, ZclGeneralCommand } from '../../firmware/zcl/index.ts';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { InFlight } from '../../han/in-flight.ts';
import { connectHanDevice } from '../../han/mqtt-han.ts';
import { hanTopic } from '../../han/topics.ts';
import { HIL_EUIS, hilSecret } from '../config.ts';
import { describeScreen, expectFrame, expectLog, expectNoScreen, expectScreen } from '../expect.ts';
import { HilFailure, HilSkip } from '../types.ts';
import type { HilContext, HilSuite } from '../types.ts';

const MIN = 60_000;
/** £ in the GSME's money unit (PriceTrailingDigit 0x50). */
const POUND = 100_000;

const hasBalance = (s: ScreenModel) => s.credit !== null;
const freshFromGsme = (s: ScreenModel) => s.freshness === 'fresh' && hasBalance(s) && s.lastUpdate?.source === 'gsme';
const hasWarning = (s: ScreenModel, code: string) => s.warnings.some((w) => w.code === code);

/** A new GSME and a new GPF; the DUT settles on a fresh balance with the meter's time. */
async function freshHome(ctx: HilContext, setup: Parameters<HilContext['setupHome']>[0] = {}): Promise<ScreenModel> {
  await ctx.step('home up: GSME and GPF (SECMP0015)', () => ctx.setupHome(setup));
  return ctx.step('DUT shows a fresh balance with the meter’s time', () => expectScreen(ctx, 'a fresh screen with a balance and the GSME’s time', freshFromGsme, 10_000));
}

/** The GSME's reports stop reaching the GPF (a HAN fault between meter and hub). */
function cutMeter(ctx: HilContext): void {
  ctx.home.cut('gsme', 'gpf');
  ctx.home.cut('gpf', 'gsme');
}

export const ppmidConformance: HilSuite = {
  name: 'ppmid-conformance',
  device: 'ppmid',
  description: 'PPMID: compatibility matrix, freshness, clock problems, prepayment, HAN faults, hostile frames',
  cases: [
    {
      name: 'new GSME + new GPF: fresh balance with the meter time',
      async run(ctx) {
        const s = await freshHome(ctx);
        await ctx.step('the time shown is the snapshot time (within a minute of the hub clock)', async () => {
          const at = Date.parse(s.lastUpdate!.at);
          await expectScreen(ctx, `"Updated HH:MM" near the hub time ${new Date(ctx.clock.now()).toISOString()}`, (x) => x.lastUpdate !== null && Math.abs(Date.parse(x.lastUpdate.at) - ctx.clock.now()) < MIN && x.lines.some((l) => l.startsWith('Updated ')), 2_000);
          return at;
        });
      },
    },
    {
      name: 'freshness: late after one missed update (hub clock +40 min)',
      freshness: true,
      async run(ctx) {
        await freshHome(ctx);
        await ctx.step('cut GSME↔GPF, jump the hub clock 40 min', async () => {
          cutMeter(ctx);
          await ctx.time.sleep(1_500); // one PPMID poll (hil profile: every 1 s): it has read what the mirror held before the cut
          ctx.clock.jump(40 * MIN);
        });
        await ctx.step('DUT shows the balance as late', () => expectScreen(ctx, 'a late screen ("update overdue")', (s) => s.freshness === 'late' && s.lines.some((l) => l.includes('overdue'))));
        await ctx.step('link back: fresh again', async () => {
          ctx.home.restore();
          await expectScreen(ctx, 'a fresh screen after the GSME reports again', freshFromGsme, 10_000);
        });
      },
    },
    {
      name: 'freshness: stale after two missed updates (hub clock +70 min)',
      freshness: true,
      async run(ctx) {
        await freshHome(ctx);
        await ctx.step('cut GSME↔GPF, jump the hub clock 70 min', async () => {
          cutMeter(ctx);
          await ctx.time.sleep(1_500); // one PPMID poll (hil profile: every 1 s): it has read what the mirror held before the cut
          ctx.clock.jump(70 * MIN);
        });
        await ctx.step('DUT shows the stale warning', () =>
          expectScreen(ctx, 'a stale screen with "Balance last confirmed at HH:MM … may be lower now"', (s) => s.freshness === 'stale' && hasWarning(s, 'stale') && s.lines.some((l) => l.startsWith('Balance last confirmed at'))),
        );
        await ctx.step('link back: fresh again', async () => {
          ctx.home.restore();
          await expectScreen(ctx, 'a fresh screen after the GSME reports again', freshFromGsme, 10_000);
        });
      },
    },
    {
      name: 'legacy GPF (0x0007 unsupported): time of reading unknown',
      async run(ctx) {
        await ctx.step('home up: new GSME, legacy GPF', () => ctx.setupHome({ gpf: { firmware: 'legacy' } }));
        await ctx.step('DUT says the time of reading is unknown', () =>
          expectScreen(ctx, 'an unknown-time screen ("Time of reading unknown")', (s) => s.freshness === 'unknown' && hasBalance(s) && s.lastUpdate?.source !== 'gsme' && s.lines.some((l) => l.startsWith('Time of reading unknown')), 10_000),
        );
      },
    },
    {
      name: 'legacy GSME (0x0007 = 0xFFFFFFFF): time of reading unknown',
      async run(ctx) {
        await ctx.step('home up: legacy GSME, new GPF', () => ctx.setupHome({ gsme: { firmware: 'legacy' } }));
        await ctx.step('DUT says the time of reading is unknown', () =>
          expectScreen(ctx, 'an unknown-time screen ("Time of reading unknown")', (s) => s.freshness === 'unknown' && hasBalance(s) && s.lastUpdate?.source !== 'gsme' && s.lines.some((l) => l.startsWith('Time of reading unknown')), 10_000),
        );
      },
    },
    {
      name: 'clock problem: the hub says its time is not synchronised',
      async run(ctx) {
        await freshHome(ctx);
        await ctx.step('GPF restarts serving TimeStatus 0 (neither master nor synchronised)', () => ctx.setupHome({ gpf: { config: { timeStatus: 0 } } }));
        await ctx.step('DUT shows a clock problem', () => expectScreen(ctx, 'a clock-problem screen', (s) => s.freshness === 'clockProblem' && hasWarning(s, 'clockProblem'), 10_000));
      },
    },
    {
      name: 'clock problem: the meter’s time is 10 min ahead',
      async run(ctx) {
        await ctx.step('home up: GSME clock unsynchronised, 10 min fast', () => ctx.setupHome({ gsme: { config: { clockFault: 'unsynchronised', clockOffsetMs: 10 * MIN } } }));
        await ctx.step('DUT shows the reading time with a clock caveat', () =>
          expectScreen(ctx, 'a clock-problem screen ("Received HH:MM — clock problem")', (s) => s.freshness === 'clockProblem' && s.lines.some((l) => l.includes('clock problem')), 10_000),
        );
      },
    },
    {
      name: 'emergency credit: available, then in use after activation at the meter',
      async run(ctx) {
        await ctx.step('home up: GSME with no credit left', () => ctx.setupHome({ gsme: { config: { initialCredit: 0 } } }));
        await ctx.step('DUT shows EC available', () => expectScreen(ctx, 'a fresh screen with emergency credit available', (s) => freshFromGsme(s) && s.ec === 'available', 10_000));
        await ctx.step('customer activates EC at the meter', async () => ctx.home.device('gsme').send({ type: 'METER_BUTTON', action: 'activateEc' }));
        await ctx.step('DUT shows EC in use', () => expectScreen(ctx, 'a screen with emergency credit in use', (s) => s.ec === 'inUse' && hasWarning(s, 'ecInUse'), 10_000));
      },
    },
    {
      name: 'top-up during an outage: old balance until the meter reports, then the new one',
      async run(ctx) {
        const before = await freshHome(ctx);
        const credit0 = before.credit!;
        await ctx.step('cut GSME↔GPF; customer keys in £20 at the meter', async () => {
          cutMeter(ctx);
          await ctx.time.sleep(1_500); // one PPMID poll (hil profile: every 1 s): it has read what the mirror held before the cut
          ctx.home.device('gsme').send({ type: 'METER_BUTTON', action: 'topUp', utrn: ctx.utrn(20) });
        });
        await ctx.step('during the outage the DUT cannot know: no new balance appears', () => expectNoScreen(ctx, `balance above £${(credit0 + 1).toFixed(2)} during the outage`, (s) => (s.credit ?? 0) > credit0 + 1, 3_000));
        await ctx.step('link back: the new balance, fresh', async () => {
          ctx.home.restore();
          await expectScreen(ctx, `a fresh screen with about £${(credit0 + 20).toFixed(2)}`, (s) => freshFromGsme(s) && (s.credit ?? 0) > credit0 + 19, 10_000);
        });
      },
    },
    {
      name: 'HAN lost and recovered (the GPF stops answering)',
      async run(ctx) {
        await freshHome(ctx);
        await ctx.step('GPF switched off', () => ctx.home.stop('gpf'));
        await ctx.step('DUT says the HAN is lost', () => expectScreen(ctx, 'a HAN-lost screen ("No connection to the meter")', (s) => s.freshness === 'hanLost' && hasWarning(s, 'hanLost'), 8_000));
        await ctx.step('GPF back: fresh again', async () => {
          await ctx.home.start('gpf');
          await expectScreen(ctx, 'a fresh screen after the GPF is back', freshFromGsme, 10_000);
        });
      },
    },
    {
      name: 'GPF restart with an empty mirror: no old balance shown as current',
      async run(ctx) {
        await freshHome(ctx);
        await ctx.step('cut GSME↔GPF, restart the GPF (mirror empty)', async () => {
          await ctx.home.stop('gpf');
          await ctx.home.start('gpf');
          cutMeter(ctx);
        });
        await ctx.step('DUT drops the balance it can no longer read', () => expectScreen(ctx, 'a screen without a fresh GSME-timed balance (noData)', (s) => s.freshness === 'noData' || (!freshFromGsme(s) && s.freshness !== 'fresh'), 8_000));
        await ctx.step('GSME reports again: fresh', async () => {
          ctx.home.restore();
          await expectScreen(ctx, 'a fresh screen once the mirror is filled', freshFromGsme, 10_000);
        });
      },
    },
    {
      name: 'broker restart: the DUT reconnects and resubscribes',
      async run(ctx) {
        const restart = ctx.restartBroker;
        if (!restart && ctx.dut.target.startsWith('inproc')) throw new HilSkip('the in-process bus has no broker to restart (and no reconnection): the emulator and node boards test this');
        if (!restart) throw new HilSkip('the broker is not the harness’s own (an external DUT): restart it by hand to test this');
        await freshHome(ctx);
        let back = 0;
        await ctx.step('broker down for 2 s, then up on the same port', async () => {
          await restart(2_000);
          back = ctx.time.now();
        });
        await ctx.step('DUT reads the GPF again (it resubscribed: answers reach it)', async () => {
          await expectFrame(ctx, 'a Read Attributes from the DUT after the restart', (f) => f.dst === 'gpf' && f.frame.command.kind === 'readAttributes', back, 10_000);
          const since = ctx.observe.screens().length;
          await expectScreen(ctx, 'a fresh screen published after the restart', (s) => freshFromGsme(s) && ctx.observe.screens().length > since, 15_000);
        });
      },
    },
    {
      name: 'malformed and spoofed frames: ignored, logged, no crash',
      async run(ctx) {
        const before = await freshHome(ctx);
        const logFrom = ctx.dut.logLines()?.length ?? 0;
        const fake = 999;
        await ctx.step('GPF sends a malformed frame (2 bytes)', async () => ctx.home.transport('gpf').send(ctx.dut.eui, ClusterId.prepayment, Uint8Array.of(0x18, 0x01)));
        await ctx.step('another device sends Read Attributes Responses claiming £999, every sequence number', async () => {
          // A device that joined the HAN (it has its own account): it may speak, only as itself.
          const intruder = await connectHanDevice({ url: ctx.brokerUrl, premises: ctx.config.premises, eui: HIL_EUIS.intruder, secret: hilSecret(ctx.config, HIL_EUIS.intruder), device: 'harness-intruder', inFlight: new InFlight(), isSimDevice: () => false, onError: () => {} });
          try {
            for (let seq = 0; seq < 256; seq++) intruder.send(ctx.dut.eui, ClusterId.prepayment, fakeCreditResponse(seq, fake * POUND));
            await ctx.time.sleep(200);
          } finally {
            await intruder.close();
          }
        });
        await ctx.step('another device publishes as the GPF (the broker must refuse it)', async () => {
          const c = await intruderClient(ctx);
          await c.publishAsync(hanTopic(ctx.config.premises, ctx.dut.eui, HIL_EUIS.gpf, ClusterId.prepayment), Buffer.from(fakeCreditResponse(0, fake * POUND))).catch(() => {});
          await c.endAsync();
        });
        await ctx.step('another device publishes a fresh £999 screen as the DUT’s (the broker must refuse it: the harness judges by that screen)', async () => {
          const from = ctx.time.now();
          const c = await intruderClient(ctx);
          const screen = JSON.stringify({ ...before, credit: fake, lines: [`Credit £${fake}.00`] });
          for (const name of [ctx.config.device, ctx.config.eui]) await c.publishAsync(`hanlab/${ctx.config.premises}/${name}/screen`, screen, { qos: 0, retain: true }).catch(() => {});
          await c.endAsync();
          await ctx.time.sleep(500);
          const hit = ctx.observe.screens().find((e) => e.wallMs >= from && (e.value.credit ?? 0) >= fake);
          if (hit) throw new HilFailure(`the broker let another device write the DUT's screen topic: saw ${describeScreen(hit.value)}`, hit.value);
        });
        await ctx.step('DUT never shows the spoofed balance', () => expectNoScreen(ctx, `spoofed balance £${fake}`, (s) => s.credit !== null && s.credit >= fake, 2_500));
        await ctx.step('DUT still running and fresh', () => expectScreen(ctx, `a fresh screen with the real balance (about £${before.credit!.toFixed(2)})`, (s) => freshFromGsme(s) && Math.abs((s.credit ?? 0) - before.credit!) < 1));
        await ctx.step('DUT logged the malformed frame and the foreign one', async () => {
          await expectLog(ctx, 'about the malformed frame', /malformed/i, logFrom);
          await expectLog(ctx, 'about the frame from a device that is not its GPF', /not our GPF|foreign|ignored/i, logFrom);
        });
      },
    },
  ],
};

/** A raw MQTT client logged in as the intruder: a HAN device with an account of its own. */
async function intruderClient(ctx: HilContext): Promise<MqttClient> {
  try {
    const login = { clientId: HIL_EUIS.intruder, username: HIL_EUIS.intruder, password: hilSecret(ctx.config, HIL_EUIS.intruder) };
    const c =
      typeof ctx.brokerUrl === 'string'
        ? await connectAsync(ctx.brokerUrl, { protocolVersion: 4, ...login, clean: true, reconnectPeriod: 0, connectTimeout: 5_000 }, false)
        : ((await ctx.brokerUrl.connectAsync(login)) as unknown as MqttClient);
    c.on('error', () => {});
    return c;
  } catch (err) {
    throw new HilFailure(`the broker refused the harness's intruder account ${HIL_EUIS.intruder} (${(err as Error).message}): does it hold the run's accounts (hanlab hil --print-broker-files)?`);
  }
}

/** A Prepayment Read Attributes Response (GPF → PPMID direction) with CreditRemaining = raw. */
function fakeCreditResponse(seq: number, raw: number): Uint8Array {
  return encodeZclFrame({
    header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.readAttributesResponse },
    command: { kind: 'readAttributesResponse', records: [{ attributeId: Prepayment.CreditRemaining.id, status: 0, type: Prepayment.CreditRemaining.type, value: raw }] },
  });
}
