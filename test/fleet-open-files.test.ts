/**
 * A fleet's open-file budget (fleet/open-files.ts): paced homes are all live at once, so each
 * process's share must fit the files it may open (`ulimit -n`), checked before any home starts,
 * and a `hanlab fleet worker` takes no more paced homes than its files hold.
 */
import { describe, expect, it } from 'vitest';
import { filesPerHome, KEPT_FILES, liveHomesBudget, OpenFileBudgetError, openFileLimit, openFileShortfall, parseOpenFileLimit, workerCapacity } from '../fleet/open-files.ts';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max open files            1024                 524288               files     
Max locked memory         8388608              8388608              bytes     
`;

describe('the open-file budget', () => {
  it('reads the soft limit from /proc/self/limits text', () => {
    expect(parseOpenFileLimit(LIMITS)).toBe(1024);
    expect(parseOpenFileLimit(LIMITS.replace('1024  ', 'unlimited'))).toBeNull();
    expect(parseOpenFileLimit('Max cpu time unlimited')).toBeNull();
    // This machine's own (Linux): a positive number.
    if (process.platform === 'linux') expect(openFileLimit()).toBeGreaterThan(0);
  });

  it('counts files per paced home by where its HAN runs', () => {
    expect(filesPerHome('in-process')).toBe(0);
    expect(filesPerHome('embedded')).toBe(1);
    expect(filesPerHome('mqtt://a:1,mqtt://b:2')).toBe(5);
    expect(liveHomesBudget(1024, 'mqtt://a:1')).toBe(Math.floor((1024 - KEPT_FILES) / 5));
    expect(liveHomesBudget(1024, 'embedded')).toBe(1024 - KEPT_FILES);
    expect(liveHomesBudget(1024, 'in-process')).toBe(Infinity);
    expect(liveHomesBudget(null, 'mqtt://a:1')).toBe(Infinity);
  });

  it('says what does not fit, with the figures and the way out', () => {
    expect(openFileShortfall(192, 'mqtt://a:1', 1024, 'fix')).toBeNull();
    expect(openFileShortfall(193, 'mqtt://a:1', 1024, 'use --workers 2 or more')).toBe(
      '193 paced homes live in one process need up to 1029 open files (5 a home on MQTT brokers, 64 kept), and a process here may open 1024 (ulimit -n): at most 192 homes a process; use --workers 2 or more',
    );
    expect(openFileShortfall(1_000_000, 'in-process', 1024, 'fix')).toBeNull();
  });

  it("gives a worker its files' worth of paced homes, and refuses a --capacity past them", () => {
    expect(workerCapacity(undefined, 'mqtt://a:1', 1024)).toBe(192);
    expect(workerCapacity(100, 'mqtt://a:1', 1024)).toBe(100);
    expect(workerCapacity(undefined, 'in-process', 1024)).toBe(1000);
    expect(() => workerCapacity(500, 'mqtt://a:1', 1024)).toThrow(OpenFileBudgetError);
    expect(() => workerCapacity(500, 'mqtt://a:1', 1024)).toThrow(/--capacity 500: 500 paced homes .* at most 192 homes a process; ask --capacity 192 or less, or raise ulimit -n/);
  });
});
