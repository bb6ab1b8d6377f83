import { urlParameterName } from '@internal-apis/discovery';
import { PreflightError } from './errors';

/** The test principal's role session names: the only ones the opt-in trust statement allows. */
export const sessionNameFor = (stage: string) => `integration-suite-${stage}`;

/** The role the framework creates for a service's functions on a stage, in a region. */
export const lambdaRoleName = (service: string, stage: string, region: string) =>
  `${service}-${stage}-${region}-lambdaRole`;

/** What the pre-flight asks AWS; injected so tests pass fakes. */
export interface PreflightApi {
  /** STS GetCallerIdentity with the runner's credentials (needs no permission). */
  callerIdentity(): Promise<{ account: string; arn: string }>;
  parameterExists(name: string): Promise<boolean>;
  /** Tries STS AssumeRole; resolves `undefined` when allowed, else AWS's message. */
  assumeRoleRefusal(roleArn: string, sessionName: string): Promise<string | undefined>;
}

export interface AwsStageInput {
  stage: string;
  region: string;
  profile?: string;
  /** The services the suite calls; each must be deployed and its role assumable. */
  services: string[];
}

export interface AwsStageIdentity {
  accountId: string;
  partition: string;
  callerArn: string;
}

/**
 * The AWS region for the suite: `--region` (passed on as AWS_REGION), `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, then the profile's `region` in ~/.aws/config. None is an error: a
 * guessed region would find no stage and fail every test.
 *
 * @example
 * await resolveRegion({ AWS_DEFAULT_REGION: 'eu-west-1' }, async () => undefined); // 'eu-west-1'
 */
export async function resolveRegion(
  env: NodeJS.ProcessEnv,
  profileRegion: () => Promise<string | undefined>,
): Promise<string> {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion());
  if (!region) {
    throw new PreflightError(
      'No AWS region for the integration suite: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, ' +
        'or give your profile a region in ~/.aws/config.',
    );
  }
  return region;
}

/**
 * Checks, before any test runs, that the suite can work against a deployed stage: credentials that
 * AWS accepts, every service's URL published in SSM, and every service role assumable by the
 * runner (the opt-in trust statement, TEST_PRINCIPAL_ARN at deploy time). Throws one
 * `PreflightError` listing every problem with what to do; resolves who the runner is.
 *
 * @example
 * const { accountId, partition } = await preflightAws({ stage: 'dev', region: 'eu-west-1', services }, api);
 */
export async function preflightAws(input: AwsStageInput, api: PreflightApi): Promise<AwsStageIdentity> {
  const where = `AWS stage ${input.stage} in ${input.region}${input.profile ? ` (profile ${input.profile})` : ''}`;
  let identity: { account: string; arn: string };
  try {
    identity = await api.callerIdentity();
  } catch (error) {
    throw new PreflightError(
      `The integration suite cannot reach ${where}: no usable AWS credentials ` +
        `(${error instanceof Error ? error.message : String(error)}).\n` +
        'Pass --profile or set AWS_PROFILE (run `aws sso login` for an SSO profile), or set ' +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      { cause: error },
    );
  }
  const partition = identity.arn.split(':')[1] ?? 'aws';
  const problems = [
    ...(await undeployed(input, api)),
    ...(await unassumableRoles(input, api, identity.account, partition, identity.arn)),
  ];
  if (problems.length > 0) {
    throw new PreflightError(
      `The integration suite cannot run against ${where} as ${identity.arn}:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { accountId: identity.account, partition, callerArn: identity.arn };
}

async function undeployed(input: AwsStageInput, api: PreflightApi): Promise<string[]> {
  const missing: string[] = [];
  for (const service of input.services) {
    const name = urlParameterName(input.stage, service);
    if (!(await api.parameterExists(name))) missing.push(name);
  }
  if (missing.length === 0) return [];
  return [
    `not deployed: ${missing.join(', ')} not found in SSM. Deploy it: npm run deploy -- --stage ${input.stage} --region ${input.region}`,
  ];
}

async function unassumableRoles(
  input: AwsStageInput,
  api: PreflightApi,
  account: string,
  partition: string,
  callerArn: string,
): Promise<string[]> {
  const refused: string[] = [];
  for (const service of input.services) {
    const roleArn = `arn:${partition}:iam::${account}:role/${lambdaRoleName(service, input.stage, input.region)}`;
    const refusal = await api.assumeRoleRefusal(roleArn, sessionNameFor(input.stage));
    if (refusal !== undefined) refused.push(`${roleArn} (${refusal})`);
  }
  if (refused.length === 0) return [];
  return [
    `cannot assume the service roles the suite calls as: ${refused.join('; ')}. ` +
      `Deploy the stage with the opt-in trust for your principal (never on production): ` +
      `TEST_PRINCIPAL_ARN=${trustablePrincipal(callerArn)} npm run deploy -- --stage ${input.stage} --region ${input.region}`,
  ];
}

/**
 * The ARN a trust policy can name for the caller: an assumed-role session becomes its role (IAM
 * does not accept session ARNs as principals in trust policies); users and roots stay as they are.
 *
 * @example
 * trustablePrincipal('arn:aws:sts::123456789012:assumed-role/Developer/alice'); // 'arn:aws:iam::123456789012:role/Developer'
 */
export function trustablePrincipal(callerArn: string): string {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (!session) return callerArn;
  const [, partition, account, role] = session;
  return `arn:${partition}:iam::${account}:role/${role}`;
}
