/**
 * Every command in README.md's ```sh blocks works as written on a fresh clone. Each one is a key
 * of COMMANDS below, the README's text exactly (continuation lines joined, comments dropped),
 * with what the test runs for it and why that differs from the README where it does: a board,
 * a serial port or a broker it names is not here (`--dry-run`, a broker the test starts, a
 * free port), a run that would take minutes is cut short (`--until`, fewer homes, one HIL case),
 * a server that runs until Ctrl-C is started, asked for its page and stopped, and output files go
 * to a temporary folder. A README command that is not in the table fails the test, and so does a
 * table entry the README no longer has: a new README command cannot go untested.
 *
 * `hanlab …` runs in this process (test/support/cli.ts), but for what runs until a signal, which
 * runs as a child process.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import { freePort } from '../han/mosquitto.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../sim/scenario/load.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { hanlab } from './support/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'hanlab-readme-'));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The commands of README.md's ```sh blocks: `\` and indented lines joined to theirs, `# …` comments dropped. */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    let joinNext = false;
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/(^|\s)#(\s.*)?$/, '').trimEnd();
      const continued = joinNext || (/^\s/.test(raw) && commands.length > 0);
      joinNext = line.endsWith('\\');
      const text = line.replace(/\\$/, '').trim().replace(/\s+/g, ' ');
      if (text === '') continue;
      if (continued) commands[commands.length - 1] += ` ${text}`;
      else commands.push(text);
    }
  }
  return commands;
}

async function ok(...args: string[]): Promise<string> {
  const r = await hanlab(...args);
  expect(r.code, `hanlab ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Every option of the README's `hanlab sim` synopsis starting with `prefix` is in `hanlab sim --help`. */
async function synopsisInHelp(prefix: string): Promise<void> {
  const help = await ok('sim', '--help');
  const synopsis = Object.keys(COMMANDS).find((c) => c.startsWith(prefix))!;
  for (const flag of synopsis.match(/--[a-z-]+/g)!) expect(help, flag).toContain(flag);
}

/** `npm run NAME` / `npm start`: the script is there and what it runs exists (the benches are too long to run here). */
function script(name: string, expected: RegExp): void {
  const command = PACKAGE.scripts[name];
  expect(command, `package.json has no script ${name}`).toMatch(expected);
  for (const file of command!.match(/\b(?:bin|bench)\/[\w./-]+\.(?:js|ts)\b/g) ?? []) expect(existsSync(join(ROOT, file)), file).toBe(true);
}

/**
 * `node bin/hanlab.js ARGS` until `ready` shows on stderr or stdout, then `check(match)`, then
 * SIGINT: what a person does with a command that runs until Ctrl-C. Resolves once it has stopped:
 * true when it exited 0 or by the SIGINT itself (Ctrl-C during a run ends it as Node's default does).
 */
async function untilCtrlC(args: string[], ready: RegExp, check: (m: RegExpMatchArray) => Promise<void>): Promise<boolean> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/hanlab.js'), ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const exited = new Promise<boolean>((resolve) => child.on('exit', (code, signal) => resolve(code === 0 || signal === 'SIGINT')));
  try {
    const m = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hanlab ${args.join(' ')}: no ${ready} within 60 s; it wrote: ${seen}`)), 60_000);
      const look = (chunk: Buffer) => {
        seen += chunk.toString();
        const found = seen.match(ready);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.on('exit', (code) => reject(new Error(`hanlab ${args.join(' ')} exited ${code} before ${ready}: ${seen}`)));
    });
    await check(m);
  } finally {
    if (child.exitCode === null) child.kill('SIGINT');
  }
  return exited;
}

async function servesPage(m: RegExpMatchArray): Promise<void> {
  const page = await fetch(m[1]!);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
}

const DASHBOARD_URL = /Dashboard at (http:\/\/127\.0\.0\.1:\d+\/?)/;

interface Mapping {
  /** Why what runs differs from the README's text (empty: run as written). */
  why: string;
  run: () => Promise<void>;
}

