import { TEST_SESSION_NAME_PATTERN } from '@internal-apis/serverless-conventions/trust';
import {
  type PreflightApi,
  preflightAws,
  resolveRegion,
  sessionNameFor,
  trustablePrincipal,
} from '../../src/aws-preflight';
import { PreflightError } from '../../src/errors';

const input = { stage: 'dev', region: 'eu-west-1', services: ['users', 'orders'] };
const DEVELOPER = 'arn:aws:sts::123456789012:assumed-role/Developer/alice';

function fakeApi(overrides: Partial<PreflightApi> = {}): PreflightApi & { assumed: string[] } {
  const assumed: string[] = [];
  return {
    assumed,
    callerIdentity: async () => ({ account: '123456789012', arn: DEVELOPER }),
    parameterExists: async () => true,
    assumeRoleRefusal: async (roleArn, sessionName) => {
      assumed.push(`${roleArn} as ${sessionName}`);
      return undefined;
    },
    ...overrides,
  };
}

describe('preflightAws', () => {
  it('resolves the account and partition once credentials, stage and roles check out', async () => {
    const api = fakeApi();

    await expect(preflightAws(input, api)).resolves.toEqual({
      accountId: '123456789012',
      partition: 'aws',
      callerArn: DEVELOPER,
    });
    expect(api.assumed).toEqual([
      'arn:aws:iam::123456789012:role/users-dev-eu-west-1-lambdaRole as integration-suite-dev',
      'arn:aws:iam::123456789012:role/orders-dev-eu-west-1-lambdaRole as integration-suite-dev',
    ]);
  });

  it('stops at missing credentials with one message saying what to set', async () => {
    const api = fakeApi({
      callerIdentity: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });

    const error = await preflightAws({ ...input, profile: 'team' }, api).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toBe(
      'The integration suite cannot reach AWS stage dev in eu-west-1 (profile team): no usable AWS credentials ' +
        '(Could not load credentials from any providers).\n' +
        'Pass --profile or set AWS_PROFILE (run `aws sso login` for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
    expect(api.assumed).toEqual([]);
  });

  it('lists every problem at once: a service not deployed and roles the runner may not assume', async () => {
    const api = fakeApi({
      parameterExists: async (name) => name !== '/dev/orders/url',
      assumeRoleRefusal: async (roleArn) =>
        roleArn.includes('orders')
          ? `User: ${DEVELOPER} is not authorized to perform: sts:AssumeRole`
          : undefined,
    });

    const message = await preflightAws(input, api).then(
      () => '',
      (error: Error) => error.message,
    );

    expect(message).toContain(
      `The integration suite cannot run against AWS stage dev in eu-west-1 as ${DEVELOPER}:`,
    );
    expect(message).toContain(
      '- not deployed: /dev/orders/url not found in SSM. Deploy it: npm run deploy -- --stage dev --region eu-west-1',
    );
    expect(message).toContain(
      '- cannot assume the service roles the suite calls as: arn:aws:iam::123456789012:role/orders-dev-eu-west-1-lambdaRole',
    );
    expect(message).toContain(
      'TEST_PRINCIPAL_ARN=arn:aws:iam::123456789012:role/Developer npm run deploy -- --stage dev --region eu-west-1',
    );
  });

  it('builds role ARNs in the partition of the credentials', async () => {
    const api = fakeApi({
      callerIdentity: async () => ({
        account: '123456789012',
        arn: 'arn:aws-us-gov:iam::123456789012:user/ci',
      }),
    });
    await expect(preflightAws({ ...input, services: ['users'] }, api)).resolves.toMatchObject({
      partition: 'aws-us-gov',
    });
    expect(api.assumed[0]).toMatch(/^arn:aws-us-gov:iam::123456789012:role\/users-dev-eu-west-1-lambdaRole/);
  });
});

describe('resolveRegion', () => {
  const noProfile = async () => undefined;

  it('takes AWS_REGION (which --region sets), then AWS_DEFAULT_REGION, then the profile', async () => {
    await expect(
      resolveRegion({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'x' }, noProfile),
    ).resolves.toBe('eu-west-1');
    await expect(resolveRegion({ AWS_DEFAULT_REGION: 'eu-west-2' }, noProfile)).resolves.toBe('eu-west-2');
    await expect(resolveRegion({}, async () => 'eu-west-3')).resolves.toBe('eu-west-3');
  });

  it('refuses to guess when there is no region anywhere', async () => {
    await expect(resolveRegion({}, noProfile)).rejects.toThrow(
      new PreflightError(
        'No AWS region for the integration suite: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or give your profile a region in ~/.aws/config.',
      ),
    );
  });
});

describe('trustablePrincipal', () => {
  it('names the role of an assumed-role session, and users as they are', () => {
    expect(trustablePrincipal(DEVELOPER)).toBe('arn:aws:iam::123456789012:role/Developer');
    expect(trustablePrincipal('arn:aws:iam::123456789012:user/ci')).toBe('arn:aws:iam::123456789012:user/ci');
  });

  it('uses session names the opt-in trust statement allows (StringLike on sts:RoleSessionName)', () => {
    const pattern = new RegExp(`^${TEST_SESSION_NAME_PATTERN.replaceAll('*', '.*')}$`);
    expect(sessionNameFor('dev')).toMatch(pattern);
    expect(sessionNameFor('a-long-stage-name-of-twenty-eight')).toMatch(pattern);
  });
});
