/**
 * The emulator board's entry: the guest side, bundled with the device by `hanlab build --board
 * emulator` and run by QuickJS (host.ts). QuickJS has no timers, no network and no screen, so the
 * platform is made of the host's functions (`__host`, bridge.ts); the PPMID's screen is drawn
 * into an in-memory framebuffer the host reads back, as an SSD1306 driver would get it.
 */
import './console.ts';
import * as build from 'hanlab:device';
import { fromHex, toHex } from '../../firmware/codec/hex.ts';
import { createFrameBuffer } from '../../firmware/display/render/framebuffer.ts';
import type { FrameBuffer } from '../../firmware/display/render/framebuffer.ts';
import { DISPLAY_PROFILES, drawScreen } from '../../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';
import type { ScreenModel } from '../../firmware/display/screen-model.ts';
import type { FrameHandler, Platform } from '../../firmware/platform/index.ts';
import { startBoardDevice } from '../../firmware/runtime/app.ts';
import type { DeviceEvent, RunningDevice } from '../../firmware/runtime/device-core.ts';
import type { EmulatorGuest, EmulatorHost } from './bridge.ts';

const g = globalThis as unknown as { __host: EmulatorHost; __guest: EmulatorGuest };
const host = g.__host;

const callbacks: Record<number, () => void> = {};
let nextTimer = 1;
const handlers: FrameHandler[] = [];
const profile = host.display() as DisplayProfile | '';
let fb: FrameBuffer | null = null;

function draw(screen: ScreenModel): void {
  if (profile === '' || !DISPLAY_PROFILES[profile]) return;
  const p = DISPLAY_PROFILES[profile];
  if (!fb) fb = createFrameBuffer(p.width, p.height, p.bpp);
  drawScreen(fb, screen, profile);
}

const platform: Platform = {
  clock: { now: () => host.now() },
  timers: {
    setTimeout(fn, ms) {
      const id = nextTimer++;
      callbacks[id] = fn as () => void;
      host.setTimeout(id, ms);
      return id;
    },
    clearTimeout(id) {
      if (typeof id !== 'number' || !callbacks[id]) return;
      delete callbacks[id];
      host.clearTimeout(id);
    },
  },
  han: {
    send: (dst, clusterId, frame) => host.send(dst, clusterId, toHex(frame)),
    onFrame: (h) => {
      handlers.push(h);
    },
  },
  observe: {
    state: (model) => host.state(JSON.stringify(model)),
    screen: (model) => {
      // The drawing goes first: the host reads the framebuffer when it hears of the screen.
      draw(model as ScreenModel);
      host.screen(JSON.stringify(model));
    },
  },
  log: {
    info: (message, data) => host.log('info', message, data ? JSON.stringify(data) : ''),
    warn: (message, data) => host.log('warn', message, data ? JSON.stringify(data) : ''),
  },
};

const running: RunningDevice | null = startBoardDevice(build, platform, JSON.parse(host.config()));
const forwarded: Record<string, boolean> = {};

const guest: EmulatorGuest = {
  started: running !== null,
  timer(id) {
    const fn = callbacks[id];
    if (!fn) return;
    delete callbacks[id];
    fn();
  },
  frame(src, clusterId, hex) {
    const bytes = fromHex(hex);
    for (let i = 0; i < handlers.length; i++) handlers[i]!(src, clusterId, bytes);
  },
  send(json) {
    if (running) running.send(JSON.parse(json) as DeviceEvent);
  },
  snapshot() {
    return running ? JSON.stringify(running.snapshot()) : 'null';
  },
  on(type) {
    if (!running || forwarded[type]) return;
    forwarded[type] = true;
    running.on(type, (event) => host.emitted(JSON.stringify(event)));
  },
  framebuffer() {
    return fb ? toHex(fb.buffer) : '';
  },
  stop() {
    if (running) running.stop();
    for (const k in callbacks) delete callbacks[k];
  },
};
g.__guest = guest;
