import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { LocalStage, RequestAudit } from '../../src';
import { findServices } from '../../src/packaging';
import type { Credentials } from '../../src/types';
import { type RawAnswer, rawExchange } from '../fixtures/http/raw-exchange';
import { type FuzzCase, fuzzCases } from './fuzz/cases';
import { violations } from './fuzz/checks';
import { openMethods, stageMap } from './fuzz/stage-map';
import { wireRequest } from './fuzz/wire';
import { REPO_ROOT, startPrivateStage, stopPrivateStage } from './private-stage';

// The front door under random and mutated requests: every API route of every service, SSM, DynamoDB
// and STS, through every principal, signed, unsigned and wrongly signed. A small seeded budget runs in
// `npm test`; `npm run fuzz -- --runs 5000 [--seed N]` runs a long one (SECURITY.md has the figures).

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_126);
const PATH = process.env.FUZZ_PATH;
/** A request unanswered for this long hangs. Cold starts and the AllowedPattern bound fit well inside. */
const ANSWER_BOUND_MS = 15_000;

const FIXTURE_SERVICES = join(REPO_ROOT, 'packages/local-stage/test/fixtures/services');

let stage: LocalStage;
const audits: RequestAudit[] = [];

beforeAll(async () => {
  stage = await startPrivateStage('front-door-fuzz-', {
    extraServiceDirs: fixtureDirs(),
    audit: (audit) => audits.push(audit),
  });
}, 120_000);

afterAll(() => stopPrivateStage(stage));

test(
  `no request crashes, hangs or gets around the front door (${RUNS} runs, seed ${SEED})`,
  async () => {
    const { endpoint, services } = stage.description;
    const { hostname, port } = new URL(endpoint);
    const host = `${hostname}:${port}`;
    const map = stageMap([
      ...findServices(REPO_ROOT),
      ...fixtureDirs().map((dir) => ({ name: dir.split('/').pop() ?? dir, dir })),
    ]);
    const urls = new Map(Object.entries(services).map(([name, service]) => [name, service.url]));
    const credentials = new Map<string, Credentials>([['developer', stage.developerCredentials]]);
    for (const service of Object.values(services)) {
      for (const role of service.roles) credentials.set(role, stage.credentialsForRole(role, 'fuzz'));
    }
    const roleArns = [...credentials.keys()]
      .filter((name) => name !== 'developer')
      .map((role) => `arn:aws:iam::${stage.description.accountId}:role/${role}`);
    const isOpenMethod = openMethods(map, urls);
    const tally = new Tally();
    console.log(
      `front door fuzz: ${RUNS} runs, seed ${SEED}, ${map.routes.length} routes, ${map.tables.length} tables, ` +
        `${credentials.size} principals (replay: npm run fuzz -- --runs ${RUNS} --seed ${SEED})`,
    );
    const started = Date.now();

    const cases = fuzzCases(map, urls, [...credentials.keys()], roleArns);
    const property = fc.asyncProperty(cases, async (fuzzCase) => {
      const before = audits.length;
      const wire = await wireRequest(fuzzCase, host, credentials, new Date());
      const answer = await rawExchange(hostname, Number(port), wire.bytes, {
        timeoutMs: ANSWER_BOUND_MS,
        endAfterWrite: wire.endAfterWrite,
      });
      const mine = await settledAudits(before, answer);
      tally.add(fuzzCase, wire.validlySigned, answer, mine);
      expect(violations(wire, answer, mine, isOpenMethod)).toEqual([]);
    });
    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}) });
    } catch (error) {
      // fast-check keeps what the property found in `cause`; show it with the way to replay the case.
      const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}${cause}\n` +
          `Replay: npm run fuzz -- --runs ${RUNS} --seed ${SEED} (add --path from the line above for this case alone)`,
      );
    } finally {
      console.log(`${tally.summary()}\nin ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    // The stage still serves: a function, SSM and DynamoDB answer a valid call.
    let probed: RequestAudit[] = [];
    const probe = async (fuzzCase: FuzzCase) => {
      const before = audits.length;
      const wire = await wireRequest(fuzzCase, host, credentials, new Date());
      const answer = await rawExchange(hostname, Number(port), wire.bytes);
      probed = await settledAudits(before, answer);
      return `${answer?.status} ${answer?.body.toString().slice(0, 200)}`;
    };
    const signed = {
      signer: { kind: 'header', principal: 'developer', flaw: undefined },
      mutation: { kind: 'none' },
    } as const;
    const usersPath = `${new URL(urls.get('users') ?? '').pathname}/users/00000000-0000-4000-8000-000000000000`;
    const getUser: FuzzCase = {
      ...signed,
      service: 'execute-api',
      method: 'GET',
      path: usersPath,
      query: [],
      headers: [],
      body: '',
    } as const;
    expect(await probe(getUser)).toMatch(/^404 /);
    expect(
      await probe(jsonCall('ssm', 'AmazonSSM.GetParameter', '{"Name":"/local/users/url"}', signed)),
    ).toMatch(/^200 /);
    expect(await probe(jsonCall('dynamodb', 'DynamoDB_20120810.ListTables', '{}', signed))).toMatch(/^200 /);
    // STS still answers, and issuing a role's credentials is what the audit sees (the check above
    // relies on it).
    const sts = (params: Record<string, string>): FuzzCase => ({
      ...signed,
      service: 'sts',
      method: 'POST',
      path: '/',
      query: [],
      headers: [['content-type', 'application/x-www-form-urlencoded; charset=utf-8']],
      body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
    });
    expect(await probe(sts({ Action: 'GetCallerIdentity' }))).toMatch(/^200 <GetCallerIdentityResponse/);
    const assumed = sts({ Action: 'AssumeRole', RoleArn: roleArns[0] ?? '', RoleSessionName: 'fuzz-probe' });
    expect(await probe(assumed)).toMatch(/^200 <AssumeRoleResponse/);
    expect(probed.flatMap((audit) => audit.reached)).toContain('keys.roleSession');
  },
  Math.max(120_000, RUNS * 1_000),
);

