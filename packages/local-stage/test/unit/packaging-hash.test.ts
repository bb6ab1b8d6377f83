import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findServices, inputsHash, type ServiceDir, workspaceDependencyDirs } from '../../src/packaging';

/** A small repository: services alpha → @fx/lib-a → @fx/lib-b, beta → alpha, and an unrelated lib-c. */
function fixtureRepo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'packaging-hash-'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ workspaces: ['packages/*', 'services/*'] }),
    'package-lock.json': '{"lockfileVersion":3}',
    'serverless-common.yml': 'provider:\n  runtime: nodejs22.x\n',
    'packages/lib-a/package.json': JSON.stringify({ name: '@fx/lib-a', dependencies: { '@fx/lib-b': '*' } }),
    'packages/lib-a/src/index.ts': 'export const a = 1;\n',
    'packages/lib-b/package.json': JSON.stringify({ name: '@fx/lib-b', dependencies: { zod: '*' } }),
    'packages/lib-b/src/deep/b.ts': 'export const b = 1;\n',
    'packages/lib-c/package.json': JSON.stringify({ name: '@fx/lib-c' }),
    'packages/lib-c/src/index.ts': 'export const c = 1;\n',
    'services/alpha/serverless.yml': 'service: alpha # the first\nprovider:\n  name: aws\n',
    'services/alpha/package.json': JSON.stringify({ name: '@fx/alpha', dependencies: { '@fx/lib-a': '*' } }),
    'services/alpha/src/handlers/get.ts': 'export const handler = 1;\n',
    'services/beta/serverless.yml': "service: 'beta'\n",
    'services/beta/package.json': JSON.stringify({ name: '@fx/beta', dependencies: { '@fx/alpha': '*' } }),
    'services/beta/src/index.ts': 'export {};\n',
    'services/not-a-service/README.md': 'no serverless.yml here\n',
  };
  for (const [file, content] of Object.entries(files)) write(root, file, content);
  return root;
}

function write(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

let root: string;
let alpha: ServiceDir;
beforeEach(() => {
  root = fixtureRepo();
  alpha = { name: 'alpha', dir: path.join(root, 'services/alpha') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findServices', () => {
  it('lists each services/* folder with a serverless.yml, named by its `service:` line', () => {
    expect(findServices(root)).toEqual([
      { name: 'alpha', dir: path.join(root, 'services/alpha') },
      { name: 'beta', dir: path.join(root, 'services/beta') },
    ]);
  });

  it('refuses a serverless.yml without a service name', () => {
    write(root, 'services/gamma/serverless.yml', 'provider:\n  name: aws\n');
    expect(() => findServices(root)).toThrow(/services\/gamma\/serverless.yml has no top-level "service/);
  });
});

describe('workspaceDependencyDirs', () => {
  it('follows workspace dependencies transitively and ignores registry packages', () => {
    expect(workspaceDependencyDirs(path.join(root, 'services/beta'), root)).toEqual(
      ['packages/lib-a', 'packages/lib-b', 'services/alpha'].map((dir) => path.join(root, dir)),
    );
  });
});

describe('inputsHash', () => {
  it('is stable while nothing changes', () => {
    expect(inputsHash(alpha, root, 'local')).toBe(inputsHash(alpha, root, 'local'));
  });

  it.each([
    ['a source file of the service', 'services/alpha/src/handlers/get.ts'],
    ['its serverless.yml', 'services/alpha/serverless.yml'],
    ['its package.json', 'services/alpha/package.json'],
    ['serverless-common.yml', 'serverless-common.yml'],
    ['a source of a direct workspace dependency', 'packages/lib-a/src/index.ts'],
    ['a source of a transitive workspace dependency', 'packages/lib-b/src/deep/b.ts'],
    ['the lock file', 'package-lock.json'],
  ])('changes when %s changes', (_label, file) => {
    const before = inputsHash(alpha, root, 'local');
    write(root, file, file.endsWith('.json') ? '{"edited":true}' : '# edited\n');
    expect(inputsHash(alpha, root, 'local')).not.toBe(before);
  });

  it('changes when a source file is added or renamed', () => {
    const before = inputsHash(alpha, root, 'local');
    write(root, 'services/alpha/src/new.ts', 'export {};\n');
    const added = inputsHash(alpha, root, 'local');
    rmSync(path.join(root, 'services/alpha/src/new.ts'));
    write(root, 'services/alpha/src/renamed.ts', 'export {};\n');

    expect(added).not.toBe(before);
    expect(inputsHash(alpha, root, 'local')).not.toBe(added);
  });

  it('ignores packages the service does not depend on, and files outside src', () => {
    const before = inputsHash(alpha, root, 'local');
    write(root, 'packages/lib-c/src/index.ts', 'export const c = 2;\n');
    write(root, 'services/alpha/test/unit/get.test.ts', 'test.todo("x");\n');
    write(root, 'services/alpha/.serverless/alpha.zip', 'zip');
    expect(inputsHash(alpha, root, 'local')).toBe(before);
  });

  it('differs between stages', () => {
    expect(inputsHash(alpha, root, 'local')).not.toBe(inputsHash(alpha, root, 'ci'));
  });
});
