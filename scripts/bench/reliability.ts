import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { freePort } from '../lib/free-port';
import { BenchError, type WatchedChild } from './child-process';
import { type HttpAnswer, keepAliveAgent, signedSend } from './http';
import { runLoad } from './load';
import { parseSsmReadsLine } from './ssm-reads';
import type { StageReady } from './stage-ready';
import { startStage } from './start-times';

export interface ReliabilityOptions {
  /** Concurrent POST /users, each read back. */
  creates: number;
  /** Concurrent POST /users of one email: exactly one may win. */
  sameEmail: number;
  /** Concurrent POST /orders, each read back. */
  orders: number;
  /** POST /orders per discovery burst. */
  burst: number;
  /** kill -9 rounds with --persist. */
  kills: number;
}

export const RELIABILITY_DEFAULTS: ReliabilityOptions = {
  creates: 500,
  sameEmail: 200,
  orders: 600,
  burst: 200,
  kills: 3,
};

/** One burst of POST /orders and what discovery cost during it. */
export interface DiscoveryBurst {
  scenario: string;
  requests: number;
  /** Answers by status, e.g. `{ 201: 200 }`. */
  statuses: Record<number, number>;
  /** GetParameter requests the orders role made during the burst, counted by the stage's front door. */
  getParameter: number;
}

export interface KillRound {
  acknowledged: number;
  lost: number;
}

export interface ReliabilityFigures {
  creates: { sent: number; acknowledged: number; readBack: number };
  sameEmail: { sent: number; winners: number; conflicts: number; other: number };
  orders: { sent: number; acknowledged: number; readBack: number };
  discovery: DiscoveryBurst[];
  kills: KillRound[];
}

const REPO_ROOT = join(__dirname, '../..');

/**
 * The reliability figures, each measured against a running local stage: concurrent creates stored
 * and read back, the winners among concurrent creates of one email, concurrent orders stored and
 * read back, SSM GetParameter requests per burst of orders while users is undiscoverable,
 * unreachable, back and healthy, and acknowledged writes lost over kill -9 of a stage run with
 * `--persist`.
 *
 * @example
 * const figures = await measureReliability(RELIABILITY_DEFAULTS, console.log);
 */
export async function measureReliability(
  options: ReliabilityOptions,
  progress: (line: string) => void,
): Promise<ReliabilityFigures> {
  const stage = await StageProcess.start();
  try {
    progress(`  stage ready in ${(stage.ready.startMs / 1000).toFixed(1)} s`);
    // Discovery first: its first burst needs callers that have never looked users up.
    const discovery = await measureDiscovery(stage, options.burst, progress);
    const creates = await measureCreates(stage, options.creates);
    progress(
      `  ${creates.acknowledged}/${creates.sent} concurrent creates acknowledged, ${creates.readBack} read back`,
    );
    const sameEmail = await measureSameEmail(stage, options.sameEmail);
    progress(`  ${sameEmail.winners} winner(s) among ${sameEmail.sent} creates of one email`);
    const orders = await measureOrders(stage, options.orders);
    progress(
      `  ${orders.acknowledged}/${orders.sent} concurrent orders acknowledged, ${orders.readBack} read back`,
    );
    await stage.stop();
    const kills = await measureKills(options.kills, progress);
    return { creates, sameEmail, orders, discovery, kills };
  } finally {
    await stage.stop();
  }
}

/** A local stage in a child process (stage-child.ts, without function logs), and signed requests to it. */
class StageProcess {
  private readonly agent: Agent = keepAliveAgent(1000);

  private constructor(
    readonly ready: StageReady,
    private readonly child: WatchedChild,
  ) {}

  static async start(persist?: string): Promise<StageProcess> {
    const { ready, child } = await startStage(REPO_ROOT, 'warm', { quiet: true, persist, measureCpu: false });
    return new StageProcess(ready, child);
  }

  url(service: string): string {
    const url = this.ready.description.services[service]?.url;
    if (!url) throw new BenchError(`The local stage has no ${service} service`);
    return url;
  }

  /** A request signed with the developer's keys, as any client would send it. */
  call(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
    return signedSend(this.ready, this.agent, method, url, body);
  }

  /** GetParameter requests per role so far, as the stage's front door counted them. */
  async getParameterReads(): Promise<Record<string, number>> {
    const answer = this.child.waitFor(parseSsmReadsLine, 10_000);
    this.child.signal('SIGUSR2');
    return answer;
  }

  ssm(): SSMClient {
    const { region, endpoint } = this.ready.description;
    return new SSMClient({ region, endpoint, credentials: this.ready.developer });
  }

  /** A crash: the process and its functions end at once, mid-request. */
  async kill(): Promise<void> {
    this.agent.destroy();
    this.child.signal('SIGKILL');
    await this.child.exit();
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.child.stop();
  }
}

