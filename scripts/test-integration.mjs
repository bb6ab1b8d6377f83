// `npm run test:integration [-- --stage dev --region eu-west-1 --profile p] [-- PATTERN…]`: the integration suite,
// against an ephemeral local stage by default, or against the deployed stage named by --stage.
// `-- --running [--state-dir DIR]`: against the local stage `npm start` is running (.local-stage/).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    stage: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    running: { type: 'boolean' },
    'state-dir': { type: 'string' },
  },
  allowPositionals: true,
});
const env = { ...process.env };
if (values.running || values['state-dir'])
  env.LOCAL_STAGE_DIR = resolve(values['state-dir'] ?? '.local-stage');
if (values.stage) env.STAGE = values.stage;
if (values.region) env.AWS_REGION = values.region;
if (values.profile) env.AWS_PROFILE = values.profile;

// Test path patterns first: after `--selectProjects` jest would take them for more project names.
const jest = ['node_modules/jest/bin/jest.js', ...positionals, '--selectProjects', 'integration'];
const result = spawnSync(process.execPath, jest, { stdio: 'inherit', env });
process.exit(result.status ?? 1);
