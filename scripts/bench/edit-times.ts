import { readFileSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchError, type WatchedChild } from './child-process';
import { keepAliveAgent, signedSend } from './http';
import { type StartedStage, startStage } from './start-times';

export type EditKind = 'handler' | 'template';
export type ReloadWay = 'hot reload' | 'restart';

export interface EditRun {
  edit: EditKind;
  way: ReloadWay;
  /** From the file saved to the first request answered by the new code or template. */
  seconds: number;
}

const HANDLER = 'services/users/src/handlers/get-user.ts';
const TEMPLATE = 'services/users/serverless.yml';
const GET_USER_EVENT = '      - http: { path: "users/{id}", method: get, authorizer: aws_iam }';
const SERVING_TIMEOUT_MS = 120_000;
const POLL_MS = 20;

/**
 * The two edits a developer makes all day, in a copy of the repository: a handler's code (a line that
 * logs a marker when the new code starts), and its serverless.yml (a new endpoint). Each is timed
 * from the save to the first request answered by the new version, with hot reload (`npm start`
 * running) and, side by side, by restarting the stage after the edit.
 *
 * @example
 * const runs = await measureEdits(copy.root, { rounds: 3 });
 */
export async function measureEdits(
  repoRoot: string,
  options: { rounds: number; onRun?: (run: EditRun) => void },
): Promise<EditRun[]> {
  const runs: EditRun[] = [];
  const record = (run: EditRun) => {
    runs.push(run);
    options.onRun?.(run);
  };
  const original = {
    handler: readFileSync(join(repoRoot, HANDLER), 'utf8'),
    template: readFileSync(join(repoRoot, TEMPLATE), 'utf8'),
  };
  let round = 0;
  const edit = (kind: EditKind) => {
    round += 1;
    if (kind === 'handler') writeFileSync(join(repoRoot, HANDLER), withMarker(original.handler, round));
    else writeFileSync(join(repoRoot, TEMPLATE), withEndpoint(original.template, round));
    return round;
  };
  // Hot reload: one stage, watching, edited again and again.
  let stage: StartedStage | undefined = await startStage(repoRoot, 'warm', { watch: true });
  const agent = keepAliveAgent(1);
  try {
    for (const kind of ['handler', 'template'] as const) {
      for (let index = 0; index < options.rounds; index++) {
        const saved = performance.now();
        const served = await servedBy(kind, edit(kind), stage, agent);
        record({ edit: kind, way: 'hot reload', seconds: (served - saved) / 1000 });
      }
    }
    await stage.child.stop();
    stage = undefined;
    // Restart: the same edits, then a new `npm start`, which reuses all the rest.
    for (const kind of ['handler', 'template'] as const) {
      for (let index = 0; index < options.rounds; index++) {
        const saved = performance.now();
        const marker = edit(kind);
        stage = await startStage(repoRoot, 'warm', { measureCpu: false });
        const served = await servedBy(kind, marker, stage, agent);
        record({ edit: kind, way: 'restart', seconds: (served - saved) / 1000 });
        await stage.child.stop();
        stage = undefined;
      }
    }
  } finally {
    agent.destroy();
    await stage?.child.stop();
    writeFileSync(join(repoRoot, HANDLER), original.handler);
    writeFileSync(join(repoRoot, TEMPLATE), original.template);
  }
  return runs;
}

/** The handler with a line that logs `bench-marker-{n}` when its module loads (a cold start). */
function withMarker(handler: string, marker: number): string {
  return `console.log('bench-marker-${marker}');\n${handler}`;
}

/** serverless.yml with one more endpoint for getUser: GET /users/{id}/bench-{n}. */
function withEndpoint(template: string, marker: number): string {
  if (!template.includes(GET_USER_EVENT))
    throw new BenchError(`${TEMPLATE} no longer has "${GET_USER_EVENT.trim()}"`);
  return template.replace(
    GET_USER_EVENT,
    `${GET_USER_EVENT}\n      - http: { path: "users/{id}/bench-${marker}", method: get, authorizer: aws_iam }`,
  );
}

/**
 * Sends signed GETs until the new version answers, and resolves with when it did: for a handler
 * edit, when getUser logged the marker (its new code started for a request); for a template edit,
 * when the new path was routed (anything but API Gateway's 403 Missing Authentication Token).
 */
async function servedBy(kind: EditKind, marker: number, stage: StartedStage, agent: Agent): Promise<number> {
  const base = stage.ready.description.services.users?.url;
  if (!base) throw new BenchError('The stage has no users service');
  const path = kind === 'handler' ? '/users/bench-user' : `/users/bench-user/bench-${marker}`;
  const markerSeen = kind === 'handler' ? whenLogged(stage.child, `bench-marker-${marker}`) : undefined;
  for (const started = performance.now(); performance.now() - started < SERVING_TIMEOUT_MS; ) {
    const answer = await signedSend(stage.ready, agent, 'GET', `${base}${path}`);
    const answeredAt = performance.now();
    if (markerSeen?.at !== undefined) return markerSeen.at;
    if (kind === 'template' && !answer.body.includes('Missing Authentication Token')) return answeredAt;
    await new Promise((wait) => setTimeout(wait, POLL_MS));
  }
  throw new BenchError(`The ${kind} edit was not served within ${SERVING_TIMEOUT_MS / 1000} s`);
}

/** `at` becomes the time the child printed a line containing `text`. */
function whenLogged(child: WatchedChild, text: string): { at?: number } {
  const seen: { at?: number } = {};
  void child
    .waitFor((line) => (line.includes(text) ? true : undefined), SERVING_TIMEOUT_MS)
    .then(
      () => {
        seen.at = performance.now();
      },
      () => undefined,
    );
  return seen;
}
