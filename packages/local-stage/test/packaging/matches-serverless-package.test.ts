/**
 * What the local stage serves is what `serverless package` ships, byte for byte.
 *
 * The stage compiles templates with the framework (serverless-esbuild stood in for) and bundles with
 * esbuild itself, using the options serverless-esbuild derives from the service's `esbuild` settings.
 * Here a copy of a service with two functions is packaged both ways: by `serverless package`, and as
 * `npm start` prepares it, beside a second service whose functions share most of their modules (so
 * the stage bundles both services in one esbuild call, as it does the repository's). Every file of every zip must equal the file the stage runs, source maps
 * included; the template and the saved service state must be the same but for the deployment's
 * timestamp. And from where the stage runs a bundle, its source map's paths name the service's own
 * sources, which is what lets a debugger bind breakpoints in them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileDigests } from '../../src/build/file-digests';
import { extractZip } from '../../src/lambda';
import { nodeServerlessRunner, serverlessEnv } from '../../src/packaging';
import { type PreparedService, prepareServices } from '../../src/packaging/prepare-services';
import { copyServices } from '../fixtures/services/repository-copy';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SERVICE = 'orders';
/** Prepared beside SERVICE, with the same esbuild options. */
const NEIGHBOUR = 'users';
const STAGE = 'local';

let workDir: string;
let serviceDir: string;
let packagedDir: string;
let prepared: PreparedService;

/** A copy of the repository's layout around SERVICE and NEIGHBOUR; SERVICE's folder in it. */
function copyOfServices(): string {
  const [serviceDir = ''] = copyServices(REPO_ROOT, path.join(workDir, 'repo'), [SERVICE, NEIGHBOUR]);
  return serviceDir;
}

/** The deployment's timestamp is the one thing two packages of the same inputs differ in. */
function withoutTimestamps(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\d{13}-\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<timestamp>')
    .replace(/ApiGatewayDeployment\d{13}/g, 'ApiGatewayDeployment<timestamp>');
}

/** Every file below `dir`, by relative path. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'matches-package-'));
  serviceDir = copyOfServices();
  packagedDir = path.join(workDir, 'packaged');
  const run = nodeServerlessRunner(REPO_ROOT, 150_000);
  const home = mkdtempSync(path.join(workDir, 'home-'));
  const packaging = run(
    ['package', '--stage', STAGE, '--package', packagedDir],
    serviceDir,
    serverlessEnv(process.env, home),
  );
  const preparing = prepareServices([serviceDir, path.join(path.dirname(serviceDir), NEIGHBOUR)], {
    repoRoot: path.dirname(path.dirname(serviceDir)),
    stage: STAGE,
    digests: new FileDigests(),
  });
  const [{ code, output }, { prepared: ready, failed }] = await Promise.all([packaging, preparing]);
  if (code !== 0) throw new Error(`serverless package failed:\n${output.split('\n').slice(-30).join('\n')}`);
  const own = ready.find((service) => service.dir === serviceDir);
  if (failed.length > 0 || !own) throw new Error(failed.map(({ error }) => error.message).join('\n'));
  prepared = own;
}, 300_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

it('bundles each function itself, one zip per function', () => {
  expect(prepared.plan.bundler).toBe('local-stage');
  expect([...prepared.artifacts.keys()].sort()).toEqual(['createOrder.zip', 'getOrder.zip']);
});

it('runs exactly the files of each zip, byte for byte, source maps included', async () => {
  for (const artifact of prepared.artifacts.values()) {
    const unzipped = path.join(workDir, 'unzipped', artifact.name);
    await extractZip(path.join(packagedDir, artifact.name), unzipped);
    const files = filesUnder(unzipped);
    expect(files).toEqual(filesUnder(artifact.taskRoot));
    expect(files).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.js$/), expect.stringMatching(/\.js\.map$/)]),
    );
    for (const file of files) {
      const shipped = readFileSync(path.join(unzipped, file));
      const served = readFileSync(path.join(artifact.taskRoot, file));
      expect({ file, equal: shipped.equals(served) }).toEqual({ file, equal: true });
    }
  }
});

it('provisions the template serverless package compiles, and saves the same service state', () => {
  const templates = readdirSync(path.join(serviceDir, '.local-stage')).filter((name) =>
    name.startsWith(`template-${STAGE}-`),
  );
  expect(templates).toHaveLength(1);
  const compiled = path.join(serviceDir, '.local-stage', templates[0] ?? '');
  for (const file of ['cloudformation-template-update-stack.json', 'serverless-state.json']) {
    expect(withoutTimestamps(path.join(compiled, file))).toBe(
      withoutTimestamps(path.join(packagedDir, file)),
    );
  }
  expect(prepared.stack.template).toEqual(
    JSON.parse(readFileSync(path.join(compiled, 'cloudformation-template-update-stack.json'), 'utf8')),
  );
});

it("names, from where the stage runs each bundle, the service's own sources in its source map", () => {
  for (const artifact of prepared.artifacts.values()) {
    const mapFile = filesUnder(artifact.taskRoot).find((file) => file.endsWith('.js.map')) ?? '';
    const { sources } = JSON.parse(readFileSync(path.join(artifact.taskRoot, mapFile), 'utf8')) as {
      sources: string[];
    };
    const resolved = sources.map((source) => path.resolve(artifact.taskRoot, path.dirname(mapFile), source));
    // Dependencies' own maps may name sources they do not publish; the repository's must all be there.
    const own = resolved.filter((source) => !source.includes(`${path.sep}node_modules${path.sep}`));
    expect(own.filter((source) => !existsSync(source))).toEqual([]);
    expect(own).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${serviceDir}/src/handlers/`))]),
    );
  }
});
