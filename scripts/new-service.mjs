#!/usr/bin/env node
// `npm run new-service -- <name>`: scaffolds services/<name> from scripts/templates/new-service.
// The logic is TypeScript (scripts/lib, CommonJS like the rest of the repo), loaded through tsx's
// require hook so this entry point stays plain `node`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

register();
const { newService } = createRequire(import.meta.url)('./lib/new-service.ts');
process.exitCode = newService(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)));