function jsonCall(
  service: 'ssm' | 'dynamodb',
  target: string,
  body: string,
  signed: Pick<FuzzCase, 'signer' | 'mutation'>,
): FuzzCase {
  const contentType = service === 'ssm' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
  return {
    ...signed,
    service,
    method: 'POST',
    path: '/',
    query: [],
    headers: [
      ['content-type', contentType],
      ['x-amz-target', target],
    ],
    body,
  };
}

/** The audits of this request and of the calls it led to, once the front door has reported its own. */
async function settledAudits(before: number, answer: RawAnswer | undefined): Promise<RequestAudit[]> {
  const requestId = answer?.headers.get('x-amzn-requestid');
  for (let tries = 0; tries < 50; tries++) {
    if (!requestId || audits.slice(before).some((audit) => audit.requestId === requestId)) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return audits.slice(before);
}

function fixtureDirs(): string[] {
  return readdirSync(FIXTURE_SERVICES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(FIXTURE_SERVICES, entry.name));
}

/** Counts of what was sent and what came back, printed after every run. */
class Tally {
  private readonly counts = new Map<string, number>();

  add(fuzzCase: FuzzCase, validlySigned: boolean, answer: RawAnswer | undefined, mine: RequestAudit[]): void {
    const own = mine.find((audit) => audit.requestId === answer?.headers.get('x-amzn-requestid'));
    this.count(`requests ${fuzzCase.service}`);
    this.count(validlySigned ? 'validly signed' : 'not validly signed');
    this.count(`mutation ${fuzzCase.mutation.kind}`);
    this.count(answer ? `status ${answer.status}` : 'closed without an answer');
    if (own?.reached.includes('lambda.invoke')) this.count('function invoked');
    if (own?.reached.some((call) => call.startsWith('ssm') || call.startsWith('dynamodb')))
      this.count('ssm/dynamodb reached');
    if (own?.reached.includes('keys.roleSession')) this.count('credentials issued');
    if (own?.decisions.some((decision) => decision.effect !== 'Allow')) this.count('denied by IAM');
  }

  summary(): string {
    return [...this.counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `  ${name}: ${count}`)
      .join('\n');
  }

  private count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}
