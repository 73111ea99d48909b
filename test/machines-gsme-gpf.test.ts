/** A GSME and a GPF actor connected through the test harness: the HAN conversation end to end. */
import { describe, expect, it } from 'vitest';
import type { Firmware } from '../firmware/machines/gsme-config.ts';
import { encodeConsumerTopUp, encodeSelectEmergencyCredit } from '../firmware/machines/prepayment-commands.ts';
import { testUtrn } from './support/utrn.ts';
import { UTC_TIME_INVALID, ZclStatus, utcTimeFromUnixMs } from '../firmware/zcl/index.ts';
import { EPOCH, GPF_EUI, GSME_EUI, Home, readRecord, reportedValue } from './machines-harness.ts';

const MONEY = 100_000;

describe('compatibility matrix (spec section 3): HAN read of 0x0007 and the remote date-time', () => {
  const rows: [Firmware, Firmware, 'snapshot' | 'invalid' | 'unsupported', boolean][] = [
    ['secmp0015', 'secmp0015', 'snapshot', true],
    ['legacy', 'secmp0015', 'invalid', false],
    ['secmp0015', 'legacy', 'unsupported', false],
    ['legacy', 'legacy', 'unsupported', false],
  ];
  for (const [gsmeFw, gpfFw, read, fromGsme] of rows) {
    it(`GSME ${gsmeFw} × GPF ${gpfFw}`, () => {
      const h = new Home({ gsmeFirmware: gsmeFw, gpfFirmware: gpfFw });
      h.advance(35 * 60_000, 0.002); // two wakes
      const wake = h.completeReportTimes().at(-1)!;
      const r = readRecord(h.ppmidRead(0x0702, [0x0007, 0x0000]), 0x0007);
      if (read === 'snapshot') expect(r).toEqual({ status: 0, value: utcTimeFromUnixMs(EPOCH + wake) });
      else if (read === 'invalid') expect(r).toEqual({ status: 0, value: UTC_TIME_INVALID });
      else expect(r).toEqual({ status: ZclStatus.UNSUPPORTED_ATTRIBUTE });
      // The other values are mirrored in every combination.
      expect(readRecord(h.ppmidRead(0x0702, [0x0000]), 0x0000)).toEqual({ status: 0, value: h.gsme.getSnapshot().context.snapshot!.metering[0]!.value });
      // GCS60a exists only on new devices: a legacy GPF answers Read Meter Balance as GCS60 only.
      const dt = h.wanRequest(gpfFw === 'secmp0015' ? 'GCS60a' : 'GCS13a').dateTime!;
      expect(dt.isFromGsme).toBe(fromGsme);
      expect(dt.clockStatus).toBe('RELIABLE');
      expect(dt.unixMs).toBe(fromGsme ? EPOCH + wake : h.hw.now());
      h.stop();
    });
  }
});

describe('HAN outage', () => {
  it('the GSME retries within its wake, then sleeps; the GPF copy keeps the last good values and time; it recovers at the next wake after the outage', () => {
    const h = new Home();
    const firstSnapshot = readRecord(h.ppmidRead(0x0702, [0x0007]), 0x0007).value;
    h.drop = (f) => f.src === GSME_EUI || f.dst === GSME_EUI;
    h.advance(2 * 3600_000, 0.002);
    const lost = h.frames.filter((f) => f.dropped && f.src === GSME_EUI && reportedValue(f.frame, 0xfffe) === 1);
    // 4 wakes × (1 + 2 retries)
    expect(lost.length).toBe(12);
    expect(h.gsme.getSnapshot().context.lastReport).toBe('failed');
    expect(h.gpf.getSnapshot().context.reportsReceived).toBe(1);
    expect(readRecord(h.ppmidRead(0x0702, [0x0007]), 0x0007).value).toBe(firstSnapshot);
    const creditAtGpf = readRecord(h.ppmidRead(0x0705, [0x0001]), 0x0001).value as number;
    expect(creditAtGpf).toBeGreaterThan(h.gsme.getSnapshot().context.pay.credit);
    h.drop = () => false;
    h.advance(31 * 60_000, 0.002);
    expect(h.gpf.getSnapshot().context.reportsReceived).toBe(2);
    expect(h.gsme.getSnapshot().context.lastReport).toBe('ok');
    expect(readRecord(h.ppmidRead(0x0705, [0x0001]), 0x0001).value).toBe(h.gsme.getSnapshot().context.snapshot!.prepayment![0]!.value);
  });

  it('a lost Default Response makes the GSME repeat the report; the GPF commits it again', () => {
    const h = new Home({ start: false });
    let dropped = 0;
    h.drop = (f) => f.src === GPF_EUI && f.frame.command.kind === 'defaultResponse' && dropped++ === 0;
    h.gsme.start();
    expect(h.completeReportTimes()).toEqual([0]);
    h.advance(10_000);
    expect(h.completeReportTimes()).toEqual([0, 10_000]);
    expect(h.gsme.getSnapshot().context.lastReport).toBe('ok');
    expect(h.gpf.getSnapshot().context.reportsReceived).toBe(2);
  });
});

