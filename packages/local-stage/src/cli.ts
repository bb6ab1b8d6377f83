// First: it may fork the template compiler, to load alongside the stage.
import './cli-prestart';
import inspector from 'node:inspector';
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { LocalStageError } from './errors';
import { DEFAULTS, LocalStage } from './stage';
import type { StageDescription } from './stage-files';

const USAGE = `Usage: npm start -- [--port ${DEFAULTS.port}] [--persist DIR] [--no-package] [--no-watch] [--inspect[=[HOST:]PORT]] [--explain]

Packages every service for stage "${DEFAULTS.stage}" (unchanged ones are reused), provisions them on this
machine and serves them behind one endpoint that verifies SigV4 and evaluates IAM as AWS does.
  --port N        front door port (0: any free port)
  --persist DIR   keep DynamoDB and SSM data in DIR between runs (in memory otherwise)
  --no-package    use the packages already in each service's .serverless/ (no hot reload)
  --no-watch      no hot reload (by default a saved handler or serverless.yml is reloaded)
  --inspect       a debugger for every function, on 127.0.0.1:9229 (or the port given); functions
                  then run up to Lambda's 900 s maximum, so a breakpoint does not time them out
  --explain       print the whole explanation of each refusal: closest statements, what differed,
                  the statement to add to which serverless.yml
Every access decision goes to .local-stage/runs/start-*.jsonl: \`npm run iam -- report\` reads it.
While it runs: type "r" and Enter for the access report; Ctrl-C stops it (and prints the report).`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    // `--inspect` alone, as with node, means the default port.
    args: argv.map((arg) => (arg === '--inspect' ? `--inspect=${DEFAULT_INSPECT_PORT}` : arg)),
    options: {
      port: { type: 'string' },
      persist: { type: 'string' },
      'no-package': { type: 'boolean' },
      explain: { type: 'boolean' },
      'no-watch': { type: 'boolean' },
      inspect: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const port = values.port === undefined ? DEFAULTS.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new LocalStageError(`--port must be 0–65535, not ${values.port}`);
  const repoRoot = resolve(__dirname, '../../..');
  const started = Date.now();
  if (values.inspect !== undefined) openDebugger(values.inspect);
  console.log('Packaging services for stage local…');
  const stage = await LocalStage.start({
    repoRoot,
    port,
    persist: values.persist ? resolve(values.persist) : undefined,
    packageFirst: !values['no-package'],
    explain: values.explain === true,
    recordRun: { source: 'start' },
    watch: !values['no-watch'],
    debugging: values.inspect !== undefined,
  });
  console.log(readyText(stage.description, repoRoot, Date.now() - started));
  watchForReportRequests(stage);
  stopOnSignals(stage);
}

const DEFAULT_INSPECT_PORT = 9229;

/**
 * Opens the inspector of this process, the stage's: functions run in its worker threads, which a
 * debugger attached here reaches too (VS Code's js-debug and Chrome DevTools follow workers).
 */
function openDebugger(address: string): void {
  const [host, portText] = address.includes(':') ? address.split(':') : ['127.0.0.1', address];
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new LocalStageError(`--inspect takes a port (0–65535) or HOST:PORT, not ${address}`);
  // A debugger that launched this process (VS Code's "npm start" configuration) has opened it already.
  if (inspector.url()) return;
  try {
    inspector.open(port, host || '127.0.0.1');
  } catch (error) {
    throw new LocalStageError(`Cannot open the debugger on ${address}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Node has printed where it listens; say what to attach.
  console.log('Debug any function: attach VS Code ("Attach to the local stage") or chrome://inspect to it');
}

function readyText(description: StageDescription, repoRoot: string, ms: number): string {
  const credentials =
    relative(process.cwd(), resolve(repoRoot, '.local-stage/credentials')) || '.local-stage/credentials';
  const lines = [
    '',
    `Local stage "${description.stage}" ready in ${(ms / 1000).toFixed(1)} s — region ${description.region}, account ${description.accountId}`,
    `  endpoint (execute-api, ssm, dynamodb): ${description.endpoint}`,
  ];
  for (const [name, service] of Object.entries(description.services)) {
    if (service.url) lines.push(`  ${name.padEnd(14)} ${service.url}`);
  }
  const users = description.services.users?.url ?? `${description.endpoint}/{apiId}/${description.stage}`;
  lines.push(
    `  credentials: profile "${description.profile}" in ${credentials} (AWS_SHARED_CREDENTIALS_FILE)`,
    '',
    'A signed call (paste into a shell):',
    `  KEY=$(awk '/aws_access_key_id/{print $3}' ${credentials}); SECRET=$(awk '/aws_secret_access_key/{print $3}' ${credentials})`,
    `  curl -s --aws-sigv4 aws:amz:${description.region}:execute-api --user "$KEY:$SECRET" \\`,
    `    -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada Lovelace"}' ${users}/users`,
    '',
    'Type "r" and Enter for the access report; Ctrl-C to stop.',
  );
  return lines.join('\n');
}

function watchForReportRequests(stage: LocalStage): void {
  if (!process.stdin.readable) return;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim().toLowerCase() === 'r') console.log(stage.accessReport());
  });
}

function stopOnSignals(stage: LocalStage): void {
  let stopping = false;
  const stop = async () => {
    // A second Ctrl-C while stopping means now.
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${stage.accessReport()}\nStopping…`);
    await stage.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isUsageError(error)) {
    console.error(`local stage: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof LocalStageError ? `local stage: ${error.message}` : error);
  process.exit(1);
});

/** An unknown option or a missing value, as node:util's parseArgs reports it. */
function isUsageError(error: unknown): error is Error {
  return error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
}
