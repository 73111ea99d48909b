/** Each board picks its machine runtime by its engine and memory budget (board.json may still insist). */
import { describe, expect, it } from 'vitest';
import { loadBoard, runtimeFor, XSTATE_MIN_HEAP_BYTES } from '../boards/config/board-spec.ts';

describe('runtime by engine and memory', () => {
  it('XState from 2 MiB of heap up, compact below it', () => {
    expect(runtimeFor('quickjs', { unit: 'bytes', budget: XSTATE_MIN_HEAP_BYTES })).toBe('xstate');
    expect(runtimeFor('quickjs', { unit: 'bytes', budget: XSTATE_MIN_HEAP_BYTES - 1 })).toBe('compact');
    expect(runtimeFor('node', { unit: 'bytes', budget: 268_435_456 })).toBe('xstate');
  });

  it('compact on Espruino whatever its variables (XState does not run there)', () => {
    expect(runtimeFor('espruino', { unit: 'variables', budget: 16_383 })).toBe('compact'); // an ESP32 with PSRAM
    expect(runtimeFor('espruino', { unit: 'variables', budget: 12_000 })).toBe('compact'); // a Bangle.js 2
  });

  it('the boards here: Node on XState, the emulator and the Espruino boards compact', () => {
    expect(['node', 'emulator', 'espruino-wifi', 'esp32'].map((b) => [b, loadBoard(b).runtime])).toEqual([
      ['node', 'xstate'],
      ['emulator', 'compact'],
      ['espruino-wifi', 'compact'],
      ['esp32', 'compact'],
    ]);
  });
});
