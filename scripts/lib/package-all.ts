import { parseArgs } from 'node:util';
import {
  findServices,
  type PackageOptions,
  PackagingError,
  packageServices,
} from '@internal-apis/local-stage/packaging';
import { requireStage, UsageError, usageErrors, withUsage } from './cli-args';

const USAGE = `Usage: npm run package -- [--stage local] [--force] [--concurrency 2]

Packages every services/* for the stage (serverless package, no AWS credentials needed), reusing a
service's .serverless/ when its sources and config are unchanged.`;

/**
 * `npm run package`: packages every service, printing one line per service.
 *
 * @example
 * process.exitCode = await packageAll(['--stage', 'local'], repoRoot);
 */
export async function packageAll(argv: string[], repoRoot: string): Promise<number> {
  return withUsage(argv, USAGE, async () => {
    const started = Date.now();
    const services = findServices(repoRoot);
    const options = packageOptions(argv, repoRoot);
    try {
      await packageServices(services, {
        ...options,
        onProgress: ({ service, state, ms }) => {
          if (state !== 'packaging')
            console.log(`${service.padEnd(20)} ${state}${ms === undefined ? '' : ` in ${ms} ms`}`);
        },
      });
    } catch (error) {
      if (!(error instanceof PackagingError)) throw error;
      console.error(error.message);
      return 1;
    }
    console.log(`${services.length} services ready for stage ${options.stage} in ${Date.now() - started} ms`);
    return 0;
  });
}

function packageOptions(argv: string[], repoRoot: string): PackageOptions {
  const options = {
    stage: { type: 'string' },
    force: { type: 'boolean' },
    concurrency: { type: 'string' },
  } as const;
  const { values } = usageErrors(() => parseArgs({ args: argv, options }));
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new UsageError(`--concurrency must be a positive integer, not ${values.concurrency}`);
  }
  return { stage: requireStage(values.stage, 'local'), repoRoot, concurrency, force: values.force === true };
}
