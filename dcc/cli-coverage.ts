// `hanlab coverage` (see dcc/cli.ts)
export { coverageHelp as help, runCoverage as run } from './cli.ts';
