import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { LocalStageError } from '../errors';
import type { SignatureDiagnosis } from '../sigv4/failure-causes';
import type { AuthorizationDecision, PolicyType } from './decide';
import type { Explanation } from './explain';
import type { StageIam } from './stage-iam';

/** The first line of a run file: the stage and the services whose decisions follow. */
export interface RunHeader {
  type: 'run';
  version: 1;
  /** What ran the stage: `start` (npm start), `integration` (the integration suite), or another name. */
  source: string;
  stage: string;
  region: string;
  accountId: string;
  repoRoot: string;
  startedAt: string;
  services: Array<{ name: string; file: string; stackName: string; templateDigest: string }>;
}

/** A statement that decided, by its stable key (stack, resource, position) and as the policy names it. */
export interface RecordedStatement {
  key: string;
  policyType: PolicyType;
  policyName: string;
  index: number;
  sid?: string;
}

/** One distinct decision of the run; identical ones are counted, not repeated. */
export interface RecordedDecision {
  type: 'decision';
  id: number;
  at: string;
  principal: { arn: string; role?: string };
  action: string;
  resource: string;
  effect: AuthorizationDecision['effect'];
  decidedBy: PolicyType;
  statements: RecordedStatement[];
  /** For a denial: what the stage explained. */
  explanation?: Explanation;
  /** How many times it was decided (filled in when the run is read). */
  count?: number;
}

/** A request refused for its signature, before any IAM decision. */
export interface RecordedSignatureFailure {
  type: 'signature';
  id: number;
  at: string;
  service: string;
  method: string;
  path: string;
  diagnosis: SignatureDiagnosis;
  count?: number;
}

interface RunEnd {
  type: 'end';
  endedAt: string;
  counts: Record<string, number>;
  /** Decisions not written because the run had more distinct ones than a file keeps. */
  dropped?: number;
}

type RunLine = RunHeader | RecordedDecision | RecordedSignatureFailure | RunEnd;

/** A run file, read back. */
export interface Run {
  file: string;
  header: RunHeader;
  decisions: RecordedDecision[];
  signatureFailures: RecordedSignatureFailure[];
  /** False when the stage did not stop cleanly: counts are then at least 1 each. */
  complete: boolean;
  /** Decisions beyond the distinct ones a run file keeps, counted but not written. */
  dropped: number;
}

/** Run files kept per source; older ones are removed when a new run starts. */
const KEPT_RUNS = 20;
/**
 * Distinct decisions a run file keeps (a line each, and a key in memory). A load test calling with a
 * new id each time would otherwise grow both without bound; beyond it, new ones are only counted.
 */
const MAX_DISTINCT = 20_000;

/**
 * Writes the access decisions of one stage run as JSON lines, `{repoRoot}/.local-stage/runs/{source}-{time}.jsonl`:
 * a header naming the stage and its services, one line per distinct decision (who, what, on which
 * resource, the statements that decided it by a key that survives restarts, and for a denial its
 * explanation), one per distinct signature failure, and on close the count of each. `npm run iam --
 * report` reads it.
 *
 * @example
 * const run = RunFile.open(join(repoRoot, '.local-stage/runs'), header);
 * run.decision({ principal, action, resource, effect, decidedBy, statements });
 * await run.close();
 */
export class RunFile {
  private readonly ids = new Map<string, number>();
  private readonly counts = new Map<number, number>();
  private dropped = 0;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly stream: WriteStream,
  ) {}

  static open(dir: string, header: Omit<RunHeader, 'type' | 'version'>): RunFile {
    mkdirSync(dir, { recursive: true });
    pruneRuns(dir, header.source);
    const stamp = header.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const file = join(dir, `${header.source}-${stamp}-${process.pid}.jsonl`);
    const stream = createWriteStream(file, { flags: 'w', mode: 0o600 });
    // A disk that fills up must not take the stage down: the run file is a by-product.
    stream.on('error', () => undefined);
    const run = new RunFile(file, stream);
    run.write({ type: 'run', version: 1, ...header });
    return run;
  }

  decision(decision: Omit<RecordedDecision, 'type' | 'id' | 'at'>): void {
    const key = JSON.stringify([
      decision.principal.arn,
      decision.action,
      decision.resource,
      decision.effect,
      decision.statements.map((statement) => statement.key),
    ]);
    if (this.count(key)) return;
    this.write({ type: 'decision', id: this.ids.get(key) ?? 0, at: new Date().toISOString(), ...decision });
  }

  signatureFailure(failure: Omit<RecordedSignatureFailure, 'type' | 'id' | 'at'>): void {
    const key = JSON.stringify([
      'signature',
      failure.service,
      failure.method,
      failure.path,
      failure.diagnosis.errorType,
      failure.diagnosis.summary,
    ]);
    if (this.count(key)) return;
    this.write({ type: 'signature', id: this.ids.get(key) ?? 0, at: new Date().toISOString(), ...failure });
  }

  /** Writes the counts and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const counts = Object.fromEntries([...this.counts].filter(([, count]) => count > 1));
    const dropped = this.dropped > 0 ? { dropped: this.dropped } : {};
    this.write({ type: 'end', endedAt: new Date().toISOString(), counts, ...dropped }, true);
    await new Promise<void>((done) => this.stream.end(done));
  }

  /** Counts a decision; true when it is not to be written (seen before, or past the limit). */
  private count(key: string): boolean {
    const known = this.ids.get(key);
    if (known !== undefined) {
      this.counts.set(known, (this.counts.get(known) ?? 1) + 1);
      return true;
    }
    if (this.ids.size >= MAX_DISTINCT) {
      this.dropped += 1;
      return true;
    }
    this.ids.set(key, this.ids.size + 1);
    return false;
  }

  private write(line: RunLine, final = false): void {
    if (this.closed && !final) return;
    this.stream.write(`${JSON.stringify(line)}\n`);
  }
}

