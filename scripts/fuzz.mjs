// `npm run fuzz [-- --runs 5000] [--seed N] [--path P]`: the front door's fuzz suite with a long budget.
// `npm test` runs the same suite with 300 runs and a fixed seed; a failure prints the seed and path to
// replay it here. Without --seed a new one is drawn, so each long run explores new requests.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run fuzz -- [--runs 5000] [--seed N] [--path P]
  --runs N   requests to send (default 5000)
  --seed N   fast-check seed, to replay a run (default: a new one)
  --path P   with --seed, replay the one failing case fast-check printed`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      path: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`fuzz: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs ?? 5000);
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error(`fuzz: --runs must be a positive integer and --seed an integer\n\n${USAGE}`);
  process.exit(2);
}

const env = { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) };
if (values.path) env.FUZZ_PATH = values.path;
const jest = [
  'node_modules/jest/bin/jest.js',
  '--selectProjects',
  'integration',
  '--testPathPatterns',
  'front-door-fuzz',
];
const result = spawnSync(process.execPath, jest, { stdio: 'inherit', env });
process.exit(result.status ?? 1);