/** A lone nats-server (no login) on a free port for `fn`, stopped by its PID after. */
async function withNats(fn: (url: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const server = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  try {
    for (let i = 0; !/Server is ready/.test(log); i++) {
      if (i > 200 || server.exitCode !== null) throw new Error(`nats-server did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await fn(`nats://127.0.0.1:${port}`);
  } finally {
    server.kill('SIGKILL');
  }
}

const COMMANDS: Record<string, Mapping> = {
  'npm ci && npm start': {
    why: 'npm ci is what made this tree; npm start is hanlab sim --broker embedded, cut to 3 simulated hours',
    run: async () => {
      script('start', /^node bin\/hanlab\.js sim --broker embedded$/);
      const out = await ok('sim', '--broker', 'embedded', '--until', '+3h');
      expect(out).toMatch(/^Summary: han-outage-prepay, /m);
      expect(out).toMatch(/secmp0015 +secmp0015 +secmp0015 .*← this scenario/);
    },
  },
  'npm ci && npm test': {
    why: 'npm test is the suite this test is part of: the script is checked, not run',
    run: async () => script('test', /^tsc --noEmit -p \. && vitest run$/),
  },
  'npx hanlab sim [--scenario NAME|FILE] [--seed N] [--until TIME] [--json] [--broker embedded|mqtt://HOST:PORT] [--realtime | --speed X] [--ha-discovery] [--han-json] [--glow] [--compare | --no-compare] [--runtime compact|xstate] [--dashboard [--dashboard-port N]] [--screenshots DIR] [--profile mono128x64|color176] [--dxi FILE [--db pglite:DIR|postgres://…]]':
    {
      why: 'a synopsis: every option it shows is in hanlab sim --help, and the run without options (cut to 3 simulated hours) works',
      run: async () => {
        await synopsisInHelp('npx hanlab sim [--scenario');
        expect(await ok('sim', '--until', '+3h')).toMatch(/^Summary: han-outage-prepay, /m);
      },
    },
  'npx hanlab sim --print-broker-files DIR [--scenario NAME|FILE] [--seed N] [--compare | --no-compare] [--ha-discovery] [--han-json] [--glow]': {
    why: 'a synopsis: every option it shows is in hanlab sim --help, and it writes the three files (DIR a temporary folder)',
    run: async () => {
      await synopsisInHelp('npx hanlab sim --print-broker-files');
      const dir = join(tmp, 'broker-files');
      const out = await ok('sim', '--print-broker-files', dir, '--ha-discovery', '--han-json', '--glow');
      for (const f of ['hanlab.passwd', 'hanlab.acl', 'hanlab.conf']) {
        expect(existsSync(join(dir, f)), f).toBe(true);
        expect(out).toContain(join(dir, f));
      }
      expect(readFileSync(join(dir, 'hanlab.acl'), 'utf8')).toContain('homeassistant/#');
      expect(readFileSync(join(dir, 'hanlab.acl'), 'utf8')).toContain('topic read glow/#');
    },
  },
  'npx hanlab sim --dashboard --speed 600': {
    why: 'runs until Ctrl-C: started, its page fetched, stopped',
    run: async () => {
      expect(await untilCtrlC(['sim', '--dashboard', '--speed', '600'], DASHBOARD_URL, servesPage)).toBe(true);
    },
  },
  'npx hanlab sim --no-compare --json > run.json && npx hanlab dashboard run.json': {
    why: 'run.json in a temporary folder, the run cut to 3 simulated hours; the dashboard runs until Ctrl-C: started, its page fetched, stopped',
    run: async () => {
      const json = await ok('sim', '--no-compare', '--json', '--until', '+3h');
      writeFileSync(join(tmp, 'run.json'), json);
      expect(await untilCtrlC(['dashboard', 'run.json'], DASHBOARD_URL, servesPage)).toBe(true);
    },
  },
  'npx hanlab build --board espruino-wifi --device ppmid': {
    why: '',
    run: async () => {
      expect(await ok('build', '--board', 'espruino-wifi', '--device', 'ppmid')).toContain('dist/espruino-wifi/ppmid.js');
    },
  },
  'cp boards/espruino-wifi/hanlab.example.json hanlab.json': {
    why: 'into the temporary folder (the flash line after it reads it from there)',
    run: async () => copyFileSync(join(ROOT, 'boards/espruino-wifi/hanlab.example.json'), join(tmp, 'hanlab.json')),
  },
  'npx hanlab flash --board espruino-wifi --device ppmid --port /dev/ttyACM0 --config hanlab.json [--dry-run]': {
    why: 'with --dry-run (no board here), hanlab.json as the cp line above left it',
    run: async () => {
      const config = join(tmp, 'hanlab.json');
      if (!existsSync(config)) copyFileSync(join(ROOT, 'boards/espruino-wifi/hanlab.example.json'), config);
      const out = await ok('flash', '--board', 'espruino-wifi', '--device', 'ppmid', '--port', '/dev/ttyACM0', '--config', config, '--dry-run');
      expect(out).toMatch(/^Storage hanlab\.json: \d+ bytes {2}\{"device":"ppmid"/m);
      expect(out).toMatch(/dry run: nothing sent\n$/);
    },
  },
  'npx hanlab board run --board emulator --device ppmid --broker mqtt://127.0.0.1:1883': {
    why: "on a broker the test starts on a free port, holding the default scenario's accounts; runs until Ctrl-C: up, then stopped",
    run: async () => {
      const broker = await startEmbeddedBroker({ identities: simulationIdentities(builtinScenario(DEFAULT_SCENARIO)) });
      try {
        const up = /^hanlab board: up board=emulator device=ppmid .*premises=home-1 /m;
        expect(await untilCtrlC(['board', 'run', '--board', 'emulator', '--device', 'ppmid', '--broker', broker.url], up, async () => {})).toBe(true);
      } finally {
        await broker.close();
      }
    },
  },
  'npx hanlab hil --dut emulator --device ppmid': {
    why: 'one case of the suite (--case), not all of them',
    run: async () => {
      const out = await ok('hil', '--dut', 'emulator', '--device', 'ppmid', '--case', 'fresh balance with the meter time');
      expect(out).toMatch(/^hanlab hil: ppmid-conformance, \d+ cases, DUT emulator \(ppmid\)/);
      expect(out).toMatch(/1 passed/);
    },
  },
  'npx hanlab hil --dut node --device gpf --junit out/gpf.xml': {
    why: 'one case of the suite (--case); out/ in a temporary folder, where it does not exist yet',
    run: async () => {
      const junit = join(tmp, 'out', 'gpf.xml');
      const out = await ok('hil', '--dut', 'node', '--device', 'gpf', '--junit', junit, '--case', 'empty mirror');
      expect(out).toMatch(/1 passed/);
      expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite name="gpf-conformance" hostname="node" tests="1" failures="0"/);
    },
  },
  'npx hanlab hil --dut mqtt://192.168.1.20:1883#00DB48FFFE00A003 --device ppmid --console serial:/dev/ttyACM0': {
    why: 'a flashed board on a serial port: not here, so one line and exit 2 (the port, or where there is one, the broker)',
    run: async () => {
      const r = await hanlab('hil', '--dut', 'mqtt://192.168.1.20:1883#00DB48FFFE00A003', '--device', 'ppmid', '--console', 'serial:/dev/ttyACM0');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^hanlab hil: --(console: cannot open \/dev\/ttyACM0|dut: no MQTT broker at mqtt:\/\/192\.168\.1\.20:1883)\b[^\n]*\n$/);
    },
  },
  'npx hanlab fleet --homes 1000 --workers 2 --chart fleet.svg': {
    why: '4 homes of 6 simulated hours instead of 1,000 whole ones; the chart in a temporary folder',
    run: async () => {
      const chart = join(tmp, 'fleet.svg');
      expect(await ok('fleet', '--homes', '4', '--until', '6h', '--workers', '2', '--chart', chart)).toMatch(/per day per 10,000 homes/);
      expect(readFileSync(chart, 'utf8')).toMatch(/^<svg /);
    },
  },
  'npx hanlab fleet --homes 200 --population my-homes.yaml --seed 7 --json --out fleet.json': {
    why: 'my-homes.yaml is a copy of the built-in population; 4 homes of 6 simulated hours; fleet.json in a temporary folder',
    run: async () => {
      copyFileSync(join(ROOT, 'fleet/populations/gb-prepay.yaml'), join(tmp, 'my-homes.yaml'));
      const out = join(tmp, 'fleet.json');
      await ok('fleet', '--homes', '4', '--until', '6h', '--population', join(tmp, 'my-homes.yaml'), '--seed', '7', '--json', '--out', out);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('homes');
    },
  },
  'npx hanlab fleet --homes 10000 --nats nats://USER:PASS@HOST:4222 --workers 2': {
    why: "a lone nats-server of the test's own on a free port (no login, so no USER:PASS), 4 homes of 3 simulated hours",
    run: async () => {
      if (!existsSync('/usr/sbin/nats-server')) return void console.warn('readme-commands: fleet --nats not run: no /usr/sbin/nats-server');
      await withNats(async (url) => {
        const err = (await hanlab('fleet', '--homes', '4', '--until', '3h', '--nats', url, '--workers', '2', '--run', 'readme')).stderr;
        expect(err).toMatch(/run readme coordinated on NATS/);
        expect(err).toMatch(/4\/4 homes/);
      });
    },
  },
  'npx hanlab fleet worker --coordinator nats://USER:PASS@HOST:4222 --run ID': {
    why: 'joins a run the test coordinates with no local worker (--workers 0) on its own nats-server; it runs all 3 homes and exits 0',
    run: async () => {
      if (!existsSync('/usr/sbin/nats-server')) return void console.warn('readme-commands: fleet worker not run: no /usr/sbin/nats-server');
      await withNats(async (url) => {
        const coordinator = hanlab('fleet', '--homes', '3', '--until', '3h', '--nats', url, '--workers', '0', '--run', 'joinme');
        const worker = spawn(process.execPath, [join(ROOT, 'bin/hanlab.js'), 'fleet', 'worker', '--coordinator', url, '--run', 'joinme'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let said = '';
        worker.stderr!.on('data', (d: Buffer) => (said += d.toString()));
        const code = await new Promise<number | null>((resolve) => worker.on('exit', resolve));
        expect((await coordinator).code).toBe(0);
        expect(code, said).toBe(0);
        expect(said).toMatch(/joined run joinme[\s\S]*ran 3 homes; the run is over/);
      });
    },
  },
  'npx hanlab cluster up --nodes 3 [--dir DIR]': {
    why: "one node, in a temporary --dir; needs Debian's nats-server (the cluster down line below stops it)",
    run: async () => {
      if (!existsSync('/usr/sbin/nats-server')) return void console.warn('readme-commands: cluster up/down not run: no /usr/sbin/nats-server');
      expect(await ok('cluster', 'up', '--nodes', '1', '--dir', join(tmp, 'cluster'))).toMatch(/mqtt:\/\/127\.0\.0\.1:\d+/);
    },
  },
  'npx hanlab cluster down [--dir DIR]': {
    why: 'the temporary --dir of the cluster up line',
    run: async () => {
      if (!existsSync(join(tmp, 'cluster'))) return;
      await ok('cluster', 'down', '--dir', join(tmp, 'cluster'));
    },
  },
  'npx hanlab decode @../shared/vectors/rtds-4.5.0/4.1.1_GCS13a/GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE_GBCS.HEX --keystore ../shared/vectors/rtds-4.5.0/keystore': {
    why: '',
    run: async () => {
      if (!existsSync(join(ROOT, '../shared/vectors/rtds-4.5.0'))) return void console.warn('readme-commands: decode not run: no ../shared/vectors/rtds-4.5.0 beside the repository');
      const out = await ok('decode', '@../shared/vectors/rtds-4.5.0/4.1.1_GCS13a/GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE_GBCS.HEX', '--keystore', '../shared/vectors/rtds-4.5.0/keystore');
      expect(out).toContain('"useCase": "GCS13a"');
      expect(out).toContain('"isFromGsme": true');
    },
  },
  'npm run bench:decode': { why: 'a benchmark: the script is checked, not run', run: async () => script('bench:decode', /^node bin\/run-ts\.js bench\/decode\.ts$/) },
  'npm run bench:sim': { why: 'a benchmark of minutes: the script is checked, not run', run: async () => script('bench:sim', /^node bin\/run-ts\.js bench\/sim\.ts$/) },
  'npm run bench:footprint': { why: 'a benchmark of minutes: the script is checked, not run', run: async () => script('bench:footprint', /^node bin\/run-ts\.js bench\/footprint\.ts$/) },
  'npm run bench:espruino -- --espruino PATH --modules DIR [--device D] [--cycles N] [--parallel] [--record]': {
    why: 'needs your Espruino interpreter: the script is checked, not run',
    run: async () => script('bench:espruino', /^node bin\/run-ts\.js bench\/espruino\.ts$/),
  },
  'npm run bench:fleet -- [--homes N] [--minutes M] [--nodes K] [--workers W] [--speed-homes H] [--speeds LIST]': {
    why: 'a benchmark of half an hour on a NATS cluster: the script is checked, not run',
    run: async () => script('bench:fleet', /^node bin\/run-ts\.js bench\/fleet\.ts$/),
  },
  'npm run bench:fuzz -- [--inputs N] [--seed S] [--target NAME]': {
    why: 'a million inputs take minutes: the script is checked, not run (test/fuzz.test.ts runs its engine)',
    run: async () => script('bench:fuzz', /^node bin\/run-ts\.js bench\/fuzz\.ts$/),
  },
};

describe("README.md's commands", () => {
  const commands = readmeCommands(README);

  it('are all in the table above, and the table holds no command the README lost', () => {
    expect(commands.length).toBeGreaterThan(15);
    expect(commands.filter((c) => !Object.hasOwn(COMMANDS, c)), 'README commands nobody mapped').toEqual([]);
    expect(Object.keys(COMMANDS).filter((c) => !commands.includes(c)), 'mapped commands not in README.md').toEqual([]);
  });

  it('are read as written: continuation lines joined, comments dropped, a # inside a word kept', () => {
    expect(readmeCommands('```sh\nnpx a --x 1 \\\n  --y 2   # two\nnpx b [--c]\n      [--d]\n                # more\nnpx c mqtt://h:1#EUI\n```\n')).toEqual([
      'npx a --x 1 --y 2',
      'npx b [--c] [--d]',
      'npx c mqtt://h:1#EUI',
    ]);
  });

  // In README order: the flash line reads the hanlab.json the cp line wrote, cluster down stops what cluster up started.
  for (const command of commands) {
    const mapping = COMMANDS[command];
    if (!mapping) continue;
    it(`${command}${mapping.why ? `  (${mapping.why})` : ''}`, async () => {
      await mapping.run();
    }, 180_000);
  }
});
