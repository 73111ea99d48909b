// `hanlab serve` (see cli/dcc.ts)
export { serveHelp as help, runServe as run } from './dcc.ts';
