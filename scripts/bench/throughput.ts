import type { Agent } from 'node:http';
import { join } from 'node:path';
import { signRequest } from '@internal-apis/signed-client';
import { BenchError } from './child-process';
import { type HttpAnswer, keepAliveAgent, send } from './http';
import { combine, type LoadResult, runLoad } from './load';
import { startOffline } from './offline';
import type { StageReady } from './stage-ready';

export interface ThroughputOptions {
  /** Measured requests per side and per number of connections. */
  requests: number;
  /** The numbers of connections (requests in flight) measured, each in turn. */
  connections: number[];
  /** Unmeasured requests per side first: every execution environment cold-started, JIT warm. */
  warmup: number;
  /** The measured requests are sent in this many alternating slices per side, so a burst of load
   * from elsewhere on a shared machine falls on both sides rather than on one. */
  rounds: number;
}

/** One number of connections, both sides. */
export interface ThroughputLevel {
  connections: number;
  local: LoadResult;
  offline: LoadResult;
  /**
   * Local req/s over offline req/s in each round, the two slices run back to back: on a shared
   * machine their median moves less with load from elsewhere than the ratio of the totals.
   */
  roundRatios: number[];
}

export interface ThroughputComparison {
  /** What was measured, in words, for the output. */
  scenario: string;
  levels: ThroughputLevel[];
}

type Side = 'local' | 'offline';
type Senders = Record<Side, () => Promise<string>>;

/**
 * GET /users/{id} of an existing user, side by side at each number of connections: signed (SigV4,
 * developer keys) through the local stage's front door, which verifies the signature and evaluates
 * IAM, versus serverless-offline serving the same bundle without any auth. Both handlers read
 * DynamoDB through the front door. `onLevel` hears of each level as it ends, `around` wraps each
 * local run (the memory section samples the stage during it).
 *
 * @example
 * const { levels } = await compareThroughput(stage, '/repo/node_modules/.cache/bench', options);
 */
export async function compareThroughput(
  stage: StageReady,
  workDir: string,
  options: ThroughputOptions,
  hooks: { onLevel?: (level: ThroughputLevel) => void } = {},
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
  const levels: ThroughputLevel[] = [];
  try {
    for (const connections of options.connections) {
      const agents = { local: keepAliveAgent(connections), offline: keepAliveAgent(connections) };
      try {
        const senders: Senders = {
          local: signedGetter(stage, `${users.url}/users/${userId}`, agents.local),
          offline: plainGetter(`${offline.url}/users/${userId}`, agents.offline),
        };
        const level = { connections, ...(await measureAlternating(senders, connections, options)) };
        levels.push(level);
        hooks.onLevel?.(level);
      } finally {
        agents.local.destroy();
        agents.offline.destroy();
      }
    }
  } finally {
    await offline.child.stop();
  }
  return {
    scenario:
      "GET /users/{id} of an existing user: the same getUser.zip on both sides, one DynamoDB GetItem each through the stage's front door (dynalite)",
    levels,
  };
}

/**
 * Signed GETs of one URL, `connections` at a time, for the memory section's load.
 *
 * @example await loadStage(stage, 64, 2000);
 */
export async function loadStage(
  stage: StageReady,
  connections: number,
  requests: number,
): Promise<LoadResult> {
  const users = stage.description.services.users;
  if (!users?.url) throw new BenchError('The local stage has no users service');
  const userId = await createUser(stage, users.url);
  const agent = keepAliveAgent(connections);
  try {
    const sendOne = signedGetter(stage, `${users.url}/users/${userId}`, agent);
    return await runLoad({ requests, concurrency: connections, sendOne });
  } finally {
    agent.destroy();
  }
}

async function measureAlternating(
  senders: Senders,
  connections: number,
  options: ThroughputOptions,
): Promise<Record<Side, LoadResult> & { roundRatios: number[] }> {
  const runs: Record<Side, LoadResult[]> = { local: [], offline: [] };
  const roundRatios: number[] = [];
  for (const side of ['local', 'offline'] as const) {
    // Warm-up failures are not fatal: serverless-offline times requests out under load, and that
    // is a figure worth showing, not a reason to stop.
    await runLoad({ requests: options.warmup, concurrency: connections, sendOne: senders[side] });
  }
  const slice = Math.ceil(options.requests / options.rounds);
  for (let round = 0; round < options.rounds; round += 1) {
    const order: Side[] = round % 2 === 0 ? ['local', 'offline'] : ['offline', 'local'];
    for (const side of order) {
      runs[side].push(await runLoad({ requests: slice, concurrency: connections, sendOne: senders[side] }));
    }
    const [local, offline] = [runs.local.at(-1), runs.offline.at(-1)];
    if (local && offline)
      roundRatios.push(local.requests / local.seconds / (offline.requests / offline.seconds));
  }
  return { local: combine(runs.local), offline: combine(runs.offline), roundRatios };
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
  const body = JSON.stringify({
    email: `bench-${Date.now()}-${Math.random()}@example.com`,
    name: 'Benchmark User',
  });
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