async function measureCreates(stage: StageProcess, count: number) {
  const users = stage.url('users');
  const answers = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      stage.call('POST', `${users}/users`, {
        email: `concurrent-${index}-${Date.now()}@example.com`,
        name: 'Ada',
      }),
    ),
  );
  const created = answers.filter((answer) => answer.status === 201).map((answer) => JSON.parse(answer.body));
  const readBack = await countReadBack(
    stage,
    created.map((user) => `${users}/users/${user.id}`),
  );
  return { sent: count, acknowledged: created.length, readBack };
}

async function measureSameEmail(stage: StageProcess, count: number) {
  const users = stage.url('users');
  const email = `contested-${Date.now()}@example.com`;
  const answers = await Promise.all(
    Array.from({ length: count }, () => stage.call('POST', `${users}/users`, { email, name: 'Ada' })),
  );
  const winners = answers.filter((answer) => answer.status === 201).length;
  const conflicts = answers.filter((answer) => answer.status === 409).length;
  return { sent: count, winners, conflicts, other: count - winners - conflicts };
}

async function measureOrders(stage: StageProcess, count: number) {
  const buyers = await createUsers(stage, 20, 'buyer');
  const orders = stage.url('orders');
  const answers = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      stage.call('POST', `${orders}/orders`, {
        userId: buyers[index % buyers.length],
        items: [{ sku: `SKU-${index}`, quantity: 1 + (index % 5) }],
      }),
    ),
  );
  const placed = answers.filter((answer) => answer.status === 201).map((answer) => JSON.parse(answer.body));
  const readBack = await countReadBack(
    stage,
    placed.map((order) => `${orders}/orders/${order.id}`),
  );
  return { sent: count, acknowledged: placed.length, readBack };
}

async function createUsers(stage: StageProcess, count: number, label: string): Promise<string[]> {
  const users = stage.url('users');
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const email = `${label}-${index}-${Date.now()}@example.com`;
    const answer = await stage.call('POST', `${users}/users`, { email, name: 'Ada' });
    if (answer.status !== 201)
      throw new BenchError(`Creating a user failed: ${answer.status} ${answer.body}`);
    ids.push(JSON.parse(answer.body).id);
  }
  return ids;
}

/** How many of these URLs answer 200, read 50 at a time. */
async function countReadBack(stage: StageProcess, urls: string[]): Promise<number> {
  let found = 0;
  let next = 0;
  const reader = async () => {
    while (next < urls.length) {
      const url = urls[next++] ?? '';
      if ((await stage.call('GET', url)).status === 200) found += 1;
    }
  };
  await Promise.all(Array.from({ length: 50 }, reader));
  return found;
}

/**
 * Bursts of POST /orders while the users URL parameter is missing, then while it points at a port
 * nobody listens on, then once it is back, then in steady health, counting the orders role's
 * GetParameter requests during each (the orders containers are cold before the first).
 */
async function measureDiscovery(stage: StageProcess, burst: number, progress: (line: string) => void) {
  const [buyer] = await createUsers(stage, 1, 'discovery');
  const ordersRole = stage.ready.description.services.orders?.roles[0] ?? '';
  const parameter = `/${stage.ready.description.stage}/users/url`;
  const ssm = stage.ssm();
  const put = (value: string) =>
    ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: 'String', Overwrite: true }));
  const order = { userId: buyer, items: [{ sku: 'BOOK-1', quantity: 1 }] };
  const placeOrder = () => stage.call('POST', `${stage.url('orders')}/orders`, order);
  const bursts: DiscoveryBurst[] = [];
  const measure = async (scenario: string) => {
    const before = (await stage.getParameterReads())[ordersRole] ?? 0;
    const statuses: Record<number, number> = {};
    await runLoad({
      requests: burst,
      concurrency: 25,
      sendOne: async () => {
        const { status } = await placeOrder();
        statuses[status] = (statuses[status] ?? 0) + 1;
        return '';
      },
    });
    const getParameter = ((await stage.getParameterReads())[ordersRole] ?? 0) - before;
    bursts.push({ scenario, requests: burst, statuses, getParameter });
    progress(`  ${scenario}: ${getParameter} GetParameter for ${burst} orders (${statusList(statuses)})`);
  };

  await ssm.send(new DeleteParameterCommand({ Name: parameter }));
  await measure('users URL parameter missing, callers cold');
  await put(await closedPortUrl(stage.ready.description.stage));
  await untilStatus(placeOrder, 503, (answer) => answer.body.includes('"unreachable"'));
  await measure('users unreachable (URL points at a closed port)');
  await put(stage.url('users'));
  await untilStatus(placeOrder, 201);
  await measure('users back at its URL');
  await measure('healthy, callers warm');
  return bursts;
}

