/**
 * The `emulator` board: the PPMID bundle `hanlab build --board emulator` makes, run by QuickJS in
 * lockstep with the simulator's GSME and GPF over MQTT, shows the customer exactly what the Node
 * PPMID shows; and the board's faults (out of memory, a malformed frame) stay inside it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmulatorEngine, startEmulatorBoard } from '../boards/emulator/host.ts';
import type { EmulatorBoard, EmulatorEngine } from '../boards/emulator/host.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { createFrameBuffer } from '../firmware/display/render/framebuffer.ts';
import { drawScreen } from '../firmware/display/render/layout.ts';
import type { Platform } from '../firmware/platform/index.ts';
import { buildDevice } from '../boards/bundler/bundle.ts';
import { loadBoard } from '../boards/config/board-spec.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';

const outDir = mkdtempSync(join(tmpdir(), 'hanlab-emulator-')) + '/';
let engine: EmulatorEngine;
let ppmidCode: string;

beforeAll(async () => {
  engine = await loadEmulatorEngine();
  ppmidCode = (await buildDevice({ board: 'emulator', device: 'ppmid', outDir })).code;
});

/** The home as written (the comparison homes are other firmware, not what is compared here). */
const scenario = { ...builtinScenario('han-outage-prepay'), compare: false };

async function screensOf(start?: Parameters<typeof runSimulation>[1]): Promise<{ screens: ScreenModel[]; logs: TimelineEvent[] }> {
  const screens: ScreenModel[] = [];
  const logs: TimelineEvent[] = [];
  await runSimulation(scenario, {
    ...start,
    onEvent: (e) => {
      if (e.kind === 'screen') screens.push(e.screen);
      if (e.kind === 'log' && e.device === 'ppmid') logs.push(e);
    },
  });
  return { screens, logs };
}

function offlinePlatform(log: string[], sent: string[] = []): Platform & { deliver(src: string, clusterId: number, bytes: Uint8Array): void } {
  let handler: ((src: string, clusterId: number, bytes: Uint8Array) => void) | null = null;
  return {
    clock: { now: () => Date.UTC(2026, 0, 15) },
    timers: { setTimeout: () => 0, clearTimeout: () => {} },
    han: { send: (dst, c, f) => sent.push(`${dst}/${c}/${f.length}`), onFrame: (h) => (handler = h) },
    observe: { state: () => {}, screen: () => {} },
    log: { info: (m) => log.push(`info ${m}`), warn: (m, d) => log.push(`warn ${m} ${JSON.stringify(d ?? {})}`) },
    deliver: (src, clusterId, bytes) => handler?.(src, clusterId, bytes),
  };
}

const ppmidConfig = {
  device: 'ppmid',
  premises: 'home-1',
  eui: scenario.devices.ppmid.eui,
  peers: { gpf: scenario.devices.gpf.eui },
  firmware: 'secmp0015',
};

