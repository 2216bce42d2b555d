#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so there is no build step between `npm install` and `npm run bench`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../runners/cli.ts');
process.exitCode = await main(process.argv);
