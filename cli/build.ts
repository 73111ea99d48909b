/** `hanlab build`: one device's bundle for one board, with its size as the board will hold it. */
import { relative } from 'node:path';
import { DEVICES, RUNTIMES, loadBoard } from '../boards/config/board-spec.ts';
import type { BoardSpec, DeviceKind, Runtime } from '../boards/config/board-spec.ts';
import { ROOT, buildDevice, checkRuntime } from '../boards/bundler/bundle.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './usage.ts';

export const help = `hanlab build --board ID --device gsme|gpf|ppmid [--runtime xstate|compact] [--no-stale-detection]

Bundles one device for one board (boards/ID/board.json) into dist/ID/DEVICE.js and prints the
file and its size minified and gzipped. Espruino boards get ES5 with only the polyfills the
bundle uses, the firmware's own property names shortened (published and host names are kept).

  --board ID              a folder of boards/ with a board.json
  --device NAME           gsme, gpf or ppmid (one the board lists)
  --runtime NAME          xstate or compact (default: the board's choice; Espruino boards
                          run compact only)
  --no-stale-detection    a PPMID that never warns of stale data (for testing the tests)`;

/** The checked flags shared by build and flash. */
export function boardAndDevice(values: { board?: string; device?: string; runtime?: string }): { board: BoardSpec; device: DeviceKind; runtime: Runtime | undefined } {
  if (values.board === undefined) throw new UsageError('--board: required');
  const board = loadBoard(values.board);
  if (values.device === undefined) throw new UsageError(`--device: required (${board.devices.join(', ')})`);
  if (!(DEVICES as readonly string[]).includes(values.device)) throw new UsageError(`--device: unknown device '${values.device}' (devices: ${DEVICES.join(', ')})`);
  const device = values.device as DeviceKind;
  if (!board.devices.includes(device)) throw new UsageError(`--device: board '${board.id}' does not run a ${device} (it runs ${board.devices.join(', ')})`);
  if (values.runtime !== undefined && !(RUNTIMES as readonly string[]).includes(values.runtime)) {
    throw new UsageError(`--runtime: unknown runtime '${values.runtime}' (runtimes: ${RUNTIMES.join(', ')})`);
  }
  const runtime = values.runtime as Runtime | undefined;
  checkRuntime(board, runtime ?? board.runtime);
  return { board, device, runtime };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { board: { type: 'string' }, device: { type: 'string' }, runtime: { type: 'string' }, 'no-stale-detection': { type: 'boolean' } },
    false,
  );
  const { board, device, runtime } = boardAndDevice(values);
  const flags = values['no-stale-detection'] ? { staleDetection: false } : {};
  const r = await buildDevice({ board: board.id, device, ...(runtime ? { runtime } : {}), flags });
  process.stdout.write(
    `${relative(ROOT, r.file) || r.file}  ${r.bytes} bytes minified, ${r.gzipBytes} gzipped  (${board.id}, ${device}, ${r.runtime} runtime, ${board.target})\n`,
  );
  return 0;
}
