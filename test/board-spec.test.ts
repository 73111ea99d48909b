/** Each board picks its machine runtime by its memory budget (board.json may still insist). */
import { describe, expect, it } from 'vitest';
import { loadBoard, runtimeFor, XSTATE_MIN_MEMORY } from '../sim/build/board-spec.ts';

describe('runtime by memory budget', () => {
  it('XState from the threshold up, compact below it, in either unit', () => {
    for (const unit of ['variables', 'bytes'] as const) {
      expect(runtimeFor({ unit, budget: XSTATE_MIN_MEMORY[unit] })).toBe('xstate');
      expect(runtimeFor({ unit, budget: XSTATE_MIN_MEMORY[unit] - 1 })).toBe('compact');
    }
    expect(runtimeFor({ unit: 'variables', budget: 12_000 })).toBe('xstate'); // a Bangle.js 2
    expect(runtimeFor({ unit: 'variables', budget: 2_950 })).toBe('compact'); // a Pixl.js
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
