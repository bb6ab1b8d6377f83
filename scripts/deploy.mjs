#!/usr/bin/env node
// `npm run deploy -- --stage dev [--region r] [--service s]`: deploys the services, callees before callers,
// each caller with its callees' current API ids, then checks the stage.
// The logic is TypeScript (scripts/lib, CommonJS like the rest of the repo), loaded through tsx's
// require hook so this entry point stays plain `node`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

register();
const { deployAll } = createRequire(import.meta.url)('./lib/deploy.ts');
process.exitCode = await deployAll(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)));
