import type { Agent } from 'node:http';
import { join } from 'node:path';
import { BenchError } from './child-process';
import { type HttpAnswer, keepAliveAgent, send, signedSend } from './http';
import { combine, type LoadResult, runLoad } from './load';
import { startOffline } from './offline';
import { cpuSeconds } from './process-stats';
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
  /** CPU time per measured request of each side; absent where /proc is missing. */
  cpu?: Record<Side, CpuPerRequest>;
}

/**
 * Milliseconds of CPU per request. `servers`: the processes that answer it, the local stage and
 * serverless-offline together (serverless-offline's handler reads DynamoDB through the stage, so its
 * share of the stage counts for that side). `client`: the benchmark's own process, which signs each
 * local request and not the offline ones.
 */
export interface CpuPerRequest {
  servers: number;
  client: number;
}

export interface ThroughputComparison {
  /** What was measured, in words, for the output. */
  scenario: string;
  levels: ThroughputLevel[];
}

export type Side = 'local' | 'offline';
type Senders = Record<Side, () => Promise<string>>;

/**
 * GET /users/{id} of an existing user, side by side at each number of connections: signed (SigV4,
 * developer keys) through the local stage's front door, which verifies the signature and evaluates
 * IAM, versus serverless-offline serving the same bundle without any auth. Both handlers read
 * DynamoDB through the front door. `onLevel` hears of each level as it ends; with `stagePid`, each
 * side's CPU time per request is measured too.
 *
 * @example
 * const { levels } = await compareThroughput(stage, '/repo/node_modules/.cache/bench', options, { stagePid });
 */
export async function compareThroughput(
  stage: StageReady,
  workDir: string,
  options: ThroughputOptions,
  hooks: { stagePid?: number; onLevel?: (level: ThroughputLevel) => void } = {},
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
        const servers = [hooks.stagePid, offline.child.pid].filter((pid): pid is number => pid !== undefined);
        const measured = await measureAlternating(senders, connections, options, servers);
        const level = { connections, ...measured };
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
  serverPids: number[],
): Promise<Omit<ThroughputLevel, 'connections'>> {
  const runs: Record<Side, LoadResult[]> = { local: [], offline: [] };
  const cpuSpent: Record<Side, CpuPerRequest> = {
    local: { servers: 0, client: 0 },
    offline: { servers: 0, client: 0 },
  };
  let cpuMeasured = serverPids.length === 2;
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
      const serversBefore = serversCpu(serverPids);
      const clientBefore = process.cpuUsage();
      runs[side].push(await runLoad({ requests: slice, concurrency: connections, sendOne: senders[side] }));
      const client = process.cpuUsage(clientBefore);
      const serversAfter = serversCpu(serverPids);
      if (serversBefore === undefined || serversAfter === undefined) cpuMeasured = false;
      else cpuSpent[side].servers += serversAfter - serversBefore;
      cpuSpent[side].client += (client.user + client.system) / 1e6;
    }
    const [local, offline] = [runs.local.at(-1), runs.offline.at(-1)];
    if (local && offline)
      roundRatios.push(local.requests / local.seconds / (offline.requests / offline.seconds));
  }
  const [local, offline] = [combine(runs.local), combine(runs.offline)];
  const perRequest = (spent: CpuPerRequest, result: LoadResult): CpuPerRequest => ({
    servers: (spent.servers * 1000) / result.requests,
    client: (spent.client * 1000) / result.requests,
  });
  return {
    local,
    offline,
    roundRatios,
    ...(cpuMeasured
      ? { cpu: { local: perRequest(cpuSpent.local, local), offline: perRequest(cpuSpent.offline, offline) } }
      : {}),
  };
}

/** CPU seconds the processes have used so far, together; undefined where /proc cannot tell. */
function serversCpu(pids: number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const used = cpuSeconds(pid);
    if (used === undefined) return undefined;
    total += used;
  }
  return total;
}

/** A GET signed afresh for every request, as a caller's client does. */
function signedGetter(stage: StageReady, url: string, agent: Agent): () => Promise<string> {
  return async () => problemOf(await signedSend(stage, agent, 'GET', url), 200);
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
  const agent = keepAliveAgent(1);
  const answer = await signedSend(stage, agent, 'POST', `${usersUrl}/users`, {
    email: `bench-${Date.now()}-${Math.random()}@example.com`,
    name: 'Benchmark User',
  });
  agent.destroy();
  const problem = problemOf(answer, 201);
  if (problem) throw new BenchError(`Creating the benchmark user failed: ${problem}`);
  return (JSON.parse(answer.body) as { id: string }).id;
}
