import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { LocalBundlePlan } from '../../src/build/bundle-plan';
import { FileDigests } from '../../src/build/file-digests';
import {
  BuildError,
  type BuiltArtifact,
  bundleService,
  bundleServices,
  type EsbuildApi,
} from '../../src/build/service-bundler';

// A service of two functions: `a` imports a module of its own and one it shares with `b`.
const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'svc', private: true }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true } }),
  'src/shared.ts': "export const greet = (name: string) => 'hello ' + name;\n",
  'src/only-a.ts': "export const extra = () => 'a'.repeat(2);\n",
  'src/handlers/a.ts':
    "import { extra } from '../only-a';\nimport { greet } from '../shared';\nexport const handler = async () => greet('a') + extra();\n",
  'src/handlers/b.ts': "import { greet } from '../shared';\nexport const handler = async () => greet('b');\n",
};

const PLAN: LocalBundlePlan = {
  bundler: 'local-stage',
  buildDirDepth: 2,
  esbuild: {
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    platform: 'node',
    format: 'cjs',
  },
  artifacts: [
    { name: 'a.zip', functions: ['a'], entries: ['src/handlers/a.ts'] },
    { name: 'b.zip', functions: ['b'], entries: ['src/handlers/b.ts'] },
  ],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'service-bundler-'));
  for (const [file, content] of Object.entries(FILES)) write(file, content);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}

function bundle(only?: string[]): Promise<Map<string, BuiltArtifact>> {
  // A fresh FileDigests each time, as after a restart: what is reused comes from the index on disk.
  return bundleService(dir, PLAN, { digests: new FileDigests(), esbuild, only: only && new Set(only) });
}

function artifact(built: Map<string, BuiltArtifact>, name: string): BuiltArtifact {
  const found = built.get(name);
  if (!found) throw new Error(`${name} was not bundled`);
  return found;
}

describe('bundleService', () => {
  it('writes each zip’s files into a task root two levels below the service, its map pointing at the sources', async () => {
    const a = artifact(await bundle(), 'a.zip');
    expect(path.relative(dir, a.taskRoot)).toMatch(/^\.local-stage\/a-[0-9a-f]{16}$/);
    expect(readdirSync(path.join(a.taskRoot, 'src/handlers')).sort()).toEqual(['a.js', 'a.js.map']);
    const map = JSON.parse(readFileSync(path.join(a.taskRoot, 'src/handlers/a.js.map'), 'utf8'));
    const sources = map.sources.map((source: string) => path.resolve(a.taskRoot, 'src/handlers', source));
    expect(sources.sort()).toEqual(
      ['src/handlers/a.ts', 'src/only-a.ts', 'src/shared.ts'].map((f) => path.join(dir, f)),
    );
  });

  it("records the bundle's inputs: its sources and the package.json and tsconfig.json esbuild read", async () => {
    const a = artifact(await bundle(), 'a.zip');
    expect(a.inputs.map((input) => path.relative(dir, input)).sort()).toEqual([
      'package.json',
      'src/handlers/a.ts',
      'src/only-a.ts',
      'src/shared.ts',
      'tsconfig.json',
    ]);
  });

  it('reuses every bundle whose inputs are unchanged', async () => {
    const first = await bundle();
    const again = await bundle();
    for (const name of ['a.zip', 'b.zip']) {
      expect(artifact(again, name)).toMatchObject({ reused: true, taskRoot: artifact(first, name).taskRoot });
    }
  });

  it('rebuilds only the bundle that contains a changed file, and every bundle that shares one', async () => {
    const first = await bundle();
    write('src/only-a.ts', "export const extra = () => 'a'.repeat(3);\n");
    const afterOwn = await bundle();
    expect(artifact(afterOwn, 'a.zip').reused).toBe(false);
    expect(artifact(afterOwn, 'a.zip').taskRoot).not.toBe(artifact(first, 'a.zip').taskRoot);
    expect(artifact(afterOwn, 'b.zip')).toMatchObject({
      reused: true,
      taskRoot: artifact(first, 'b.zip').taskRoot,
    });

    write('src/shared.ts', "export const greet = (name: string) => 'hi ' + name;\n");
    const afterShared = await bundle();
    expect(artifact(afterShared, 'a.zip').reused).toBe(false);
    expect(artifact(afterShared, 'b.zip').reused).toBe(false);
  });

  it('rebuilds a bundle whose inputs changed without changing its output into the same task root', async () => {
    const first = await bundle();
    write('src/shared.ts', `${FILES['src/shared.ts']?.trimEnd()} // a comment the minifier drops\n`);
    const rebuilt = artifact(await bundle(), 'b.zip');
    expect(rebuilt.reused).toBe(false);
    expect(rebuilt.taskRoot).toBe(artifact(first, 'b.zip').taskRoot);
  });

  it('bundles only the artifacts asked for', async () => {
    expect([...(await bundle(['b.zip'])).keys()]).toEqual(['b.zip']);
  });

  it("fails with esbuild's own message, leaving the last good bundle in place and reusable", async () => {
    const good = await bundle();
    write('src/only-a.ts', 'export const extra = ;\n');
    const failure = bundle().catch((error: unknown) => error);
    await expect(failure).resolves.toBeInstanceOf(BuildError);
    await expect(failure).resolves.toMatchObject({ details: expect.stringMatching(/src\/only-a\.ts:1:\d+/) });
    expect(existsSync(artifact(good, 'a.zip').taskRoot)).toBe(true);
    write('src/only-a.ts', FILES['src/only-a.ts'] ?? '');
    expect(artifact(await bundle(), 'a.zip')).toMatchObject({
      reused: true,
      taskRoot: artifact(good, 'a.zip').taskRoot,
    });
  });
});

