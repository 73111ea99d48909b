import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dutConfig, hilIdentities, HIL_PREMISES } from '../hil/config.ts';
import { openSerialConsole, parseConsoleSpec } from '../hil/console.ts';
import type { SerialConsole } from '../hil/console.ts';
import { junitXml } from '../hil/junit.ts';
import { DutNotSeen, runSuite } from '../hil/run.ts';
import { SUITES, defaultSuite } from '../hil/suites/index.ts';
import { caseLine, formatSummary } from '../hil/summary.ts';
import { parseTarget } from '../hil/target.ts';
import { isTopicLevel } from '../han/topics.ts';
import { parseCommandArgs } from './args.ts';
import { writeBrokerFiles } from './broker-files.ts';
import { checkBrokerAnswers } from './broker-url.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './usage.ts';
import { checkWritableDirectory, checkWritableFile } from './writable.ts';

export const help = `hanlab hil — hardware-in-the-loop: check one device from the outside

Usage: hanlab hil --dut TARGET --device ppmid|gpf|gsme [--suite NAME] [--junit FILE]
                  [--premises ID] [--firmware secmp0015|legacy] [--console serial:/dev/PORT]
                  [--screens DIR] [--case TEXT] [--no-stale-detection]
       hanlab hil --print-config --device ppmid|gpf|gsme [--dut mqtt://HOST:PORT#EUI] [--premises ID]
                  [--wifi SSID [--wifi-password PW]]
       hanlab hil --print-broker-files DIR --device ppmid|gpf|gsme [--dut mqtt://HOST:PORT#EUI] [--premises ID]

  --dut TARGET        emulator   the QuickJS board, started by the harness (hanlab board run)
                      node       the Node board process, started by the harness
                      mqtt://HOST:PORT#EUI  a device already on that broker (a flashed board)
  --device KIND       what the DUT is; the harness plays the other devices of the home
  --suite NAME        ${Object.keys(SUITES).join(', ')} (default: DEVICE-conformance)
  --junit FILE        also write JUnit XML (its directory is made if missing)
  --screens DIR       a PNG of the DUT's last screen for every failed step (default: beside
                      the JUnit file)
  --premises ID       the premises in the HAN topics (default ${HIL_PREMISES}; must match the board)
  --firmware F        the DUT's firmware, for the expectations that differ (default secmp0015)
  --console serial:/dev/PORT  the board's Espruino console: its log lines are checked, and it is
                      restarted (load(), never Ctrl-C) before the suite
  --case TEXT         run only the cases whose name contains TEXT
  --dut-wait S        how long a DUT at mqtt://… has to publish its state or screen before
                      the run ends with "DUT not seen" (default 10 s)
  --no-stale-detection  start the emulator / node DUT built without stale detection (the
                      harness must then fail exactly the freshness cases)
  --print-config      print the DUT config (JSON) the harness expects, to put on a flashed board
                      (its "secret" is the board's MQTT password); alone, what hanlab board run
                      --config takes
  --wifi SSID         with --print-config and --dut mqtt://HOST:PORT#EUI: print the whole
                      hanlab.json hanlab flash --config takes, the board's network added: "wifi"
                      (SSID, --wifi-password PW, default none) and "mqtt" (HOST and PORT of --dut,
                      so give the broker's address as the board reaches it)
  --print-broker-files DIR  write the Mosquitto password file, ACL and config lines of the run's
                      accounts (the DUT, the harness's devices, its observer) into DIR

The harness starts an embedded MQTT broker for emulator and node; for mqtt://… it uses that
broker, which must hold the run's accounts (--print-broker-files; docs/han-protocol.md). Time moves through the GPF's Time cluster:
the harness jumps the hub clock by hours, so a suite takes about a minute. Step by step for a
flashed board: docs/hil.md.
A DUT at mqtt://… is looked for first: no broker there (refused, or no answer within 5 s), or no
state or screen from the DUT within 10 s (--dut-wait), ends the run before any case with one line, status 2.
Exit status: 0 every case passed (or skipped), 1 a case failed, 2 bad usage, no broker or DUT not seen.`;