function pruneRuns(dir: string, source: string): void {
  const runs = readdirSync(dir)
    .filter((name) => name.startsWith(`${source}-`) && name.endsWith('.jsonl'))
    .sort();
  for (const name of runs.slice(0, Math.max(0, runs.length - KEPT_RUNS + 1)))
    rmSync(join(dir, name), { force: true });
}

/** Where run files go in a repository. */
export function runsDir(repoRoot: string): string {
  return join(repoRoot, '.local-stage', 'runs');
}

/**
 * The run file `from` names: a path, or the latest run of a source (`integration`, `start`), or the
 * latest of any (`latest`, the default).
 *
 * @throws LocalStageError saying what runs there are, or how to make one.
 * @example findRun('/repo', 'integration'); // '/repo/.local-stage/runs/integration-20260504T101500Z-4242.jsonl'
 */
export function findRun(repoRoot: string, from = 'latest'): string {
  if (from.includes('/') || from.endsWith('.jsonl')) {
    const file = resolve(from);
    if (!existsSync(file)) throw new LocalStageError(`No run file ${from}`);
    return file;
  }
  const dir = runsDir(repoRoot);
  const runs = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.jsonl') && (from === 'latest' || name.startsWith(`${from}-`)))
        .sort(
          (a, b) =>
            startOf(b).localeCompare(startOf(a)) ||
            statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs,
        )
        .map((name) => join(dir, name))
    : [];
  const [latest] = runs;
  if (!latest) {
    throw new LocalStageError(
      `No ${from === 'latest' ? '' : `${from} `}run in ${dir}: run \`npm run test:integration\` or \`npm start\` first, or pass --from FILE`,
    );
  }
  return latest;
}

/** When a run started, from its file name (`integration-20260504T101500Z-4242.jsonl`). */
function startOf(name: string): string {
  return /-(\d{8}T\d{6}Z)-\d+\.jsonl$/.exec(name)?.[1] ?? '';
}

/**
 * Reads a run file: its header, each distinct decision and signature failure with its count.
 *
 * @example readRun(findRun(repoRoot, 'integration')).decisions.filter((decision) => decision.effect !== 'Allow');
 */
export function readRun(file: string): Run {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const parsed = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as RunLine];
    } catch {
      return []; // a line cut short by a stage that was killed
    }
  });
  const header = parsed[0];
  if (header?.type !== 'run')
    throw new LocalStageError(`${basename(file)} is not a run file of the local stage`);
  const end = parsed.find((line): line is RunEnd => line.type === 'end');
  const count = (id: number) => end?.counts[String(id)] ?? 1;
  return {
    file,
    header,
    decisions: parsed
      .filter((line): line is RecordedDecision => line.type === 'decision')
      .map((line) => ({ ...line, count: count(line.id) })),
    signatureFailures: parsed
      .filter((line): line is RecordedSignatureFailure => line.type === 'signature')
      .map((line) => ({ ...line, count: count(line.id) })),
    complete: end !== undefined,
    dropped: end?.dropped ?? 0,
  };
}

/**
 * The services a run's header lists: each with its serverless.yml, stack and template digest, so a
 * report can tell which runs still describe the templates.
 *
 * @example RunFile.open(dir, { source: 'start', …, services: runServices(iam) });
 */
export function runServices(iam: StageIam): RunHeader['services'] {
  return iam.services.map((service) => ({
    name: service.name,
    file: service.file,
    stackName: service.stackName,
    templateDigest: templateDigest(service.stack.stack.template),
  }));
}

/**
 * A digest of what a compiled template says about IAM: its parameters, its IAM resources and its REST
 * API's resources and methods. Code keys and deployment ids (which change with every package) are left
 * out, so a report can tell when the grants or routes changed since the run.
 *
 * @example templateDigest(stack.template); // 'sha256:3f2a…'
 */
export function templateDigest(template: {
  Parameters?: unknown;
  Resources: Record<string, { Type: string }>;
}): string {
  const relevant = Object.entries(template.Resources)
    .filter(
      ([, resource]) =>
        resource.Type.startsWith('AWS::IAM::') ||
        (resource.Type.startsWith('AWS::ApiGateway::') && resource.Type !== 'AWS::ApiGateway::Deployment'),
    )
    .sort(([a], [b]) => a.localeCompare(b));
  const text = JSON.stringify({ parameters: template.Parameters ?? {}, resources: relevant });
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}
