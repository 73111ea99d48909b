// `hanlab serve` (see dcc/cli.ts)
export { serveHelp as help, runServe as run } from './cli.ts';
