import { writeFileSync } from 'node:fs';
import { isRepresentableTime } from '../sim/scenario/device-limits.ts';
import { formatTime, parseDuration, parseIsoTime } from '../sim/scenario/schema.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { DEFAULT_SCENARIO, listBuiltinScenarios } from '../sim/scenario/load.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { runSimulation } from '../sim/run/run.ts';
import { SIM_DEFAULT_DB, SmiSyncError, writeRunDxi } from '../sim/run/smi-dxi.ts';
import { DbSpecError } from '../dcc/db.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { createTextTimeline, formatSummary } from '../sim/report/text.ts';
import { createProgressBar, createTimelineOutput } from '../sim/report/progress.ts';
import { createScreenshotWriter } from '../sim/report/screenshots.ts';
import type { ScreenshotWriter } from '../sim/report/screenshots.ts';
import { DISPLAY_PROFILES } from '../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../firmware/display/render/layout.ts';
import { parseCommandArgs } from './args.ts';
import { loadScenario, parseSpeedArg } from './run-args.ts';
import { writeBrokerFiles } from './broker-files.ts';
import { checkBrokerAnswers, checkBrokerUrl } from './broker-url.ts';
import { UsageError } from './usage.ts';
import { checkWritableDirectory } from './writable.ts';
import type { DashboardServer, Feed } from '../live/index.ts';
import { parsePort, parseProfile } from './dashboard-args.ts';

