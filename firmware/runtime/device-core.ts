import { DecodeError, errorText } from '../codec/errors.ts';
import { toHex } from '../codec/hex.ts';
import type { Platform } from '../platform/index.ts';
import { decodeZclFrame } from '../zcl/index.ts';
import type { ZclFrame } from '../zcl/index.ts';

/** What every device machine may emit (see firmware/machines/README.md). */
type Emitted =
  | { type: 'han.send'; dst: string; clusterId: number; frame: ZclFrame }
  | { type: 'state'; state: Record<string, unknown> }
  | { type: 'screen'; screen: unknown }
  | { type: 'log'; level: 'info' | 'warn'; message: string; data?: Record<string, unknown> }
  | { type: 'persist'; record: string };

export interface DeviceEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * The part of an actor the device runtime uses: XState's actor and the compact interpreter's both
 * have it, so a board that cannot hold XState runs the same device code on the interpreter.
 */
export interface DeviceActor {
  start(): unknown;
  send(event: DeviceEvent): void;
  getSnapshot(): { status: string; value: unknown; context: unknown };
  on(type: string, handler: (event: DeviceEvent) => void): unknown;
  subscribe(observer: { error?: (err: unknown) => void }): unknown;
  stop(): void;
}

export interface RunningDevice {
  /** Sends an event from outside the HAN (a button, the gas sensor, a WAN request). */
  send(event: DeviceEvent): void;
  /** The machine's current snapshot (for observers and tests; devices never read each other's). */
  snapshot(): { status: string; value: unknown; context: unknown };
  /** Subscribes to one kind of emitted event (e.g. the GPF's `wan.respond`). */
  on(type: string, handler: (event: DeviceEvent) => void): void;
  stop(): void;
}

/**
 * Runs one device actor on a platform: HAN bytes in are decoded here (a malformed frame is
 * logged and dropped, never handed to the machine), emitted frames are encoded and sent, state and
 * screen models go to the observer. A fault inside the machine stops that device with a logged
 * error instead of throwing out of the event loop: one broken device must not take the
 * simulator, or a board's other tasks, down with it.
 *
 * `persist` records go to `platform.storage` under `storageKey` (firmware/runtime/persist.ts);
 * without storage or a key they are dropped (the device then restarts cold).
 *
 * `encodeFrame` is the device's ZCL encoder, passed in rather than imported so a board bundle
 * carries only the one its device needs (a PPMID sends no typed values: encodeZclUntypedFrame).
 */
export function runDevice(actor: DeviceActor, platform: Platform, encodeFrame: (frame: ZclFrame) => Uint8Array, storageKey?: string): RunningDevice {
  // `on` subscribers by output type (a '$' before it: no inherited key), told before the platform
  // as XState tells a type's listeners before '*' ones.
  const listeners: Record<string, ((event: DeviceEvent) => void)[]> = {};
  actor.on('*', (event) => {
    // A machine emits a step's outputs as one batch (firmware/machines/han-events.ts OutboxEmitted);
    // each is taken as if it had been emitted alone.
    const items = event.type === 'outbox' ? (event['items'] as DeviceEvent[]) : [event];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const hs = listeners['$' + item.type];
      for (let j = 0; hs && j < hs.length; j++) hs[j]!(item);
      try {
        deliver(item as unknown as Emitted);
      } catch (err) {
        // An output the platform could not take (a full queue, a closed socket) is that output
        // lost, as a radio frame can be; the device goes on.
        platform.log.warn('device output failed', { type: item.type, error: errorText(err) });
      }
    }
  });
  function deliver(e: Emitted): void {
    switch (e.type) {
      case 'han.send':
        platform.han.send(e.dst, e.clusterId, encodeFrame(e.frame));
        break;
      case 'state':
        platform.observe.state(e.state);
        break;
      case 'screen':
        if (platform.observe.screen) platform.observe.screen(e.screen);
        break;
      case 'log':
        platform.log[e.level](e.message, e.data);
        break;
      case 'persist':
        // Synchronous, before the step's next output: the record is stored before the frames
        // (a Default Response) that rely on it go out. A failed write is logged (below).
        if (platform.storage && storageKey) platform.storage.write(storageKey, e.record);
        break;
    }
  }
  actor.subscribe({
    error: (err) => platform.log.warn('device stopped by an internal error', { error: errorText(err) }),
  });

  platform.han.onFrame((src, clusterId, bytes) => {
    let frame: ZclFrame;
    try {
      frame = decodeZclFrame(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      platform.log.warn('malformed HAN frame dropped', { src, clusterId, error: err.message, bytes: toHex(bytes) });
      return;
    }
    actor.send({ type: 'HAN_FRAME', src, clusterId, frame });
  });

  actor.start();
  return {
    send: (event) => actor.send(event),
    snapshot: () => actor.getSnapshot(),
    on: (type, handler) => {
      (listeners['$' + type] || (listeners['$' + type] = [])).push(handler);
    },
    stop: () => actor.stop(),
  };
}
