import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BundlePlan, bundlePlanSchema } from '../../src/build/bundle-plan';

// Plain JavaScript run by the template compiler; typed here by the schema it must satisfy.
const { planFor } = require('../../src/packaging/bundle-plan-plugin.js') as {
  planFor: (serverless: { serviceDir: string; service: unknown }) => unknown;
};

let serviceDir: string;
beforeAll(() => {
  serviceDir = mkdtempSync(path.join(tmpdir(), 'bundle-plan-'));
  for (const file of ['src/handlers/a.ts', 'src/handlers/b.js', 'src/c/index.ts', 'src/d.tsx']) {
    mkdirSync(path.dirname(path.join(serviceDir, file)), { recursive: true });
    writeFileSync(path.join(serviceDir, file), 'export const handler = () => 1;\n');
  }
});
afterAll(() => rmSync(serviceDir, { recursive: true, force: true }));

interface ServiceConfig {
  service?: string;
  provider?: Record<string, unknown>;
  custom?: Record<string, unknown>;
  package?: Record<string, unknown>;
  functions?: Record<string, Record<string, unknown>>;
}

function plan(config: ServiceConfig): BundlePlan {
  const service = {
    service: 'svc',
    provider: { name: 'aws', runtime: 'nodejs22.x' },
    package: { individually: true },
    functions: { a: { handler: 'src/handlers/a.handler' } },
    ...config,
  };
  return bundlePlanSchema.parse(planFor({ serviceDir, service }));
}

function localPlan(config: ServiceConfig) {
  const result = plan(config);
  if (result.bundler !== 'local-stage') throw new Error(`not bundled locally: ${JSON.stringify(result)}`);
  return result;
}

describe('planFor: the esbuild options serverless-esbuild would pass', () => {
  it("applies serverless-esbuild's defaults, with the target of the provider's runtime", () => {
    expect(localPlan({}).esbuild).toEqual({
      bundle: true,
      target: 'node22',
      external: ['aws-sdk'],
      platform: 'node',
    });
  });

  it('puts custom.esbuild over the defaults, lists replaced, and drops the options only the plugin reads', () => {
    const { esbuild } = localPlan({
      custom: {
        esbuild: {
          minify: true,
          target: 'node20',
          exclude: ['pg-native'],
          external: ['pg-native'],
          mainFields: ['module', 'main'],
          banner: { js: '// hi' },
          packager: 'npm',
          concurrency: 4,
          keepNames: true,
        },
      },
    });
    // external then exclude, as serverless-esbuild concatenates them (excluded: left to the runtime).
    expect(esbuild).toEqual({
      bundle: true,
      target: 'node20',
      external: ['pg-native', 'pg-native'],
      platform: 'node',
      minify: true,
      mainFields: ['module', 'main'],
      banner: { js: '// hi' },
      keepNames: true,
    });
  });

  it('turns outputFileExtension into esbuild outExtension', () => {
    expect(localPlan({ custom: { esbuild: { outputFileExtension: '.cjs' } } }).esbuild.outExtension).toEqual({
      '.js': '.cjs',
    });
  });
});

describe('planFor: entries and zips', () => {
  const functions = {
    a: { handler: 'src/handlers/a.handler' },
    b: { handler: 'src/handlers/b.main' },
    c: { handler: 'src/c.handler' },
    d: { handler: 'src/d.handler' },
    skipped: { handler: 'src/handlers/a.other', skipEsbuild: true },
    python: { handler: 'app.handler', runtime: 'python3.12' },
    image: { image: 'repo@sha256:abc' },
  };

  it('finds each handler module with the first extension that exists, or its folder index', () => {
    expect(localPlan({ functions }).artifacts).toEqual([
      { name: 'a.zip', functions: ['a'], entries: ['src/handlers/a.ts'] },
      { name: 'b.zip', functions: ['b'], entries: ['src/handlers/b.js'] },
      { name: 'c.zip', functions: ['c'], entries: ['src/c/index.ts'] },
      { name: 'd.zip', functions: ['d'], entries: ['src/d.tsx'] },
    ]);
  });

  it('puts every bundle in one zip named after the service when functions are not packaged individually', () => {
    expect(localPlan({ functions, package: {} }).artifacts).toEqual([
      {
        name: 'svc.zip',
        functions: ['a', 'b', 'c', 'd'],
        entries: ['src/handlers/a.ts', 'src/handlers/b.js', 'src/c/index.ts', 'src/d.tsx'],
      },
    ]);
  });

  it('names the build folder depth, which the source maps are relative to', () => {
    expect(localPlan({}).buildDirDepth).toBe(2);
    expect(
      localPlan({ custom: { esbuild: { outputWorkFolder: 'a/b', outputBuildFolder: 'c' } } }).buildDirDepth,
    ).toBe(3);
  });

  it('fails like serverless-esbuild for a handler whose module does not exist', () => {
    expect(() => plan({ functions: { gone: { handler: 'src/gone.handler' } } })).toThrow(
      /Compilation failed for function alias gone/,
    );
  });
});

describe('planFor: what only serverless-esbuild can package', () => {
  it.each([
    ['a JS config file', { custom: { esbuild: { config: './esbuild.config.js' } } }, 'custom.esbuild.config'],
    ['esbuild plugins', { custom: { esbuild: { plugins: './plugins.js' } } }, 'esbuild plugins'],
    ['skipBuild', { custom: { esbuild: { skipBuild: true } } }, 'skipBuild'],
    [
      'externals installed into the zip',
      { custom: { esbuild: { external: ['sharp'], exclude: [] } } },
      'sharp',
    ],
    ['extra files', { package: { individually: true, patterns: ['static/**'] } }, 'package.patterns'],
    [
      'a shallow build folder',
      { custom: { esbuild: { outputWorkFolder: '.', outputBuildFolder: 'out' } } },
      'two levels',
    ],
  ])('hands %s to serverless-esbuild', (_what, config, reason) => {
    const result = plan(config as ServiceConfig);
    expect(result.bundler).toBe('serverless-esbuild');
    expect(result.bundler === 'serverless-esbuild' && result.reason).toContain(reason);
  });

  it('bundles locally when every external is excluded from the zip anyway', () => {
    expect(plan({ custom: { esbuild: { external: ['aws-sdk'], exclude: ['aws-sdk'] } } }).bundler).toBe(
      'local-stage',
    );
  });
});
