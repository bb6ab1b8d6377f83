import { parseArgs } from 'node:util';
import { requireStage, UsageError, usageErrors } from './cli-args';
import { type ServiceDeployInfo, servicesForStage } from './deploy-services';

/** What `npm run deploy` and `npm run remove` act on: a stage, its region and its services. */
export interface StageTarget<Flag extends string> {
  stage: string;
  region: string;
  /** Every service of the stage, in deploy order (callees first). */
  services: ServiceDeployInfo[];
  /** The service `--service` names, if any. */
  service?: ServiceDeployInfo;
  /** The command's own on/off options, e.g. `--with-callers`. */
  flags: Record<Flag, boolean>;
}

/**
 * The AWS region for a deploy or remove: `--region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`
 * (the AWS CLI's variable, which the SDK and serverless ignore), else serverless-common.yml's
 * us-east-1. It is passed to serverless explicitly, so both always agree.
 *
 * @example
 * regionFor(undefined, { AWS_DEFAULT_REGION: 'eu-west-1' }); // 'eu-west-1'
 */
export function regionFor(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/**
 * Reads `--stage` (required), `--region` and `--service` (a service of the repository, or a
 * UsageError listing them), and the command's own on/off `flags`, from `argv`.
 *
 * @example
 * const { stage, region, service, flags } = stageTarget(argv, repoRoot, process.env, ['with-callers']);
 */
export function stageTarget<Flag extends string>(
  argv: string[],
  repoRoot: string,
  env: NodeJS.ProcessEnv,
  flags: readonly Flag[] = [],
): StageTarget<Flag> {
  const options = {
    stage: { type: 'string' },
    region: { type: 'string' },
    service: { type: 'string' },
    ...Object.fromEntries(flags.map((flag) => [flag, { type: 'boolean' }])),
  } as const;
  const { values } = usageErrors(() => parseArgs({ args: argv, options }));
  const stage = requireStage(values.stage);
  const services = servicesForStage(repoRoot, stage);
  const named = values.service;
  const given = values as Record<string, string | boolean | undefined>;
  return {
    stage,
    region: regionFor(values.region, env),
    services,
    service: named === undefined ? undefined : serviceNamed(named, services),
    flags: Object.fromEntries(flags.map((flag) => [flag, given[flag] === true])) as Record<Flag, boolean>,
  };
}

function serviceNamed(name: string, services: ServiceDeployInfo[]): ServiceDeployInfo {
  const found = services.find((service) => service.name === name);
  if (!found) {
    throw new UsageError(`No service named "${name}"; services: ${services.map((s) => s.name).join(', ')}`);
  }
  return found;
}
