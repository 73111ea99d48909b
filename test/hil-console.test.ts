/**
 * `hanlab hil --console serial:…` (hil/console.ts): how the harness restarts an Espruino board.
 * On the Espruino 2v29 Linux build, Ctrl-C sent while a bundle's JavaScript ran left it at
 * `debug>` (the old reset, "\x03\nload()\n", hung ppmid-conformance 0 of 12 with --console);
 * `load()` typed at the console waits for the interpreter to be idle, so no Ctrl-C is needed.
 */
import { describe, expect, it } from 'vitest';
import { openSerialConsole, parseConsoleSpec, resetSequence } from '../hil/console.ts';

describe('the board console', () => {
  it('restarts a running board with load() alone, its echo off, never Ctrl-C', () => {
    const seq = resetSequence('[hanlab] mqtt connected {}\n>');
    expect(seq).toBe('\x10load()\n');
    expect(seq).not.toContain('\x03');
  });

  it('leaves the debugger first when the board is already stopped in it', () => {
    expect(resetSequence('Stepping into function\ndebug>')).toBe('quit\n\x10load()\n');
    expect(resetSequence('debug> ')).toBe('quit\n\x10load()\n');
    // A log line that merely mentions the debugger is not the prompt.
    expect(resetSequence('[hanlab] debug> is the prompt\n>')).toBe('\x10load()\n');
  });

  it('takes serial:/dev/PORT and refuses anything else, or a port it cannot open, in one line', () => {
    expect(parseConsoleSpec('serial:/dev/ttyACM0')).toEqual({ path: '/dev/ttyACM0' });
    expect(parseConsoleSpec('/dev/ttyACM0')).toMatch(/^--console: expected serial:\/dev\/PORT/);
    expect(openSerialConsole('/nonexistent/ttyX')).toMatch(/^--console: cannot open \/nonexistent\/ttyX: ENOENT$/);
  });
});