export const help = `hanlab sim — run a scenario headless, in virtual time, on the HAN stand-in

Usage: hanlab sim [--scenario NAME|FILE] [--seed N] [--until TIME] [--json]
                  [--broker embedded|mqtt://HOST:PORT] [--realtime | --speed X]
                  [--ha-discovery] [--han-json] [--glow] [--compare | --no-compare]
                  [--runtime compact|xstate] [--dashboard [--dashboard-port N]]
                  [--screenshots DIR] [--profile mono128x64|color176]
                  [--dxi FILE [--db pglite:DIR|postgres://…]]
       hanlab sim --print-broker-files DIR [--scenario NAME|FILE] [--seed N] [--compare | --no-compare]
                  [--ha-discovery] [--han-json] [--glow]

  --scenario NAME|FILE  a built-in scenario (default ${DEFAULT_SCENARIO}) or a YAML / JSON file
  --seed N              override the scenario's seed (same scenario + seed = same timeline)
  --until TIME          stop early: an ISO time (2026-01-15T21:00:00Z) or an offset from the
                        start (+20h, 90m)
  --json                the full timeline as JSON lines on stdout (HAN frames, screens, logs,
                        faults, customer actions, WAN requests, SM WAN coverage, SMI
                        state changes), then one summary line
  --broker embedded     run the HAN over MQTT on an embedded broker (Aedes, a free port of
                        127.0.0.1) instead of the in-process bus (the default: the same frames,
                        accounts and rules, no broker, no sockets); the timeline is the same bytes
  --broker URL          run it over an external MQTT 3.1.1 broker (e.g. Mosquitto); it must hold
                        the run's accounts (--print-broker-files); none there (refused, or no answer
                        within 5 s): exit 2 at once, as board run and hil say it
  --runtime NAME        what runs the device machines: compact (default; each machine's state
                        table on the interpreter the small boards run) or xstate (XState's own
                        actors); the timeline is the same bytes, compact takes a fraction of the time
  --realtime            pace virtual time at wall-clock speed, on a broker to watch it with an
                        MQTT client (without --broker: the embedded one, its URL printed first,
                        as a {"kind":"broker"} line with --json):
                        mosquitto_sub -h HOST -p PORT -i hanlab-observer -u hanlab-observer -P hanlab -t 'hanlab/#' -v
                        (the same as --speed 1)
  --speed X             as --realtime, at X times wall-clock speed: a positive number (0.5 = half
                        speed, 60 = an hour of simulated time per wall minute, 3600 = an hour per
                        wall second); only the scenario's own home is run unless --compare
  --ha-discovery        on a broker only (--broker, --realtime or --speed): Home Assistant MQTT
                        discovery. Retained sensor configs homeassistant/sensor/NODE/OBJECT/config
                        for each home's PPMID (credit shown in GBP, reading time, freshness,
                        supply shown) and GSME (gas volume in m³), read from the devices'
                        hanlab/PREMISES/DEVICE/state|screen JSON; each device's connection
                        publishes hanlab/PREMISES/DEVICE/availability online, and offline on a
                        clean stop and as its MQTT last will. Home Assistant logs in as
                        hanlab-observer (client id hanlab-observer too), which may then also read
                        homeassistant/#; with --print-broker-files, the accounts' rights for it
  --han-json            on a broker only: every HAN frame that goes out (not those the HAN
                        loses) also as JSON on hanlab/PREMISES/han, not retained, for MQTT
                        Explorer and the like: time, from/to (role and EUI), cluster id and name,
                        the timeline's one-line description, the decoded ZCL frame and its hex
  --glow                on a broker only: each home's PPMID also publishes what it shows in
                        Hildebrand Glow's local MQTT layout, not retained, from its own
                        connection: glow/EUI/SENSOR/gasmeter (the reading time it shows, the
                        volume it read in m³, kWh by the meter's calorific value and volume
                        correction, since midnight / Monday / the 1st UK time, MPRN, tariff in £)
                        whenever it shows a new reading, none before it shows a reading time;
                        glow/EUI/STATE (firmware, EUI, HAN link) when its link changes.
                        hanlab-observer may then also read glow/#
  --no-compare          run only the scenario's own home, even if its scenario says compare: true
  --compare             also run one home per firmware combination (compare: true), named
                        PREMISES-legacy-gsme, PREMISES-legacy-gpf-no-fallback… after what they run
                        (PREMISES-secmp0015: every device SECMP0015, fallback on); the default is the
                        scenario's compare setting, or no comparison with --realtime / --speed /
                        --dashboard
  --dashboard           also serve a live web page of the run from this process: each home's
                        PPMID screen as the device draws it, its freshness and warnings, credit
                        shown vs true credit (outages shaded, misleading minutes marked), the HAN
                        frames decoded, the supplier's reads with Parse & Correlate's verdict.
                        Its URL is the first line on stderr, before the run starts. The run does
                        not wait for the page: a page opened late is sent the run from its start.
                        At full speed the page shows the whole run a moment later; with
                        --realtime or --speed X it follows the run as it happens. When the run
                        is over the page stays up, to scrub through it, until Ctrl-C
  --dashboard-port N    the page's port on 127.0.0.1 (default 0: any free port)
  --screenshots DIR     write a PNG of the PPMID's screen every time it changes visibly
                        (not when only its age ticks): DIR/NNNN-YYYYMMDDTHHMMZZZ-FRESHNESS.png,
                        numbered from 0001, virtual UK time with its zone (GMT/BST); DIR is
                        created if missing and same-named files of an earlier run are
                        overwritten
  --profile NAME        the display drawn for --screenshots and --dashboard: mono128x64 (default;
                        128x64 OLED, PNG x3) or color176 (176x176 3-bit colour LCD, PNG x2)
  --dxi FILE            after the run, apply the scenario's SMI state changes (its smi: list,
                        history and those of the run up to where it stopped) to the DCC's
                        Smart Metering Inventory and write the DXI they caused: one E45 record
                        per MP077 flag change of the home's MPRN (see dcc/README.md)
  --db SPEC             the SMI for --dxi: pglite:DIR or postgres://USER@HOST:PORT/DB
                        (default: a PGlite database in memory, gone after the run)
  --print-broker-files DIR  write the Mosquitto password file, ACL and config lines for this
                        scenario and seed's accounts into DIR (for --broker), and run nothing

Prints the PPMID's timeline (what it shows, its freshness, shown vs true credit) and a summary
of credit-misleading, supply-misleading and false-alarm minutes (docs/glossary.md) per device
combination. Times a person reads (timeline, summary, screen, screenshot names) are UK civil time
with the zone ("2026-07-01 17:59 BST"); --until, scenario files and --json use UTC (ISO 8601).
A scenario may give its home a postcode: its comms hub then answers the supplier only once the
DP146 coverage plan (the one \`hanlab coverage\` answers from) covers it; before, a service request
times out and the timeline says why.
Built-in scenarios: ${listBuiltinScenarios().join(', ')}.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      scenario: { type: 'string' },
      seed: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean' },
      broker: { type: 'string' },
      realtime: { type: 'boolean' },
      speed: { type: 'string' },
      compare: { type: 'boolean' },
      'no-compare': { type: 'boolean' },
      'ha-discovery': { type: 'boolean' },
      'han-json': { type: 'boolean' },
      glow: { type: 'boolean' },
      runtime: { type: 'string' },
      screenshots: { type: 'string' },
      profile: { type: 'string' },
      'print-broker-files': { type: 'string' },
      dxi: { type: 'string' },
      db: { type: 'string' },
      dashboard: { type: 'boolean' },
      'dashboard-port': { type: 'string' },
    },
    false,
  );
  let scenario = loadScenario(values.scenario ?? DEFAULT_SCENARIO);
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff) throw new UsageError(`--seed: expected a whole number 0…4294967295, found "${values.seed}"`);
    scenario = { ...scenario, seed: Number(values.seed) };
  }
  const speed = parseSpeed(values.speed, values.realtime === true);
  const paced = speed !== undefined;
  if (values.compare === true && values['no-compare'] === true) throw new UsageError('--compare and --no-compare: give one of them', { seeHelp: true });
  // Before --print-broker-files: the accounts are those of the homes this run would have.
  // A person watching a paced run follows one home; the flags say otherwise when given.
  const dashboard = values.dashboard === true;
  if (values['dashboard-port'] !== undefined && !dashboard) throw new UsageError('--dashboard-port: only with --dashboard', { seeHelp: true });
  const dashboardPort = parsePort('--dashboard-port', values['dashboard-port']);
  const compare = values.compare === true ? true : values['no-compare'] === true || paced || dashboard ? false : scenario.compare;
  if (compare !== scenario.compare) scenario = { ...scenario, compare };
  const haDiscovery = values['ha-discovery'] === true;
  const hanJson = values['han-json'] === true;
  const glow = values.glow === true;
  if (values['print-broker-files'] !== undefined) {
    if (dashboard) throw new UsageError('--dashboard: not with --print-broker-files, which runs nothing', { seeHelp: true });
    for (const line of writeBrokerFiles(values['print-broker-files'], simulationIdentities(scenario, [], { haDiscovery, hanJson, glow }))) process.stdout.write(line + '\n');
    return 0;
  }
  const until = values.until === undefined ? undefined : parseUntil(values.until, scenario);
  const runtime = values.runtime;
  if (runtime !== undefined && runtime !== 'compact' && runtime !== 'xstate') throw new UsageError(`--runtime: expected compact or xstate, found "${runtime}"`);
  if (values.broker !== undefined && values.broker !== 'embedded') {
    checkBrokerUrl('--broker', values.broker);
  }
  // A paced run is for watching over MQTT: it needs a broker (the in-process bus has no door).
  const broker = values.broker ?? (paced ? 'embedded' : undefined);
  // What they publish is for someone outside this process to read.
  for (const [flag, on] of [['--ha-discovery', haDiscovery], ['--han-json', hanJson], ['--glow', glow]] as const) {
    if (on && broker === undefined) throw new UsageError(`${flag}: only on a broker (--broker embedded|URL, --realtime or --speed X), not the in-process bus`, { seeHelp: true });
  }
  // Someone is to read this broker: its URL is printed first, its devices publish their models.
  const watched = paced || haDiscovery || hanJson || glow;

  const screenshots = values.screenshots === undefined ? null : screenshotWriter(values.screenshots, values.profile);
  if (screenshots === null && !dashboard && values.profile !== undefined) throw new UsageError('--profile: only with --screenshots DIR or --dashboard');
  const profile = parseProfile(values.profile);

  if (values.db !== undefined && values.dxi === undefined) throw new UsageError('--db: only with --dxi FILE');
  if (values.db !== undefined && !/^(pglite:.|postgres(ql)?:\/\/)/.test(values.db)) {
    throw new UsageError(`--db ${JSON.stringify(values.db)}: expected pglite:DIR or postgres://USER@HOST:PORT/DB`);
  }
  // Found out before the run, not after it: the DXI file can be written.
  if (values.dxi !== undefined) {
    try {
      writeFileSync(values.dxi, '');
    } catch (err) {
      throw new UsageError(`--dxi ${values.dxi}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  const json = values.json === true;
  // The timeline goes out as the run reaches it (on a terminal with where the run is on the last
  // line; stderr's progress bar only when stdout is not a terminal): text lines one by one, a
  // --json run's hundreds of thousands of lines in chunks and at every progress tick.
  const output = createTimelineOutput(process.stdout);
  let pending = '';
  const drain = () => {
    output.write(pending);
    pending = '';
  };
  const out = (line: string) => {
    pending += line + '\n';
    if (!json || pending.length > 1 << 16) drain();
  };
  const print = json ? (e: TimelineEvent) => out(JSON.stringify({ ...e, t: formatTime(e.t) })) : createTextTimeline('scenario', out);
  // The dashboard's page, listening (its URL on stderr) before the run starts.
  let feed: Feed | null = null;
  let server: DashboardServer | null = null;
  if (dashboard) {
    const { createFeed } = await import('../live/index.ts');
    const { listen } = await import('./dashboard-server.ts');
    const end = until ?? scenario.end;
    feed = createFeed({ mode: 'live', scenario: scenario.name, seed: scenario.seed, start: formatTime(scenario.start), end: formatTime(end), startMs: scenario.start, endMs: end, speed: speed ?? null, profile });
    server = await listen(feed, '--dashboard-port', dashboardPort, (line) => process.stderr.write(line + '\n'));
  }
  const timeline = (e: TimelineEvent) => {
    print(e);
    screenshots?.onEvent(e);
    feed?.push(e);
  };
  // Where to watch a real-time run: the first line on stdout, before the timeline.
  const announceBroker = (url: string) => {
    out(json ? JSON.stringify({ kind: 'broker', url }) : `Embedded MQTT broker at ${url} (watch hanlab/# as hanlab-observer, password hanlab)`);
    drain();
  };
  // Last of the checks: the same words and wait as board run and hil --dut mqtt://….
  if (broker !== undefined && broker !== 'embedded') {
    try {
      await checkBrokerAnswers('--broker', broker);
    } catch (err) {
      await server?.close();
      throw err;
    }
  }
  const progress = output.tty ? { update: () => {}, clear: () => {} } : createProgressBar(process.stderr);
  const clearProgress = () => {
    output.clear();
    progress.clear();
  };
  let result;
  try {
    result = await runSimulation(scenario, {
      ...(broker !== undefined ? { broker } : {}),
      ...(watched ? { onBroker: announceBroker } : {}),
      ...(haDiscovery ? { haDiscovery } : {}),
      ...(hanJson ? { hanJson } : {}),
      ...(glow ? { glow } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(speed !== undefined ? { speed } : {}),
      ...(runtime !== undefined ? { runtime } : {}),
      // The devices' retained state and screen models only where someone can read them: an
      // external broker, or the embedded one whose URL --realtime / --speed / --ha-discovery /
      // --han-json / --glow prints (not the in-process bus, which takes no client from outside, nor an
      // embedded broker nobody is told of).
      publishModels: (broker !== undefined && broker !== 'embedded') || watched,
      onEvent: timeline,
      onProgress: (fraction, at) => {
        feed?.progress(at);
        drain();
        output.update(fraction, at);
        progress.update(fraction);
      },
      onWarning: (m) => {
        clearProgress();
        process.stderr.write(`hanlab sim: ${m}\n`);
      },
    });
  } catch (err) {
    clearProgress();
    drain();
    await server?.close();
    throw new UsageError((err as Error).message);
  }
  clearProgress();
  feed?.finish(result.homes, result.end);
  if (values.dxi !== undefined) {
    let r;
    try {
      r = await writeRunDxi(scenario, result.end, values.dxi, values.db ?? SIM_DEFAULT_DB);
    } catch (err) {
      drain();
      await server?.close();
      if (err instanceof DbSpecError || err instanceof SmiSyncError) throw new UsageError(err.message);
      if ((err as NodeJS.ErrnoException).code) throw new UsageError(`--dxi ${values.dxi}: cannot write: ${(err as NodeJS.ErrnoException).code}`);
      throw err;
    }
    const line = `DXI ${values.dxi}: ${r.records.length} E45 record${r.records.length === 1 ? '' : 's'} from ${r.applied} SMI state change${r.applied === 1 ? '' : 's'}`;
    process.stderr.write(line + '\n');
  }
  if (json) out(JSON.stringify({ kind: 'summary', scenario: result.scenario, seed: result.seed, start: formatTime(result.start), end: formatTime(result.end), tolerance: scenario.metric.tolerance, homes: result.homes }));
  else out('\n' + formatSummary(result, scenario.metric.tolerance));
  drain();
  if (server !== null) {
    process.stderr.write(`Dashboard: the run is over; the page stays at ${server.url} to scrub through it (Ctrl-C stops it)\n`);
    const { untilStopped } = await import('./dashboard-server.ts');
    await untilStopped();
    await server.close();
  }
  return 0;
}

/** Validates --screenshots DIR (created if missing, must be writable) and --profile. */
function screenshotWriter(dir: string, profile: string | undefined): ScreenshotWriter {
  const name = profile ?? 'mono128x64';
  if (!Object.hasOwn(DISPLAY_PROFILES, name)) throw new UsageError(`--profile: expected ${Object.keys(DISPLAY_PROFILES).join(' or ')}, found "${name}"`);
  checkWritableDirectory('--screenshots', dir);
  return createScreenshotWriter(dir, name as DisplayProfile);
}

/** --speed X (a positive number) or --realtime (= --speed 1); undefined: not paced. */
function parseSpeed(text: string | undefined, realtime: boolean): number | undefined {
  if (text === undefined) return realtime ? 1 : undefined;
  if (realtime) throw new UsageError('--realtime and --speed: give one of them (--realtime is --speed 1)', { seeHelp: true });
  return parseSpeedArg(text);
}

function parseUntil(text: string, s: Scenario): number {
  const abs = parseIsoTime(text);
  const rel = abs === undefined ? parseDuration(text.replace(/^\+/, '')) : undefined;
  const at = abs ?? (rel !== undefined ? s.start + rel : undefined);
  if (at === undefined) throw new UsageError(`--until: expected an ISO time like 2026-01-15T21:00:00Z or an offset like +20h, found "${text}"`);
  if (at <= s.start || at > s.end) {
    // '+99999999d' is a valid offset whose time a Date cannot hold: name it as given.
    const found = !isRepresentableTime(at) ? `"${text}" (past the year 275760)` : abs === undefined ? `"${text}" (${formatTime(at)})` : formatTime(at);
    throw new UsageError(`--until: expected a time after the start (${formatTime(s.start)}) and no later than the end (${formatTime(s.end)}), found ${found}`);
  }
  return at;
}
