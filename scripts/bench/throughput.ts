import type { Agent } from 'node:http';
import { join } from 'node:path';
import { signRequest } from '@internal-apis/signed-client';
import { BenchError } from './child-process';
import { type HttpAnswer, keepAliveAgent, send } from './http';
import { combine, type LoadResult, runLoad } from './load';
import { startOffline } from './offline';
import type { StageReady } from './stage-ready';

export interface ThroughputOptions {
  /** Measured requests per side. */
  requests: number;
  concurrency: number;
  /** Unmeasured requests per side first: every execution environment cold-started, JIT warm. */
  warmup: number;
  /** The measured requests are sent in this many alternating slices per side, so a burst of load
   * from elsewhere on a shared machine falls on both sides rather than on one. */
  rounds: number;
}

export interface ThroughputComparison {
  /** What was measured, in words, for the output. */
  scenario: string;
  local: LoadResult;
  offline: LoadResult;
}

type Side = 'local' | 'offline';

/**
 * GET /users/{id} of an existing user, side by side: signed (SigV4, developer keys) through the local
 * stage's front door, which verifies the signature and evaluates IAM, versus serverless-offline
 * serving the same bundle without any auth. Both handlers read DynamoDB through the front door.
 *
 * @example
 * const { local, offline } = await compareThroughput(stage, '/repo/node_modules/.cache/bench', options);
 */
export async function compareThroughput(
  stage: StageReady,
  workDir: string,
  options: ThroughputOptions,
): Promise<ThroughputComparison> {
  const users = stage.description.services.users;
  if (!users?.url) throw new BenchError('The local stage has no users service');
  const repoRoot = join(__dirname, '../..');
  const userId = await createUser(stage, users.url);
  const offline = await startOffline(
    join(workDir, 'offline'),
    {
      serviceDir: join(repoRoot, 'services/users'),
      functionKey: 'getUser',
      path: 'users/{id}',
      method: 'get',
    },
    {
      stage: stage.description.stage,
      region: stage.description.region,
      dynamodbEndpoint: stage.description.endpoint,
      credentials: stage.developer,
    },
  );
  const agents = { local: keepAliveAgent(options.concurrency), offline: keepAliveAgent(options.concurrency) };
  try {
    const senders: Record<Side, () => Promise<string>> = {
      local: signedGetter(stage, `${users.url}/users/${userId}`, agents.local),
      offline: plainGetter(`${offline.url}/users/${userId}`, agents.offline),
    };
    const results = await measureAlternating(senders, options);
    return {
      scenario: `GET /users/{id} of an existing user: the same getUser.zip on both sides, one DynamoDB GetItem each through the stage's front door (dynalite), ${options.concurrency} in flight`,
      ...results,
    };
  } finally {
    agents.local.destroy();
    agents.offline.destroy();
    await offline.child.stop();
  }
}

async function measureAlternating(
  senders: Record<Side, () => Promise<string>>,
  options: ThroughputOptions,
): Promise<Record<Side, LoadResult>> {
  const runs: Record<Side, LoadResult[]> = { local: [], offline: [] };
  for (const side of ['local', 'offline'] as const) {
    const warm = await runLoad({
      requests: options.warmup,
      concurrency: options.concurrency,
      sendOne: senders[side],
    });
    if (warm.failures > 0)
      throw new BenchError(`Warm-up of ${side} failed: ${warm.failureSamples.join(' | ')}`);
  }
  const slice = Math.ceil(options.requests / options.rounds);
  for (let round = 0; round < options.rounds; round += 1) {
    const order: Side[] = round % 2 === 0 ? ['local', 'offline'] : ['offline', 'local'];
    for (const side of order) {
      runs[side].push(
        await runLoad({ requests: slice, concurrency: options.concurrency, sendOne: senders[side] }),
      );
    }
  }
  return { local: combine(runs.local), offline: combine(runs.offline) };
}

/** A GET signed afresh for every request, as a caller's client does. */
function signedGetter(stage: StageReady, url: string, agent: Agent): () => Promise<string> {
  const signing = { service: 'execute-api', region: stage.description.region };
  return async () => {
    const headers = signRequest({ method: 'GET', url, headers: {} }, stage.developer, signing);
    return problemOf(await send(agent, { method: 'GET', url, headers }), 200);
  };
}

function plainGetter(url: string, agent: Agent): () => Promise<string> {
  return async () => problemOf(await send(agent, { method: 'GET', url }), 200);
}

function problemOf(answer: HttpAnswer, expected: number): string {
  if (answer.status === expected) return '';
  const errorType = answer.headers['x-amzn-errortype'];
  return `${answer.status}${errorType ? ` ${String(errorType)}` : ''} ${answer.body.slice(0, 300)}`;
}

/** POST /users through the front door; the id of the new user. */
async function createUser(stage: StageReady, usersUrl: string): Promise<string> {
  const url = `${usersUrl}/users`;
  const body = JSON.stringify({ email: `bench-${Date.now()}@example.com`, name: 'Benchmark User' });
  const headers = signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
    stage.developer,
    { service: 'execute-api', region: stage.description.region },
  );
  const agent = keepAliveAgent(1);
  const answer = await send(agent, { method: 'POST', url, headers, body });
  agent.destroy();
  const problem = problemOf(answer, 201);
  if (problem) throw new BenchError(`Creating the benchmark user failed: ${problem}`);
  return (JSON.parse(answer.body) as { id: string }).id;
}
