#!/usr/bin/env node
// `npm run test:deploy`: deploys every service with `npm run deploy` into a moto server started for
// the run, reads the result back, runs the scenarios that used to leave stale grants, lints every
// compiled template with cfn-lint. Needs python3 with moto and cfn-lint (it says so when missing).
// The logic is TypeScript (scripts/lib), loaded through tsx's require hook.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

register();
const { testDeploy } = createRequire(import.meta.url)('./lib/test-deploy.ts');
process.exitCode = await testDeploy(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)));