describe('bundleServices', () => {
  // Two copies of the same layout: services bundled together in one, each alone in the other.
  let together: string;
  let alone: string;
  beforeEach(() => {
    together = path.join(dir, 'together');
    alone = path.join(dir, 'alone');
    for (const root of [together, alone]) {
      for (const service of ['one', 'two']) {
        for (const [file, content] of Object.entries(FILES)) writeAt(path.join(root, service, file), content);
      }
      // A package both import, with a legal comment esbuild moves to the end under the package's path.
      writeAt(path.join(root, 'node_modules/licensed/package.json'), JSON.stringify({ name: 'licensed' }));
      writeAt(
        path.join(root, 'node_modules/licensed/index.js'),
        '/*! licensed: MIT */\nexports.mark = "!";\n',
      );
      for (const service of ['one', 'two'])
        writeAt(
          path.join(root, service, 'src/shared.ts'),
          "import { mark } from 'licensed';\nexport const greet = (name: string) => 'hello ' + name + mark;\n",
        );
    }
  });

  function writeAt(file: string, content: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }

  /** esbuild, counting its build calls. */
  function countingEsbuild(): EsbuildApi & { calls: number } {
    const counting = {
      calls: 0,
      version: esbuild.version,
      formatMessagesSync: esbuild.formatMessagesSync,
      build: ((options: esbuild.BuildOptions) => {
        counting.calls += 1;
        return esbuild.build(options);
      }) as EsbuildApi['build'],
    };
    return counting;
  }

  async function bundleBoth(plan: LocalBundlePlan = PLAN) {
    const counting = countingEsbuild();
    const bundling = bundleServices(
      ['one', 'two'].map((service) => ({ dir: path.join(together, service), plan })),
      { digests: new FileDigests(), esbuild: counting },
    );
    const settled = await Promise.allSettled([...bundling.values()]);
    return { counting, settled, bundling };
  }

  /** Every file of every bundle of a service, by zip and path, with its bytes. */
  function filesOf(built: Map<string, BuiltArtifact>): Record<string, string> {
    const files: Record<string, string> = {};
    for (const artifact of built.values()) {
      for (const entry of readdirSync(artifact.taskRoot, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = path.join(entry.parentPath, entry.name);
        files[`${path.basename(artifact.taskRoot)}/${path.relative(artifact.taskRoot, file)}`] =
          readFileSync(file).toString('base64');
      }
    }
    return files;
  }

  async function builtAlone(service: string): Promise<Map<string, BuiltArtifact>> {
    return bundleService(path.join(alone, service), PLAN, { digests: new FileDigests(), esbuild });
  }

  it('builds services of the same options in one esbuild call, every file byte for byte as built alone', async () => {
    const { counting, bundling } = await bundleBoth();
    expect(counting.calls).toBe(1);
    for (const service of ['one', 'two']) {
      const built = await bundling.get(path.join(together, service));
      if (!built) throw new Error(`${service} was not bundled`);
      const own = await builtAlone(service);
      expect(Object.keys(filesOf(built)).length).toBe(4);
      expect(filesOf(built)).toEqual(filesOf(own));
      const relative = (artifacts: Map<string, BuiltArtifact>, root: string) =>
        artifact(artifacts, 'a.zip')
          .inputs.map((input) => path.relative(path.join(root, service), input))
          .sort();
      expect(relative(built, together)).toEqual(relative(own, alone));
    }
  });

  it('builds a service alone when a legal comment in its own sources would be headed by a path', async () => {
    for (const root of [together, alone])
      writeAt(
        path.join(root, 'two/src/only-a.ts'),
        "/*! two's own notice */\nexport const extra = () => 'a';\n",
      );
    const { counting, bundling } = await bundleBoth();
    expect(counting.calls).toBe(2);
    const built = await bundling.get(path.join(together, 'two'));
    if (!built) throw new Error('two was not bundled');
    expect(filesOf(built)).toEqual(filesOf(await builtAlone('two')));
  });

  it("fails only the service that does not build, with esbuild's message naming its own file", async () => {
    writeAt(path.join(together, 'two/src/only-a.ts'), 'export const extra = ;\n');
    const { settled } = await bundleBoth();
    expect(settled[0]?.status).toBe('fulfilled');
    const failed = settled[1];
    expect(failed?.status).toBe('rejected');
    const error = failed?.status === 'rejected' ? failed.reason : undefined;
    expect(error).toBeInstanceOf(BuildError);
    expect(error).toMatchObject({ details: expect.stringMatching(/^[^\n]*src\/only-a\.ts:1:\d+/m) });
    expect(error.details).not.toMatch(/two\/src/);
  });

  it('builds each service alone when an option names a path, which esbuild reads from its working folder', async () => {
    const { counting, settled } = await bundleBoth({
      ...PLAN,
      esbuild: { ...PLAN.esbuild, tsconfig: 'tsconfig.json' },
    });
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(counting.calls).toBe(2);
  });
});