/** A flashed board's hanlab.json network sections: its WiFi, and the DUT's broker (mqtt://HOST:PORT, as parseTarget took it). */
function boardNetwork(url: string, ssid: string, password: string): { wifi: { ssid: string; password: string }; mqtt: { host: string; port: number } } {
  const u = new URL(url);
  return { wifi: { ssid, password }, mqtt: { host: u.hostname, port: Number(u.port) } };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      dut: { type: 'string' },
      device: { type: 'string' },
      suite: { type: 'string' },
      junit: { type: 'string' },
      screens: { type: 'string' },
      premises: { type: 'string' },
      firmware: { type: 'string' },
      console: { type: 'string' },
      case: { type: 'string' },
      'dut-wait': { type: 'string' },
      'no-stale-detection': { type: 'boolean' },
      'print-config': { type: 'boolean' },
      wifi: { type: 'string' },
      'wifi-password': { type: 'string' },
      'print-broker-files': { type: 'string' },
    },
    false,
  );
  const device = values.device;
  if (device === undefined) throw new UsageError('--device is required (ppmid, gpf or gsme)');
  if (device !== 'ppmid' && device !== 'gpf' && device !== 'gsme') throw new UsageError(`--device: expected ppmid, gpf or gsme, found ${JSON.stringify(device)}`);
  if (values.premises !== undefined && (!isTopicLevel(values.premises) || !/^[A-Za-z0-9_-]+$/.test(values.premises))) throw new UsageError(`--premises: expected letters, digits, _ or -, found ${JSON.stringify(values.premises)}`);
  const firmware = values.firmware;
  if (firmware !== undefined && firmware !== 'secmp0015' && firmware !== 'legacy') throw new UsageError(`--firmware: expected secmp0015 or legacy, found ${JSON.stringify(firmware)}`);
  const target = values.dut === undefined ? null : parseTarget(values.dut);
  if (typeof target === 'string') throw new UsageError(target);

  if (values['wifi-password'] !== undefined && values.wifi === undefined) throw new UsageError('--wifi-password: only with --wifi SSID');
  if (values.wifi !== undefined) {
    if (!values['print-config']) throw new UsageError('--wifi: only with --print-config (the board\'s network goes into the hanlab.json it prints)');
    if (target?.kind !== 'mqtt') throw new UsageError('--wifi: needs --dut mqtt://HOST:PORT#EUI, the broker the board is to reach');
    if (values.wifi === '') throw new UsageError('--wifi: expected the WiFi network\'s name, found ""');
  }
  if (values['print-config'] || values['print-broker-files'] !== undefined) {
    const config = dutConfig({ device, premises: values.premises, firmware, ...(target?.kind === 'mqtt' ? { eui: target.eui } : {}) });
    if (values['print-config']) process.stdout.write(JSON.stringify(values.wifi !== undefined && target?.kind === 'mqtt' ? { ...config, ...boardNetwork(target.url, values.wifi, values['wifi-password'] ?? '') } : config, null, 2) + '\n');
    if (values['print-broker-files'] !== undefined) for (const line of writeBrokerFiles(values['print-broker-files'], hilIdentities(config))) process.stdout.write(line + '\n');
    return EXIT_OK;
  }
  if (target === null) throw new UsageError('--dut is required (emulator, node or mqtt://HOST:PORT#EUI)');
  const suite = values.suite === undefined ? defaultSuite(device) : SUITES[values.suite];
  if (!suite) throw new UsageError(`--suite: unknown suite ${JSON.stringify(values.suite)} (suites: ${Object.keys(SUITES).join(', ')})`);
  if (suite.device !== device) throw new UsageError(`--suite: ${suite.name} is for a ${suite.device} DUT, not a ${device}`);
  let dutSeenMs: number | undefined;
  if (values['dut-wait'] !== undefined) {
    const s = values['dut-wait'];
    if (!/^\d+(\.\d+)?$/.test(s) || Number(s) <= 0 || Number(s) > 3600) throw new UsageError(`--dut-wait: expected seconds, more than 0 and at most 3600, found ${JSON.stringify(s)}`);
    if (target.kind !== 'mqtt') throw new UsageError('--dut-wait: only for a DUT at mqtt://… (the harness starts emulator and node DUTs itself)');
    dutSeenMs = Number(s) * 1000;
  }
  if (values['no-stale-detection'] && target.kind === 'mqtt') throw new UsageError('--no-stale-detection: only for emulator and node DUTs (a flashed board is built already)');
  // Written when the suite is over: refused now rather than after a run that then loses its results.
  if (values.junit !== undefined) checkWritableFile('--junit', values.junit);
  if (values.screens !== undefined) checkWritableDirectory('--screens', values.screens);
  let serial: SerialConsole | undefined;
  if (values.console !== undefined) {
    const spec = parseConsoleSpec(values.console);
    if (typeof spec === 'string') throw new UsageError(spec);
    const opened = openSerialConsole(spec.path);
    if (typeof opened === 'string') throw new UsageError(opened);
    serial = opened;
  }
  const screens = values.screens ?? (values.junit !== undefined ? dirname(values.junit) : undefined);
  // A board's broker that is not there ends the run now, in the words sim and board run use.
  if (target.kind === 'mqtt') {
    try {
      await checkBrokerAnswers('--dut', target.url);
    } catch (err) {
      serial?.close();
      throw err;
    }
  }

  process.stdout.write(`hanlab hil: ${suite.name}, ${suite.cases.length} cases, DUT ${values.dut} (${device})\n`);
  try {
    const result = await runSuite({
      suite,
      target,
      premises: values.premises,
      firmware,
      noStaleDetection: values['no-stale-detection'],
      console: serial,
      artifactsDir: screens,
      only: values.case,
      ...(dutSeenMs !== undefined ? { dutSeenMs } : {}),
      onCase: (c) => process.stdout.write(caseLine(c) + '\n'),
    });
    process.stdout.write('\n' + formatSummary(result) + '\n');
    if (values.junit !== undefined) writeFileSync(values.junit, junitXml([result]));
    return result.cases.some((c) => c.status === 'failed') ? EXIT_FAILURE : EXIT_OK;
  } catch (err) {
    process.stderr.write(`hanlab hil: ${(err as Error).message}\n`);
    return err instanceof DutNotSeen ? EXIT_USAGE : EXIT_FAILURE;
  } finally {
    serial?.close();
  }
}