describe('commands for the sleepy GSME', () => {
  it('a PPMID top-up is accepted at once, forwarded at the next wake before the Default Response, applied and re-reported in the same wake', () => {
    const h = new Home({ gsmeConfig: { initialCredit: 1 * MONEY } });
    h.advance(60_000, 0.002);
    expect(h.gsme.getSnapshot().value).toBe('sleeping');
    const ack = h.ppmidCommand(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 10)));
    expect(ack!.command).toEqual({ kind: 'defaultResponse', commandId: 0x04, status: ZclStatus.SUCCESS });
    expect(h.gpfStates.at(-1)!.pendingCommands).toEqual(['topUp']);
    const creditBefore = h.gsme.getSnapshot().context.pay.credit;
    h.advanceUntil(() => h.completeReportTimes().length >= 3, 40 * 60_000, 0.002);
    const wake = h.completeReportTimes()[1]!;
    expect(h.completeReportTimes()[2]).toBe(wake); // re-report in the same wake
    const sequence = h.frames.filter((f) => f.at === wake).map((f) => `${f.src === GSME_EUI ? 'gsme' : 'gpf'}:${f.clusterId.toString(16)}:${f.frame.command.kind}`);
    expect(sequence).toEqual([
      'gsme:702:reportAttributes',
      'gsme:700:reportAttributes',
      'gsme:705:reportAttributes',
      'gsme:702:reportAttributes',
      'gpf:705:other', // the forwarded top-up, before the Default Response
      'gpf:702:defaultResponse',
      'gsme:705:other', // ConsumerTopUpResponse (accepted) …
      'gpf:705:other', // … forwarded to the PPMID
      'gsme:a:readAttributes',
      'gpf:a:readAttributesResponse',
      'gsme:702:reportAttributes',
      'gsme:700:reportAttributes',
      'gsme:705:reportAttributes',
      'gsme:702:reportAttributes',
      'gpf:702:defaultResponse',
    ]);
    const credit = h.gsme.getSnapshot().context.pay.credit;
    expect(credit).toBeGreaterThan(creditBefore + 9 * MONEY);
    expect(readRecord(h.ppmidRead(0x0705, [0x0001]), 0x0001).value).toBe(h.gsme.getSnapshot().context.snapshot!.prepayment![0]!.value);
    expect(h.gpfStates.at(-1)!.pendingCommands).toEqual([]);
    expect(h.gsme.getSnapshot().value).toBe('sleeping');
  });

  it('prepayment end to end: credit runs out → supply off → PPMID activates EC → armed → customer enables → EC used → top-up → armed → on', () => {
    const h = new Home({ gsmeConfig: { initialCredit: 2 * MONEY, lowCreditThreshold: 1 * MONEY, unitPricePencePerKwh: 10, standingChargePencePerDay: 0 } });
    const flow = 0.05; // ≈ 5.6p a minute
    h.advanceUntil(() => h.gsme.getSnapshot().context.pay.supply === 0, 3 * 3600_000, flow);
    expect(h.gsmeLogs.map((l) => l.message)).toEqual(expect.arrayContaining(['low credit', 'emergency credit available', 'supply disabled: credit exhausted']));
    // The GPF learns it at the next wake.
    h.advanceUntil(() => readRecord(h.ppmidRead(0x0702, [0x0014]), 0x0014).value === 0, 31 * 60_000, flow);
    const status = readRecord(h.ppmidRead(0x0705, [0x0003]), 0x0003).value as number;
    expect(status & 0x08).toBe(0x08); // EC available
    expect(status & 0x40).toBe(0x40); // credit exhausted
    expect(h.ppmidCommand(0x00, encodeSelectEmergencyCredit(utcTimeFromUnixMs(h.hw.now())!, 2))!.command).toMatchObject({ status: 0 });
    h.advanceUntil(() => h.gpfStates.at(-1)!.pendingCommands instanceof Array && (h.gpfStates.at(-1)!.pendingCommands as string[]).length === 0 && h.gsme.getSnapshot().context.pay.supply === 1, 31 * 60_000, flow);
    expect(h.gsme.getSnapshot().context.pay.supply).toBe(1);
    expect(readRecord(h.ppmidRead(0x0702, [0x0014]), 0x0014).value).toBe(1); // re-reported in the same wake
    h.gsme.send({ type: 'METER_BUTTON', action: 'enableSupply' });
    h.advanceUntil(() => h.gsme.getSnapshot().context.pay.supply === 0, 3 * 3600_000, flow);
    expect(h.gsme.getSnapshot().context.pay.ec).toBe(0);
    h.ppmidCommand(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 2, 20)));
    h.advanceUntil(() => h.gsme.getSnapshot().context.pay.supply === 1, 31 * 60_000, flow);
    expect(h.gsme.getSnapshot().context.pay).toMatchObject({ ec: 5 * MONEY, ecSelected: false, credit: 15 * MONEY });
    h.gsme.send({ type: 'METER_BUTTON', action: 'enableSupply' });
    expect(h.gsmeStates.at(-1)).toMatchObject({ supply: 'on', creditGbp: 15 });
  });
});

describe('GSME clock reliability as the supplier sees it', () => {
  it('an unsynchronised GSME 10 min slow gives UNRELIABLE GSME time; with clock sync it becomes RELIABLE from the next wake', () => {
    const bad = new Home({ gsmeConfig: { clockOffsetMs: -10 * 60_000, clockFault: 'unsynchronised' } });
    bad.advance(2 * 3600_000);
    expect(bad.wanRequest('GCS13a').dateTime).toMatchObject({ isFromGsme: true, clockStatus: 'UNRELIABLE' });
    const good = new Home({ gsmeConfig: { clockOffsetMs: -10 * 60_000 } });
    expect(good.wanRequest('GCS13a').dateTime).toMatchObject({ isFromGsme: true, clockStatus: 'UNRELIABLE' }); // first report, before the sync
    good.advance(31 * 60_000);
    expect(good.wanRequest('GCS13a').dateTime).toMatchObject({ isFromGsme: true, clockStatus: 'RELIABLE' });
    expect(good.gpfStates.at(-1)).toMatchObject({ snapshotReliable: true });
  });
});
