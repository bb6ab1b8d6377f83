// First: it may fork the template compiler, to load alongside the stage.
import './cli-prestart';
import inspector from 'node:inspector';
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { LocalStageError } from './errors';
import { DEFAULT_IDLE_TIMEOUT_MS } from './lambda';
import { requestLine, showsRequest, type Verbosity } from './request-lines';
import { DEFAULTS, LocalStage } from './stage';
import { removeStageFilesSync, roleProfileName, type StageDescription } from './stage-files';

const USAGE = `Usage: npm start -- [--port ${DEFAULTS.port}] [--persist DIR] [--no-package] [--no-watch] [--inspect[=[HOST:]PORT]]
                    [--explain] [--state-dir DIR] [--quiet | --verbose] [--idle-timeout SECONDS]

Packages every service for stage "${DEFAULTS.stage}" (unchanged ones are reused), provisions them on this
machine and serves them behind one endpoint that verifies SigV4 and evaluates IAM as AWS does.
  --port N            front door port (0: any free port)
  --persist DIR       keep DynamoDB and SSM data in DIR between runs (in memory otherwise)
  --no-package        use the packages already in each service's .serverless/ (no hot reload)
  --no-watch          no hot reload (by default a saved handler or serverless.yml is reloaded)
  --inspect           a debugger for every function, on 127.0.0.1:9229 (or the port given); functions
                      then run up to Lambda's 900 s maximum, so a breakpoint does not time them out
  --explain           print the whole explanation of each refusal: closest statements, what differed,
                      the statement to add to which serverless.yml
  --state-dir DIR     where stage.json and the credentials go (default .local-stage/); one running
                      stage per folder, so a second stage on this checkout needs a folder of its own
  --quiet             print only refused and failed requests (no function output)
  --verbose           also print a line for every request
  --idle-timeout S    shut down a function copy idle for S seconds (default ${DEFAULT_IDLE_TIMEOUT_MS / 1000})
Every access decision goes to .local-stage/runs/start-*.jsonl: \`npm run iam -- report\` reads it.
While it runs: type "r" and Enter for the access report; Ctrl-C stops it (and prints the report).`;

/** Signals that stop the stage: Ctrl-C, `kill`, and the terminal closing. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * One Ctrl-C reaches the stage more than once: the terminal sends it to the whole process group and
 * npm relays it to its child too. Copies within this window are the same request to stop.
 */
const SAME_SIGNAL_MS = 1_000;
/** A clean stop that takes longer than this is cut short (the files are removed all the same). */
const STOP_DEADLINE_MS = 10_000;

/** A command line that cannot be run as given: answered with the usage and exit code 2. */
class UsageError extends LocalStageError {}

interface CliOptions {
  port: number;
  watch: boolean;
  explain: boolean;
  /** `HOST:PORT` or `PORT` for the debugger, when asked for. */
  inspect?: string;
  persist?: string;
  packageFirst: boolean;
  stateDir?: string;
  verbosity: Verbosity;
  idleTimeoutMs?: number;
}

function parseCommandLine(argv: string[]): CliOptions | undefined {
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
      'state-dir': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean', short: 'v' },
      'idle-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const port = values.port === undefined ? DEFAULTS.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0–65535, not ${values.port}`);
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose exclude each other');
  const idle = values['idle-timeout'];
  if (idle !== undefined && !(Number(idle) > 0))
    throw new UsageError(`--idle-timeout must be a positive number of seconds, not ${idle}`);
  return {
    port,
    watch: !values['no-watch'],
    explain: values.explain === true,
    inspect: values.inspect,
    persist: values.persist ? resolve(values.persist) : undefined,
    packageFirst: !values['no-package'],
    stateDir: values['state-dir'] ? resolve(values['state-dir']) : undefined,
    verbosity: values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal',
    idleTimeoutMs: idle === undefined ? undefined : Number(idle) * 1000,
  };
}

