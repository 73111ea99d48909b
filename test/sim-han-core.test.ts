import { describe, expect, it } from 'vitest';
import { InFlight, InFlightTimeoutError } from '../han/in-flight.ts';
import {
  formatClusterId,
  hanSubscription,
  hanTopic,
  isEui64,
  observeTopic,
  parseHanTopic,
  parseObserveTopic,
  parseTopic,
  parseWanTopic,
  TopicError,
  wanTopic,
} from '../han/topics.ts';

const GSME = '00112233445566AA';
const GPF = '00112233445566BB';

describe('InFlight', () => {
  it('is idle at once when nothing is outstanding', async () => {
    const f = new InFlight();
    expect(f.idle).toBe(true);
    await expect(f.whenIdle()).resolves.toBeUndefined();
  });

  it('resolves when the count returns to zero', async () => {
    const f = new InFlight();
    f.add(1, 'a');
    f.add(2, 'b');
    let resolved = false;
    const idle = f.whenIdle().then(() => (resolved = true));
    f.done('b');
    f.done('a');
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(f.outstanding()).toEqual(new Map([['b', 1]]));
    f.done('b');
    await idle;
    expect(resolved).toBe(true);
    expect(f.size).toBe(0);
  });

  it('throws on a done() without add()', () => {
    const f = new InFlight();
    expect(() => f.done('x')).toThrow(/nothing in flight/);
  });

  it('watchdog: rejects naming the outstanding topics', async () => {
    const f = new InFlight({ timeoutMs: 50 });
    const topic = hanTopic('P1', GPF, GSME, 0x0702);
    f.add(1, topic);
    f.add(1, topic);
    f.add(1, hanTopic('P1', GSME, GPF, 0x000a));
    const err = await f.whenIdle().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InFlightTimeoutError);
    const message = (err as Error).message;
    expect(message).toContain('not idle after 50 ms');
    expect(message).toContain(`han/P1/${GPF}/${GSME}/0702 ×2`);
    expect(message).toContain(`han/P1/${GSME}/${GPF}/000A`);
    expect((err as InFlightTimeoutError).outstanding.get(topic)).toBe(2);
  });

  it('fail() rejects the pending and later waits; track() counts a promise', async () => {
    const f = new InFlight();
    let release!: () => void;
    f.track(new Promise<void>((r) => (release = r)), 'crypto');
    expect(f.size).toBe(1);
    const idle = f.whenIdle();
    release();
    await idle;
    f.add(1, 'x');
    const waiting = f.whenIdle();
    f.fail(new Error('handler threw'));
    await expect(waiting).rejects.toThrow('handler threw');
    await expect(f.whenIdle()).rejects.toThrow('handler threw');
    f.reset();
    await expect(f.whenIdle()).resolves.toBeUndefined();
    f.track(Promise.reject(new Error('async boom')), 'y');
    await expect(f.whenIdle()).rejects.toThrow('async boom');
  });
});

describe('topics', () => {
  it('builds and parses HAN topics (round trip)', () => {
    const topic = hanTopic('premises-1', GPF, GSME, 0x0702);
    expect(topic).toBe(`han/premises-1/${GPF}/${GSME}/0702`);
    expect(parseHanTopic(topic)).toEqual({ ok: true, value: { premises: 'premises-1', dst: GPF, src: GSME, clusterId: 0x0702 } });
    for (const clusterId of [0, 0x000a, 0x0705, 0xfffe, 0xffff]) {
      const r = parseHanTopic(hanTopic('p', GSME, GPF, clusterId));
      expect(r.ok && r.value.clusterId).toBe(clusterId);
    }
    expect(hanTopic('p', GSME, GPF, 0xabc)).toMatch(/\/0ABC$/);
    expect(hanSubscription('p', GSME)).toBe(`han/p/${GSME}/#`);
    expect(formatClusterId(0x0a)).toBe('000A');
  });

  it('builds and parses observability and WAN topics', () => {
    expect(observeTopic('p', 'ppmid', 'screen')).toBe('hanlab/p/ppmid/screen');
    expect(parseObserveTopic('hanlab/p/ppmid/state')).toEqual({ ok: true, value: { premises: 'p', device: 'ppmid', kind: 'state' } });
    expect(wanTopic('p', GPF, 'command')).toBe(`wan/p/${GPF}/command`);
    expect(parseWanTopic(`wan/p/${GPF}/response`)).toEqual({ ok: true, value: { premises: 'p', chEui: GPF, kind: 'response' } });
    const any = parseTopic(hanTopic('p', GPF, GSME, 0x0705));
    expect(any.ok && any.value.type).toBe('han');
    expect(parseTopic('hanlab/p/d/state').ok).toBe(true);
    expect(parseTopic(`wan/p/${GPF}/command`).ok).toBe(true);
  });

  it('rejects malformed topics with a typed error', () => {
    const bad: Array<[string, string]> = [
      [`han/p/${GPF}/${GSME}`, 'wrong-level-count'],
      [`han/p/${GPF}/${GSME}/0702/x`, 'wrong-level-count'],
      [`han/p/${GPF.toLowerCase()}/${GSME}/0702`, 'bad-eui'],
      [`han/p/${GPF}/0011223344556/0702`, 'bad-eui'],
      [`han/p/${GPF}/${GSME}/702`, 'bad-cluster'],
      [`han/p/${GPF}/${GSME}/070a`, 'bad-cluster'],
      [`han/p/${GPF}/${GSME}/0x02`, 'bad-cluster'],
      [`han//${GPF}/${GSME}/0702`, 'bad-premises'],
      [`hen/p/${GPF}/${GSME}/0702`, 'wrong-root'],
    ];
    for (const [topic, code] of bad) {
      const r = parseHanTopic(topic);
      expect(r.ok, topic).toBe(false);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(TopicError);
        expect(r.error.code, topic).toBe(code);
        expect(r.error.message).toContain(topic);
      }
    }
    expect(parseObserveTopic('hanlab/p/d/status').ok).toBe(false);
    expect(parseWanTopic('wan/p/notaneui/command').ok).toBe(false);
    expect(parseTopic('$SYS/broker/uptime').ok).toBe(false);
  });

  it('refuses to build invalid topics', () => {
    expect(() => hanTopic('p', 'abc', GSME, 1)).toThrow(TypeError);
    expect(() => hanTopic('p/q', GPF, GSME, 1)).toThrow(TypeError);
    expect(() => hanTopic('+', GPF, GSME, 1)).toThrow(TypeError);
    expect(() => hanTopic('p', GPF, GSME, 0x10000)).toThrow(RangeError);
    expect(() => hanTopic('p', GPF, GSME, 1.5)).toThrow(RangeError);
    expect(() => observeTopic('p', 'a#', 'state')).toThrow(TypeError);
    expect(isEui64(GSME)).toBe(true);
    expect(isEui64(GSME.toLowerCase())).toBe(false);
  });
});