describe('emulator board', () => {
  it('the emulated PPMID publishes the same screen models as the Node PPMID over the whole scenario', async () => {
    const node = await screensOf();

    const budget = loadBoard('emulator').memory.budget;
    let board: EmulatorBoard | undefined;
    let lastDrawn: ScreenModel | null = null;
    const emulated = await screensOf({
      start: {
        ppmid: (platform, input) => {
          board = startEmulatorBoard(engine, {
            code: ppmidCode,
            config: { ...input, device: 'ppmid', premises: scenario.premises },
            memoryLimit: budget,
            platform: { ...platform, observe: { state: platform.observe.state, screen: (m) => { lastDrawn = m as ScreenModel; platform.observe.screen?.(m); } } },
          });
          return board;
        },
      },
    });

    expect(board?.fault ?? null).toBeNull();
    expect(emulated.logs.filter((l) => l.kind === 'log' && l.level === 'warn')).toEqual(node.logs.filter((l) => l.kind === 'log' && l.level === 'warn'));
    // Non-trivial: the run goes through no data, fresh, late and stale, and back.
    const kinds = new Set(node.screens.map((s) => s.freshness));
    for (const f of ['noData', 'fresh', 'late', 'stale']) expect(kinds).toContain(f);
    expect(node.screens.length).toBeGreaterThan(1000);
    expect(emulated.screens).toEqual(node.screens);
    expect(lastDrawn).not.toBeNull();
  }, 120_000);

  it('draws the screen into its framebuffer as the layout does on Node, within its budget', async () => {
    const log: string[] = [];
    const p = offlinePlatform(log);
    let shown: ScreenModel | null = null;
    const board = startEmulatorBoard(engine, {
      code: ppmidCode,
      config: ppmidConfig,
      memoryLimit: loadBoard('emulator').memory.budget,
      platform: { ...p, observe: { state: () => {}, screen: (m) => (shown = m as ScreenModel) } },
    });
    expect(board.running).toBe(true);
    expect(shown).not.toBeNull();
    const fb = board.framebuffer()!;
    const expected = createFrameBuffer(128, 64, 1);
    drawScreen(expected, shown!, 'mono128x64');
    expect([fb.width, fb.height, fb.bpp]).toEqual([128, 64, 1]);
    expect(Array.from(fb.buffer)).toEqual(Array.from(expected.buffer));
    expect(fb.buffer.some((b) => b !== 0)).toBe(true);
    const heap = board.heapBytes();
    expect(heap).toBeGreaterThan(50_000);
    expect(heap).toBeLessThanOrEqual(loadBoard('emulator').memory.budget);
    board.stop();
    expect(board.running).toBe(false);
    expect(board.heapBytes()).toBe(0);
  });

  it('runs out of memory under a tiny limit: reported with the device name, the host goes on', () => {
    const log: string[] = [];
    const stops: (string | null)[] = [];
    const board = startEmulatorBoard(engine, { code: ppmidCode, config: ppmidConfig, memoryLimit: 64 * 1024, platform: offlinePlatform(log), onStop: (r) => stops.push(r) });
    expect(board.running).toBe(false);
    expect(board.fault).toMatch(/out of memory/);
    expect(log.filter((l) => l.startsWith('warn emulator ppmid: board stopped: ') && /out of memory/.test(l))).toHaveLength(1);
    expect(stops).toEqual([board.fault]);
    // Everything after the fault is a no-op, not a crash.
    board.send({ type: 'BUTTON', action: 'activateEc' });
    expect(board.framebuffer()).toBeNull();
    expect(board.heapBytes()).toBe(0);
    board.stop();
    expect(stops).toHaveLength(1);
  });

  it('drops and logs a malformed frame, and goes on answering', () => {
    const log: string[] = [];
    const sent: string[] = [];
    const p = offlinePlatform(log, sent);
    const board = startEmulatorBoard(engine, { code: ppmidCode, config: ppmidConfig, memoryLimit: loadBoard('emulator').memory.budget, platform: p });
    expect(board.running).toBe(true);
    p.deliver(scenario.devices.gpf.eui, 0x0702, new Uint8Array([0x18]));
    expect(log.filter((l) => l.startsWith('warn malformed HAN frame dropped'))).toHaveLength(1);
    expect(log.find((l) => l.startsWith('warn malformed'))).toContain('"bytes":"18"');
    expect(board.running).toBe(true);
    const before = sent.length;
    board.send({ type: 'BUTTON', action: 'activateEc' });
    expect(sent.length).toBeGreaterThan(before);
    expect(board.snapshot().status).toBe('active');
    board.stop();
  });

  it('refuses a bad config with the field named, and does not start', () => {
    const log: string[] = [];
    const board = startEmulatorBoard(engine, { code: ppmidCode, config: { ...ppmidConfig, eui: 'nope' }, memoryLimit: 1 << 20, platform: offlinePlatform(log) });
    expect(board.running).toBe(false);
    expect(log[0]).toMatch(/^warn bad device config: eui: expected 16 upper-case hex digits/);
    board.stop();
  });
});
