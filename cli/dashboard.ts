import { readRecording, recordingFeed, RecordingError } from '../live/index.ts';
import { parseCommandArgs } from './args.ts';
import { parsePort, parseProfile } from './dashboard-args.ts';
import { listen, untilStopped } from './dashboard-server.ts';
import { UsageError } from './usage.ts';

export const help = `hanlab dashboard — open a past run in the dashboard, to scrub through it

Usage: hanlab dashboard FILE [--port N] [--profile mono128x64|color176]

  FILE             what \`hanlab sim --json\` printed (hanlab sim --json > FILE); every line is
                   checked first, a bad one refused with its line and field
  --port N         port of 127.0.0.1 to serve on (default 0: any free port); the page's URL is
                   printed on stderr
  --profile NAME   the PPMID display drawn: mono128x64 (default) or color176

Serves the same page as \`hanlab sim --dashboard\` over the recorded timeline: each home's PPMID
screen as the device draws it (the firmware's own renderer), its freshness and warnings, credit
shown vs true credit over time with HAN outages and power cuts shaded and misleading minutes
marked, the HAN frames decoded, and the supplier's remote reads with Parse & Correlate's verdict,
all at the time the scrubber is set to. Times are UK civil time (GMT/BST). Runs until Ctrl-C.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { port: { type: 'string' }, profile: { type: 'string' } }, true);
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'expected FILE, the output of hanlab sim --json, found nothing' : `expected one FILE, found ${positionals.length}: ${positionals.join(' ')}`, { seeHelp: true });
  }
  const port = parsePort('--port', values.port);
  const profile = parseProfile(values.profile);
  let recording;
  try {
    recording = readRecording(positionals[0]!);
  } catch (err) {
    if (err instanceof RecordingError) throw new UsageError(err.message);
    throw err;
  }
  const server = await listen(recordingFeed(recording, profile), '--port', port, (line) => process.stderr.write(line + '\n'));
  await untilStopped();
  await server.close();
  return 0;
}
