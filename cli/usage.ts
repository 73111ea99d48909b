// UsageError is defined below the board tooling, which throws it too; the CLI's exit statuses and help are here.
export { UsageError } from '../boards/config/usage-error.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const MAIN_HELP = `hanlab — GB smart-metering HAN firmware runtime and simulator (SECMP0015)

Usage:
  hanlab decode <HEX | @FILE | @-> [--xml] [--keystore DIR]
                                 decode a GBCS message (Parse & Correlate)
  hanlab sim [--scenario NAME|FILE] [--seed N] [--until TIME] [--json] [--broker URL] [--realtime | --speed X]
             [--compare | --no-compare] [--dashboard [--dashboard-port N]]
             [--screenshots DIR [--profile mono128x64|color176]]
                                 run a scenario headless in virtual time (default: han-outage-prepay)
  hanlab build --board ID --device gsme|gpf|ppmid [--runtime xstate|compact] [--no-stale-detection]
                                 bundle one device for one board (dist/ID/DEVICE.js) and print its size
  hanlab flash --board ID --device gsme|gpf|ppmid --port PORT [--config FILE] [--dry-run]
                                 write a device's bundle and config to an Espruino board's flash
  hanlab hil --dut emulator|node|mqtt://HOST:PORT#EUI --device ppmid|gpf|gsme [--suite NAME] [--junit FILE]
                                 hardware-in-the-loop: run a conformance suite against one device
  hanlab board run --board node|emulator --device gsme|gpf|ppmid --broker URL [--config FILE]
                   [--runtime xstate|compact] [--no-stale-detection] [--screenshots DIR]
                                 run one device on a board here, against an MQTT broker
  hanlab dcc generate|models|withdraw-model|set-state|flags|ingest|status … [--db pglite:DIR|postgres://…]
                                 the DCC's Smart Metering Inventory, MP077 service flags, E45/E46 files
  hanlab coverage POSTCODE|OUTCODE [--at DATE] [--json]
                                 the SSI's SM WAN coverage answer (DP146)
  hanlab serve [--port N] [--host HOST]
                                 the SSI coverage checker web page and its JSON API
  hanlab dashboard FILE [--port N] [--profile mono128x64|color176]
                                 open a past \`sim --json\` run in the dashboard web page, to scrub through it
  hanlab fleet [--homes N] [--population NAME|FILE] [--seed N] [--workers W] [--json] [--chart FILE.svg]
                                 many homes drawn from a population in virtual time; misled customer-minutes
  hanlab cluster up [--nodes N] [--dir DIR] | down [--dir DIR]
                                 a local NATS cluster (MQTT over JetStream) for fleets; prints mqtt:// URLs
  hanlab help [COMMAND]          this text, or a command's own help
  hanlab --version               the version (also -v)

Run 'hanlab COMMAND --help' for a command's options.
Bad input exits with status 2 and one line naming what was wrong and where.`;
