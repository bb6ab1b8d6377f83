import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listedPlugins, templateInputs } from '../../src/packaging/template-inputs';

let root: string;
let service: string;
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: serverless variables, not template literals
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'template-inputs-'));
  service = path.join(root, 'services/svc');
  write('common.yml', 'provider:\n  runtime: nodejs22.x\nmore: ${file(../../more.yml)}\n');
  write('more.yml', 'x: 1\n');
  write(
    'services/svc/serverless.yml',
    [
      'service: svc',
      'plugins:',
      '  - serverless-esbuild',
      'provider:',
      '  runtime: ${file(../../common.yml):provider.runtime}',
      '  stage: ${opt:stage, env:TEMPLATE_INPUTS_STAGE, "dev"}',
      '',
    ].join('\n'),
  );
  write('services/svc/package.json', '{"name":"svc"}');
  write('services/svc/src/handler.ts', 'export const handler = 1;\n');
});
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: serverless variables, not template literals
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

const keyOf = (stage = 'local') => templateInputs(service, { stage }).key;

describe('templateInputs', () => {
  // Paths in ${file(…)} are relative to the service folder, wherever the variable is written.
  it('lists serverless.yml, the files it pulls in (transitively), package.json and the plugins', () => {
    const { files } = templateInputs(service, { stage: 'local' });
    const relative = files.map((file) => path.relative(root, file));
    expect(relative).toEqual(
      expect.arrayContaining([
        'services/svc/serverless.yml',
        'common.yml',
        'more.yml',
        'services/svc/package.json',
        'services/svc/node_modules/serverless-esbuild/package.json',
      ]),
    );
    expect(relative).not.toContain('services/svc/src/handler.ts');
  });

  it.each([
    ['serverless.yml', 'services/svc/serverless.yml', 'service: svc\n'],
    ['a file it pulls in', 'common.yml', 'provider:\n  runtime: nodejs20.x\n'],
    ['a file pulled in by that one', 'more.yml', 'x: 2\n'],
    ['package.json', 'services/svc/package.json', '{"name":"svc2"}'],
    ['a .env file', 'services/svc/.env', 'A=1\n'],
  ])('changes when %s changes', (_what, file, content) => {
    const before = keyOf();
    write(file, content);
    expect(keyOf()).not.toBe(before);
  });

  it('changes with the stage and with the environment variables the configuration reads', () => {
    const before = keyOf();
    expect(keyOf('ci')).not.toBe(before);
    process.env.TEMPLATE_INPUTS_STAGE = 'other';
    try {
      expect(keyOf()).not.toBe(before);
    } finally {
      delete process.env.TEMPLATE_INPUTS_STAGE;
    }
  });

  it('changes when the source of a plugin kept in the repository changes, not only its package.json', () => {
    write('packages/conventions/package.json', '{"name":"conventions","main":"src/plugin.js"}');
    write('packages/conventions/src/plugin.js', 'module.exports = class {};\n');
    mkdirSync(path.join(service, 'node_modules'), { recursive: true });
    symlinkSync(path.join(root, 'packages/conventions'), path.join(service, 'node_modules/conventions'));
    write('services/svc/serverless.yml', 'service: svc\nplugins:\n  - conventions\n');
    const before = keyOf();

    write('packages/conventions/src/plugin.js', 'module.exports = class { hooks = {} };\n');

    expect(keyOf()).not.toBe(before);
  });

  it('stays the same when only code changes: the bundles have keys of their own', () => {
    const before = keyOf();
    write('services/svc/src/handler.ts', 'export const handler = 2;\n');
    expect(keyOf()).toBe(before);
  });
});

describe('listedPlugins', () => {
  it('reads the plugins list, quoted or not, with comments, and the modules of the object form', () => {
    expect(
      listedPlugins(
        "plugins:\n  # bundling\n  - serverless-esbuild\n  - 'serverless-offline'\nprovider: {}\n",
      ),
    ).toEqual(['serverless-esbuild', 'serverless-offline']);
    expect(listedPlugins('plugins:\n  localPath: ./p\n  modules:\n    - serverless-esbuild\n')).toEqual([
      'serverless-esbuild',
    ]);
    expect(listedPlugins('plugins:\n  - ./local-plugin\n')).toEqual([]);
    expect(listedPlugins('service: x\n')).toEqual([]);
  });
});
