#!/usr/bin/env node
// `npm run remove -- --stage dev [--service users [--with-callers]]`: removes services, callers first.
// The logic is TypeScript (scripts/lib, CommonJS like the rest of the repo), loaded through tsx's
// require hook so this entry point stays plain `node`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

register();
const { removeServices } = createRequire(import.meta.url)('./lib/deploy-remove.ts');
process.exitCode = await removeServices(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)));
