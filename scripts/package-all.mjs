#!/usr/bin/env node
// `npm run package -- [--stage local] [--force]`: packages every service, reusing unchanged ones.
// The logic is TypeScript (scripts/lib, CommonJS like the rest of the repo), loaded through tsx's
// require hook so this entry point stays plain `node`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

register();
const { packageAll } = createRequire(import.meta.url)('./lib/package-all.ts');
process.exitCode = await packageAll(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)));
