#!/usr/bin/env node
// The CLI is TypeScript; tsx's loader lets plain `node` run it straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
