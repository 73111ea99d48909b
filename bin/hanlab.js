#!/usr/bin/env node
// The CLI is TypeScript; tsx's loader lets plain `node` run it straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
// A reader that goes away (`hanlab sim | head`) ends the command quietly, exit 0, as it stopped
// reading and nothing failed here; not with a stack trace for EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