/** A URL on a port that was free a moment ago and is closed again: connections are refused. */
async function closedPortUrl(stageName: string): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/closed/${stageName}`;
}

/** Sends one request every 250 ms until it answers `status` (and `also`), for at most 60 s. */
async function untilStatus(
  sendOne: () => Promise<HttpAnswer>,
  status: number,
  also: (answer: HttpAnswer) => boolean = () => true,
): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 250) {
    const answer = await sendOne();
    if (answer.status === status && also(answer)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new BenchError(`No ${status} answer within 60 s`);
}

/** A write the stage acknowledged (201), and where to read it back on any later start. */
interface Acknowledged {
  service: 'users' | 'orders';
  path: string;
}

/**
 * Rounds of: writes (POST /users and POST /orders, 16 in flight) against a stage run with
 * `--persist`, a kill -9 of the stage once `KILL_AFTER` more are acknowledged, a restart on the same
 * data (the port changes, the API ids do not), and a read of every write acknowledged so far.
 */
async function measureKills(rounds: number, progress: (line: string) => void): Promise<KillRound[]> {
  const persist = mkdtempSync(join(tmpdir(), 'bench-persist-'));
  const results: KillRound[] = [];
  const acknowledged: Acknowledged[] = [];
  try {
    let stage = await StageProcess.start(persist);
    for (let round = 1; round <= rounds; round++) {
      const before = acknowledged.length;
      await writeUntilKilled(stage, acknowledged);
      stage = await StageProcess.start(persist);
      const urls = acknowledged.map((write) => `${stage.url(write.service)}${write.path}`);
      const lost = acknowledged.length - (await countReadBack(stage, urls));
      results.push({ acknowledged: acknowledged.length, lost });
      progress(
        `  kill -9 round ${round}/${rounds}: ${acknowledged.length - before} writes acknowledged before the kill, ${acknowledged.length} in all, ${lost} lost`,
      );
    }
    await stage.stop();
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
  return results;
}

const KILL_AFTER = 150;

/** Writes until KILL_AFTER more are acknowledged, then kills the stage with writes still in flight. */
async function writeUntilKilled(stage: StageProcess, acknowledged: Acknowledged[]): Promise<void> {
  const [buyer] = await createUsers(stage, 1, 'persist');
  acknowledged.push({ service: 'users', path: `/users/${buyer}` });
  const target = acknowledged.length + KILL_AFTER;
  let killed = false;
  let sequence = 0;
  const writeOne = (index: number) =>
    index % 2 === 0
      ? stage.call('POST', `${stage.url('users')}/users`, {
          email: `persist-${index}-${Date.now()}@example.com`,
          name: 'Ada',
        })
      : stage.call('POST', `${stage.url('orders')}/orders`, {
          userId: buyer,
          items: [{ sku: 'BOOK-1', quantity: 1 }],
        });
  const writer = async () => {
    while (!killed) {
      const index = sequence++;
      const answer = await writeOne(index).catch(() => undefined);
      // Every 201 that arrived counts, even one that arrives as the kill is sent: it was acknowledged.
      if (answer?.status !== 201) continue;
      const { id } = JSON.parse(answer.body) as { id: string };
      acknowledged.push(
        index % 2 === 0
          ? { service: 'users', path: `/users/${id}` }
          : { service: 'orders', path: `/orders/${id}` },
      );
      if (acknowledged.length >= target && !killed) {
        killed = true;
        await stage.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
}

function statusList(statuses: Record<number, number>): string {
  return Object.entries(statuses)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ');
}

/** The figures as lines, for the section and the summary. */
export function reliabilityLines(figures: ReliabilityFigures): string[] {
  const lost = figures.kills.reduce((sum, round) => sum + round.lost, 0);
  const acknowledged = figures.kills.at(-1)?.acknowledged ?? 0;
  return [
    `concurrent creates: ${figures.creates.acknowledged}/${figures.creates.sent} acknowledged, ${figures.creates.readBack} read back`,
    `creates of one email: ${figures.sameEmail.winners} winner, ${figures.sameEmail.conflicts} × 409, ${figures.sameEmail.other} other (of ${figures.sameEmail.sent})`,
    `concurrent orders: ${figures.orders.acknowledged}/${figures.orders.sent} acknowledged, ${figures.orders.readBack} read back`,
    ...figures.discovery.map(
      (burst) =>
        `SSM GetParameter per burst of ${burst.requests} orders, ${burst.scenario}: ${burst.getParameter} (${statusList(burst.statuses)})`,
    ),
    `acknowledged writes lost over ${figures.kills.length} × kill -9 with --persist: ${lost} of ${acknowledged}${lost === 0 ? '' : '  (MUST be 0)'}`,
  ];
}
