/**
 * The dashboard's command line: `hanlab dashboard FILE` and `hanlab sim --dashboard`. Bad input
 * (no file, a missing, garbled or half-valid one, a bad or taken port, flags that do not go
 * together) is one line and exit status 2, before any server starts: these run in this process.
 * The two that serve run as child processes, because they end only on a signal (Ctrl-C): the
 * URL is the first line on stderr, the page answers, SIGINT ends them with status 0. Their waits
 * are generous (a child process and a socket on a shared machine), never a condition on time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hanlab } from './support/cli.ts';

const BIN = fileURLToPath(new URL('../bin/hanlab.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

let dir: string;
let good: string;
let lines: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hanlab-cli-dashboard-'));
  const r = await hanlab('sim', '--no-compare', '--json', '--until', '+3h');
  expect(r.code).toBe(0);
  good = join(dir, 'run.json');
  writeFileSync(good, r.stdout);
  lines = r.stdout.trimEnd().split('\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `file` with line `n` (1-based) replaced. */
function withLine(name: string, n: number, text: string): string {
  const copy = lines.slice();
  copy[n - 1] = text;
  const file = join(dir, name);
  writeFileSync(file, copy.join('\n') + '\n');
  return file;
}

describe('hanlab dashboard / sim --dashboard: bad input, exit status 2', () => {
  const refused = async (args: string[], message: string | RegExp) => {
    const r = await hanlab(...args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  };

  it('no FILE, two FILEs', async () => {
    await refused(['dashboard'], 'hanlab dashboard: expected FILE, the output of hanlab sim --json, found nothing (see hanlab dashboard --help)\n');
    await refused(['dashboard', good, good], /^hanlab dashboard: expected one FILE, found 2: /);
  });

  it('a missing file, a directory', async () => {
    await refused(['dashboard', join(dir, 'nope.json')], `hanlab dashboard: ${join(dir, 'nope.json')}: cannot read: no such file\n`);
    await refused(['dashboard', dir], `hanlab dashboard: ${dir}: cannot read: a directory, not a file\n`);
  });

  it('a garbled file: the line that is not JSON, and what was expected', async () => {
    const file = withLine('garbled.json', 3, '{"t":"2026-01-15T00:00:00Z","home":"scen');
    await refused(['dashboard', file], new RegExp(`^hanlab dashboard: ${file} line 3: not JSON \\(.*\\); expected the output of hanlab sim --json\\n$`));
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    await refused(['dashboard', empty], `hanlab dashboard: ${empty}: no timeline events; expected the output of hanlab sim --json\n`);
  });

  it('valid JSON that is not a timeline: the line, the field, what was expected', async () => {
    const screen = lines.findIndex((l) => l.includes('"kind":"screen"')) + 1;
    const e = JSON.parse(lines[screen - 1]!);
    e.screen.freshness = 'rotten';
    await refused(['dashboard', withLine('fresh.json', screen, JSON.stringify(e))], new RegExp(`fresh\\.json line ${screen}: screen\\.freshness: Invalid option: expected one of "fresh"\\|`));
    e.screen.freshness = 'fresh';
    e.t = '15/01/2026 00:00';
    await refused(['dashboard', withLine('time.json', screen, JSON.stringify(e))], `time.json line ${screen}: t: an ISO 8601 UTC time like 2026-01-15T17:30:00Z\n`);
    await refused(['dashboard', withLine('kind.json', 2, '{"kind":"gossip"}')], /kind\.json line 2: kind: expected one of han, screen, log, customer, fault, metric, wan, coverage, smi, summary, broker, found "gossip"; expected the output of hanlab sim --json\n$/);
    await refused(['dashboard', withLine('after.json', lines.length + 1, lines[0]!)], `after.json line ${lines.length + 1}: expected nothing after the summary line, found more\n`);
  });

  it('a bad port, a taken port, a bad profile', async () => {
    await refused(['dashboard', good, '--port', '70000'], 'hanlab dashboard: --port: expected a port number 0…65535 (0: any free port), found "70000" (see hanlab dashboard --help)\n');
    await refused(['dashboard', good, '--port', 'http'], /--port: expected a port number 0…65535 \(0: any free port\), found "http"/);
    await refused(['dashboard', good, '--profile', 'vga'], 'hanlab dashboard: --profile: expected mono128x64 or color176, found "vga"\n');
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      await refused(['dashboard', good, '--port', String(port)], `hanlab dashboard: --port ${port}: already in use on 127.0.0.1; give another (0: any free port)\n`);
    } finally {
      taken.close();
    }
  });

  it('sim: --dashboard-port without --dashboard, a bad one, --dashboard with --print-broker-files', async () => {
    await refused(['sim', '--dashboard-port', '8080'], 'hanlab sim: --dashboard-port: only with --dashboard (see hanlab sim --help)\n');
    await refused(['sim', '--dashboard', '--dashboard-port', '-1'], /--dashboard-port: expected a value, found "-1"/);
    await refused(['sim', '--dashboard', '--dashboard-port', '1.5'], 'hanlab sim: --dashboard-port: expected a port number 0…65535 (0: any free port), found "1.5" (see hanlab sim --help)\n');
    await refused(['sim', '--dashboard', '--print-broker-files', dir], 'hanlab sim: --dashboard: not with --print-broker-files, which runs nothing (see hanlab sim --help)\n');
    await refused(['sim', '--profile', 'color176'], 'hanlab sim: --profile: only with --screenshots DIR or --dashboard\n');
  });
});