async function main(argv: string[]): Promise<void> {
  const options = parseCommandLine(argv);
  if (!options) return console.log(USAGE);
  ignoreClosedTerminal();
  const repoRoot = resolve(__dirname, '../../..');
  const stateDir = options.stateDir ?? resolve(repoRoot, '.local-stage');
  const started = Date.now();
  if (options.inspect !== undefined) openDebugger(options.inspect);
  const abandonStart = () => {
    removeStageFilesSync(stateDir, process.pid);
    process.exit(130);
  };
  for (const signal of STOP_SIGNALS) process.once(signal, abandonStart);
  console.log('Packaging services for stage local…');
  const stage = await LocalStage.start({
    repoRoot,
    port: options.port,
    persist: options.persist,
    packageFirst: options.packageFirst,
    explain: options.explain,
    recordRun: { source: 'start' },
    watch: options.watch,
    debugging: options.inspect !== undefined,
    stateDir,
    functionLog: options.verbosity === 'quiet' ? () => undefined : undefined,
    onRequest: (event) => {
      if (showsRequest(event, options.verbosity)) console.log(requestLine(event));
    },
    lambda: { idleTimeoutMs: options.idleTimeoutMs },
  });
  for (const signal of STOP_SIGNALS) process.off(signal, abandonStart);
  stopOnSignals(stage);
  console.log(readyText(stage.description, stateDir, Date.now() - started));
  watchForReportRequests(stage);
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

function readyText(description: StageDescription, stateDir: string, ms: number): string {
  const credentials = relative(process.cwd(), resolve(stateDir, 'credentials'));
  const config = relative(process.cwd(), resolve(stateDir, 'config'));
  const lines = [
    '',
    `Local stage "${description.stage}" ready in ${(ms / 1000).toFixed(1)} s — region ${description.region}, account ${description.accountId}`,
    `  endpoint (execute-api, ssm, dynamodb, sts): ${description.endpoint}`,
    ...routeLines(description),
    `  credentials: profile "${description.profile}" (an administrator) in ${credentials}; in ${config}, profiles`,
    `    ${roleProfiles(description)} assume each service's role`,
    '',
    'Any AWS tool (paste into a shell):',
    `  export AWS_SHARED_CREDENTIALS_FILE=${credentials} AWS_CONFIG_FILE=${config}`,
    '  aws sts get-caller-identity --profile local',
    `  npm run call -- users GET /users/42${stateDirOption(stateDir)}                 # signed, as you`,
    `  npm run call -- --as orders users GET /users/42${stateDirOption(stateDir)}     # as the orders function`,
    '',
    'Refused and failed requests print a line here (--verbose: every request; --quiet: nothing else).',
    'Type "r" and Enter for the access report; Ctrl-C to stop.',
  ];
  return lines.join('\n');
}

/** Each service's URL, then each route of its API: method, resource path and function. */
function routeLines(description: StageDescription): string[] {
  const lines: string[] = [];
  for (const [name, service] of Object.entries(description.services)) {
    if (!service.url) continue;
    lines.push(`  ${name.padEnd(14)} ${service.url}`);
    const routes = service.routes ?? [];
    const width = Math.max(0, ...routes.map((route) => route.path.length));
    for (const route of routes) {
      const target = route.functionName ?? '(mock integration)';
      lines.push(`    ${route.method.padEnd(7)} ${route.path.padEnd(width)}  ${target}`);
    }
  }
  return lines;
}

function roleProfiles(description: StageDescription): string {
  const names = Object.entries(description.services)
    .filter(([, service]) => service.roles.length > 0)
    .map(([name]) => roleProfileName(name));
  return names.join(', ') || '(none)';
}

function stateDirOption(stateDir: string): string {
  const relativeDir = relative(process.cwd(), stateDir);
  return relativeDir === '.local-stage' ? '' : ` --state-dir ${relativeDir}`;
}

function watchForReportRequests(stage: LocalStage): void {
  if (!process.stdin.readable) return;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim().toLowerCase() === 'r') console.log(stage.accessReport());
  });
}

/**
 * Once the terminal is closed, writing to it fails (EIO, EPIPE): the stage must still stop cleanly,
 * so those errors are dropped rather than ending the process before its files are removed.
 */
function ignoreClosedTerminal(): void {
  for (const stream of [process.stdout, process.stderr, process.stdin]) stream.on('error', () => undefined);
}

/**
 * Stops the stage on Ctrl-C, `kill` or the terminal closing, whichever reaches it and however often:
 * copies of one signal within a second are one request; another signal after that stops it at once.
 * Either way its state files and temporary folders are removed, also on any other exit.
 */
function stopOnSignals(stage: LocalStage): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      void stopCleanly(stage, signal);
    } else if (Date.now() - firstAt > SAME_SIGNAL_MS) {
      // A second Ctrl-C, a while after the first: the user wants out now.
      stage.removeFilesSync();
      process.exit(130);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.on('exit', () => stage.removeFilesSync());
}

async function stopCleanly(stage: LocalStage, signal: NodeJS.Signals): Promise<void> {
  setTimeout(() => {
    console.error(`Not stopped after ${STOP_DEADLINE_MS / 1000} s; exiting.`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  // The terminal is gone after SIGHUP: nobody would read the report.
  if (signal !== 'SIGHUP') console.log(`\n${stage.accessReport()}`);
  console.log('Stopping…');
  try {
    await stage.stop();
    process.exit(0);
  } catch (error) {
    console.error(`local stage: could not stop cleanly: ${(error as Error).message}`);
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isUsageError(error)) {
    console.error(`local stage: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof LocalStageError ? `local stage: ${error.message}` : error);
  process.exit(1);
});

/** An unknown option or a missing value, as node:util's parseArgs reports it, or a bad value. */
function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  return error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
}
