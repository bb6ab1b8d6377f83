import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as fc from 'fast-check';
import { FrontDoor } from '../../src/front-door/server';
import { KeyRing, type Role } from '../../src/identity/key-ring';
import type { Credentials, Statement } from '../../src/types';
import { ACCOUNT, doorDeps, REGION } from '../fixtures/front-door/door-deps';
import { fetchAs } from '../fixtures/http/signed-fetch';

// STS on the AWS Query protocol, as the AWS SDK (and so the AWS CLI) speaks it:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A trust policy statement: a statement with the principals it applies to. */
type TrustStatement = Statement & { Principal: unknown };

function role(name: string, trust: TrustStatement[], identity: Statement[] = []): Role {
  return {
    roleName: name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    roleId: `AROA${name.toUpperCase().padEnd(16, 'X').slice(0, 16)}`,
    policies: [{ name: `${name}-policy`, document: { Version: '2012-10-17', Statement: identity } }],
    trustPolicy: { Version: '2012-10-17', Statement: trust },
  };
}

/** What serverless gives every function role: only Lambda may assume it. */
const lambdaTrust = {
  Effect: 'Allow' as const,
  Principal: { Service: ['lambda.amazonaws.com'] },
  Action: 'sts:AssumeRole',
};
const orders = role(
  'orders-role',
  [lambdaTrust],
  [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' }],
);
const lockedDown = role('locked-down', [
  lambdaTrust,
  {
    Effect: 'Deny',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/local-developer` },
    Action: 'sts:AssumeRole',
  },
]);
const trustsOrders = role('trusts-orders', [
  { Effect: 'Allow', Principal: { AWS: orders.arn }, Action: 'sts:AssumeRole' },
]);
const trustsAccount = role('trusts-account', [
  { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
]);
const longSessions = { ...role('long-sessions', [lambdaTrust]), maxSessionDuration: 7200 };

describe('STS at the front door', () => {
  const keys = new KeyRing(ACCOUNT);
  const developer = keys.developer;
  const ordersSession = keys.roleSession(orders, 'orders-local-createOrder');
  const now = new Date();
  let door: FrontDoor;

  beforeAll(async () => {
    const roles = new Map(
      [orders, lockedDown, trustsOrders, trustsAccount, longSessions].map((r) => [r.arn, r]),
    );
    door = await FrontDoor.listen(
      doorDeps({
        keys,
        roles,
        now: () => now,
        lambda: { invoke: async () => ({ ok: true, payload: null, durationMs: 0 }) },
      }),
      { port: 0 },
    );
  });

  afterAll(() => door.close());

  const sts = (credentials: Credentials) =>
    new STSClient({ region: REGION, endpoint: door.url, credentials, maxAttempts: 1 });

  async function assume(
    as: Credentials,
    target: Role,
    extra: Partial<{ DurationSeconds: number; Policy: string }> = {},
  ) {
    return sts(as).send(
      new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: 'test-session', ...extra }),
    );
  }

  /** A signed form POST, sent as is; the answer's status, content type and text. */
  async function post(body: string, credentials: Credentials | null = developer) {
    const url = `${door.url}/`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const response = await fetchAs(credentials ?? undefined, 'POST', url, { headers, body, service: 'sts' });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      requestId: response.headers.get('x-amzn-requestid'),
      // XML's entities for quotes read back, so messages compare as the SDK shows them.
      text: (await response.text()).replaceAll('&apos;', "'").replaceAll('&quot;', '"'),
    };
  }

  describe('GetCallerIdentity', () => {
    it('names the developer, and a role session, in AWS wire format', async () => {
      const answer = await post('Action=GetCallerIdentity&Version=2011-06-15');
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('text/xml');
      expect(answer.text).toBe(
        `<GetCallerIdentityResponse xmlns="${NAMESPACE}">\n  <GetCallerIdentityResult>\n` +
          `    <Arn>arn:aws:iam::${ACCOUNT}:user/local-developer</Arn>\n    <UserId>${developer.principal.userId}</UserId>\n` +
          `    <Account>${ACCOUNT}</Account>\n  </GetCallerIdentityResult>\n` +
          `  <ResponseMetadata>\n    <RequestId>${answer.requestId}</RequestId>\n  </ResponseMetadata>\n` +
          '</GetCallerIdentityResponse>\n',
      );
      expect(await sts(ordersSession).send(new GetCallerIdentityCommand({}))).toMatchObject({
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders-local-createOrder`,
        UserId: `${orders.roleId}:orders-local-createOrder`,
        Account: ACCOUNT,
      });
    });

    it('refuses an unsigned call, a wrong secret and an unknown key with the Query protocol errors', async () => {
      const unsigned = await post('Action=GetCallerIdentity&Version=2011-06-15', null);
      expect(unsigned.status).toBe(403);
      expect(unsigned.text).toBe(
        `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>Sender</Type>\n` +
          '    <Code>MissingAuthenticationToken</Code>\n    <Message>Request is missing Authentication Token</Message>\n' +
          `  </Error>\n  <RequestId>${unsigned.requestId}</RequestId>\n</ErrorResponse>\n`,
      );
      await expect(
        sts({ ...developer, secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({})),
      ).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      });
      await expect(
        sts({ ...developer, accessKeyId: 'AKIANOSUCHKEY0000000' }).send(new GetCallerIdentityCommand({})),
      ).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      });
    });

    it('answers an unknown action or version as STS does, and says which actions it serves', async () => {
      expect((await post('Action=Frobnicate&Version=2011-06-15')).text).toContain(
        '<Code>InvalidAction</Code>\n    <Message>Could not find operation Frobnicate for version 2011-06-15</Message>',
      );
      expect((await post('Action=GetCallerIdentity')).text).toContain(
        'Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED',
      );
      const other = await post('Action=GetSessionToken&Version=2011-06-15');
      expect([other.status, other.text]).toEqual([400, expect.stringContaining('[local stage]')]);
    });
  });

  describe('AssumeRole', () => {
    it("hands the developer a role's credentials, which then call as the role", async () => {
      const { Credentials: issued, AssumedRoleUser } = await assume(developer, orders, {
        DurationSeconds: 900,
      });
      expect(AssumedRoleUser).toEqual({
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/test-session`,
        AssumedRoleId: `${orders.roleId}:test-session`,
      });
      expect(issued?.AccessKeyId).toMatch(/^ASIA/);
      expect(issued?.Expiration?.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000 + 900_000);
      const asRole = {
        accessKeyId: issued?.AccessKeyId ?? '',
        secretAccessKey: issued?.SecretAccessKey ?? '',
        sessionToken: issued?.SessionToken,
      };
      expect((await sts(asRole).send(new GetCallerIdentityCommand({}))).Arn).toBe(AssumedRoleUser?.Arn);
    });

    it('refuses a role whose trust policy denies the developer explicitly', async () => {
      await expect(assume(developer, lockedDown)).rejects.toMatchObject({
        name: 'AccessDenied',
        message: `User: arn:aws:iam::${ACCOUNT}:user/local-developer is not authorized to perform: sts:AssumeRole on resource: ${lockedDown.arn}`,
        $metadata: { httpStatusCode: 403 },
      });
    });

    it('lets a role session in only where the trust policy names it, or names its account and its own policies allow', async () => {
      await expect(assume(ordersSession, trustsOrders)).resolves.toMatchObject({
        AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/trusts-orders/test-session` },
      });
      await expect(assume(ordersSession, trustsAccount)).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(assume(ordersSession, longSessions)).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(assume(developer, trustsAccount)).resolves.toBeDefined();
    });

    it('refuses a role that does not exist as one the caller may not assume', async () => {
      const ghost = { ...orders, arn: `arn:aws:iam::${ACCOUNT}:role/ghost` };
      await expect(assume(developer, ghost)).rejects.toMatchObject({ name: 'AccessDenied' });
    });

    it("checks the session's name and duration as STS does, and refuses session policies it would not apply", async () => {
      await expect(assume(developer, orders, { DurationSeconds: 7200 })).rejects.toMatchObject({
        name: 'ValidationError',
        message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      });
      await expect(assume(developer, longSessions, { DurationSeconds: 7200 })).resolves.toBeDefined();
      const badName = await post(
        `Action=AssumeRole&Version=2011-06-15&RoleArn=${orders.arn}&RoleSessionName=has%20space`,
      );
      expect(badName.text).toContain("Value 'has space' at 'roleSessionName' failed to satisfy constraint");
      const missing = await post('Action=AssumeRole&Version=2011-06-15&RoleSessionName=abc');
      expect(missing.text).toContain(
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
      );
      await expect(assume(developer, orders, { Policy: '{"Statement":[]}' })).rejects.toMatchObject({
        name: 'ValidationError',
        message: expect.stringContaining('[local stage] AssumeRole with Policy is not supported'),
      });
    });
  });

  it('answers any form body with an STS answer, never a failure of its own (seeded)', async () => {
    const name = fc.constantFrom(
      'Action',
      'Version',
      'RoleArn',
      'RoleSessionName',
      'DurationSeconds',
      'ExternalId',
      'Policy',
      'Tags.member.1.Key',
      'x',
    );
    const value = fc.oneof(
      fc.constantFrom('AssumeRole', 'GetCallerIdentity', '2011-06-15', orders.arn, '900', '-1', '1e9', 'abc'),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    const body = fc.oneof(
      fc.array(fc.tuple(name, value), { maxLength: 6 }).map((pairs) => new URLSearchParams(pairs).toString()),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, signed) => {
        const answer = await post(text, signed ? developer : null);
        expect(answer.status).toBeLessThan(500);
        expect(answer.text).toMatch(
          /^<(ErrorResponse|AssumeRoleResponse|GetCallerIdentityResponse) xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n/,
        );
        expect([...answer.text].filter((char) => char < ' ' && !'\t\n\r'.includes(char))).toEqual([]);
      }),
      { seed: 20110615, numRuns: 150 },
    );
  });
});