/** Starts `hanlab ARGS` and resolves with its first stderr line, the process, and its end. */
function serve(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('\n')) resolve(stderr.split('\n')[0]!);
    });
    child.on('close', () => reject(new Error(`hanlab ${args.join(' ')} ended before a line on stderr: ${stderr}`)));
  });
  return { child, firstLine, ended, stderr: () => stderr };
}

async function waitFor<T>(what: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('serving, in a child process (they end on Ctrl-C only)', () => {
  it('hanlab dashboard FILE: the URL first on stderr, the recorded run served, SIGINT ends it with status 0', async () => {
    const s = serve(['dashboard', good, '--port', '0']);
    const line = await s.firstLine;
    const url = /^Dashboard at (http:\/\/127\.0\.0\.1:\d+\/) \(open it in a browser; Ctrl-C stops it\)$/.exec(line)?.[1];
    expect(url, line).toBeDefined();
    const status = (await (await fetch(url + 'api/status')).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ mode: 'recorded', scenario: 'han-outage-prepay', seed: 42, start: '2026-01-15T00:00:00Z', end: '2026-01-15T03:00:00Z', done: true });
    expect((await fetch(url + 'screen/0.png')).headers.get('content-type')).toBe('image/png');
    expect((await fetch(url + 'events?from=x')).status).toBe(400);
    s.child.kill('SIGINT');
    const r = await s.ended;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('hanlab sim --dashboard: the page URL before the run, the timeline as usual, the page up after the run until SIGINT', async () => {
    const s = serve(['sim', '--dashboard', '--until', '+2h']);
    const url = /^Dashboard at (http:\/\/127\.0\.0\.1:\d+\/) /.exec(await s.firstLine)?.[1];
    expect(url).toBeDefined();
    // The run is over when stderr says so; the page is still there, the run complete in it.
    await waitFor(async () => (s.stderr().includes('Dashboard: the run is over') ? true : undefined));
    const status = (await (await fetch(url + 'api/status')).json()) as { mode: string; done: boolean; end: string; homes: { label: string }[] };
    expect(status).toMatchObject({ mode: 'live', done: true, end: '2026-01-15T02:00:00Z', speed: null });
    expect(status.homes.map((h) => h.label)).toEqual(['scenario']);
    s.child.kill('SIGINT');
    const r = await s.ended;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('← this scenario');
    expect(r.stderr.split('\n')[1]).toBe(`Dashboard: the run is over; the page stays at ${url} to scrub through it (Ctrl-C stops it)`);
  }, 60_000);
});
