#!/usr/bin/env node
// The retrovue CLI. Runs the TypeScript sources directly through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../app/main/cli/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
