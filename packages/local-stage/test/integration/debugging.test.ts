import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalStage } from '@internal-apis/local-stage';
import {
  generatedPositionFor,
  LEAST_UPPER_BOUND,
  originalPositionFor,
  TraceMap,
} from '@jridgewell/trace-mapping';
import { developerClient, REPO_ROOT, startPrivateStage, stopPrivateStage } from './private-stage';

// What `npm start -- --inspect` promises: a debugger attached to the stage's process reaches every
// function (each runs in a worker thread of it), and a breakpoint set in a TypeScript source of the
// repository binds, because each bundle's source map, unchanged from the deployed zip, resolves to
// the repository's files from where the stage runs the bundle. This test is that debugger: it does
// what VS Code's js-debug does, through the same inspector protocol, in-process.

const SOURCE = join(REPO_ROOT, 'services/users/src/handlers/get-user.ts');

interface Paused {
  /** The bundle the function runs. */
  url: string;
  /** The original position, through the bundle's source map. */
  source: string;
  line: number;
  /** `new Error().stack`, evaluated where it paused. */
  stack: string;
}

let stage: LocalStage;
let session: Session;

beforeAll(async () => {
  stage = await startPrivateStage('debugging-stage-', { debugging: true });
  session = new Session();
  // One listener per function thread attached; the stage may have several.
  session.setMaxListeners(50);
  session.connect();
}, 60_000);

afterAll(async () => {
  session?.disconnect();
  await stopPrivateStage(stage);
});

function post<T = unknown>(method: string, params?: object): Promise<T> {
  return new Promise((done, fail) =>
    session.post(method, params as never, (error, result) => (error ? fail(error) : done(result as T))),
  );
}

/** The first line of `file` that `pattern` matches, 1-based. */
function lineOf(file: string, pattern: RegExp): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => pattern.test(line));
  if (index < 0) throw new Error(`${pattern} is not in ${file}`);
  return index + 1;
}

/** A bundle the stage may run: its file and its source map (js-debug's `outFiles`, .vscode/launch.json). */
interface Bundle {
  file: string;
  map: TraceMap;
}

/** Every bundle under the services' `.local-stage/` whose source map names `source`. */
function bundlesFrom(source: string): Bundle[] {
  const root = join(REPO_ROOT, 'services');
  const bundles: Bundle[] = [];
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!entry.includes('.local-stage') || !entry.endsWith('.js.map')) continue;
    const mapFile = join(root, entry);
    const map = new TraceMap(readFileSync(mapFile, 'utf8'), mapFile);
    if (map.resolvedSources.includes(source)) bundles.push({ file: mapFile.slice(0, -'.map'.length), map });
  }
  return bundles;
}

/**
 * Attaches to each function's worker as it starts, binds a breakpoint at `line` of `source` in every
 * bundle built from it, as js-debug does (by URL, before the code loads), and resolves with where the
 * function paused: the bundle, the original position, and a stack trace made in the function's thread.
 */
function breakAt(source: string, line: number): Promise<Paused> {
  const bundles = bundlesFrom(source);
  return new Promise((found) => {
    session.on('NodeWorker.attachedToWorker', ({ params }) => {
      const { sessionId } = params;
      let id = 0;
      const replies = new Map<number, (result: { result?: { value?: string } }) => void>();
      const scripts = new Map<string, string>();
      const send = (method: string, parameters: object = {}) =>
        new Promise<{ result?: { value?: string } }>((answer) => {
          replies.set(++id, answer);
          void post('NodeWorker.sendMessageToWorker', {
            sessionId,
            message: JSON.stringify({ id, method, params: parameters }),
          });
        });
      session.on('NodeWorker.receivedMessageFromWorker', async ({ params: message }) => {
        if (message.sessionId !== sessionId) return;
        const event = JSON.parse(message.message);
        if (event.id !== undefined) replies.get(event.id)?.(event.result ?? {});
        if (event.method === 'Debugger.scriptParsed') scripts.set(event.params.scriptId, event.params.url);
        if (event.method !== 'Debugger.paused') return;
        const frame = event.params.callFrames[0];
        const url = scripts.get(frame.location.scriptId);
        const bundle = bundles.find((candidate) => pathToFileURL(candidate.file).href === url);
        if (!bundle || !event.params.hitBreakpoints?.length) {
          await send('Debugger.resume'); // paused for another reason (a worker starting): not ours
          return;
        }
        const evaluated = await send('Debugger.evaluateOnCallFrame', {
          callFrameId: frame.callFrameId,
          expression: "new Error('probe').stack",
        });
        const original = originalPositionFor(bundle.map, {
          line: frame.location.lineNumber + 1,
          column: frame.location.columnNumber,
        });
        await send('Debugger.resume');
        found({
          url: bundle.file,
          source: original.source ?? '',
          line: original.line ?? -1,
          stack: evaluated.result?.value ?? '',
        });
      });
      void (async () => {
        await send('Debugger.enable');
        for (const bundle of bundles) {
          const position = generatedPositionFor(bundle.map, {
            source,
            line,
            column: 0,
            bias: LEAST_UPPER_BOUND,
          });
          if (position.line === null) continue;
          await send('Debugger.setBreakpointByUrl', {
            url: pathToFileURL(bundle.file).href,
            lineNumber: position.line - 1,
            columnNumber: position.column,
          });
        }
        await send('Runtime.runIfWaitingForDebugger');
      })();
    });
  });
}

test('a breakpoint in a TypeScript source binds in the function and pauses there, named by its repository path', async () => {
  const line = lineOf(SOURCE, /export const handler/);
  const paused = breakAt(SOURCE, line);
  await post('NodeWorker.enable', { waitForDebuggerOnStart: true });
  const users = developerClient(stage, 'users');

  const response = users.get('/users/not-a-user');
  response.catch(() => undefined); // awaited below, once the breakpoint was hit
  const where = await paused;

  expect(where.url).toMatch(
    /services\/users\/\.local-stage\/getUser-[0-9a-f]{16}\/src\/handlers\/get-user\.js$/,
  );
  // The source map resolves to the repository's file, not to where the bundle runs from.
  expect(where.source).toBe(SOURCE);
  expect(where.line).toBe(line);
  // Stack traces in the function's own thread name the same file.
  expect(where.stack).toContain(`${SOURCE}:${line}`);
  expect((await response).status).toBe(404);
}, 60_000);
