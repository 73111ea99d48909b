// `hanlab coverage` (see cli/dcc.ts)
export { coverageHelp as help, runCoverage as run } from './dcc.ts';
