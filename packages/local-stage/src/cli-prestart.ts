// Imported first by cli.ts, for what it does as it loads: when `npm start` has a template to compile,
// the template compiler is forked right away, so it loads the framework on one core while this
// process loads the stage on the other (prestartCompiler). Keep what this imports quick to load.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from './defaults';
import { prestartCompiler } from './packaging/compiler-process';

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: { help: { type: 'boolean', short: 'h' }, 'no-package': { type: 'boolean' } },
});
if (!values.help && !values['no-package']) {
  prestartCompiler(resolve(__dirname, '../../..'), { stage: DEFAULTS.stage, region: DEFAULTS.region });
}
