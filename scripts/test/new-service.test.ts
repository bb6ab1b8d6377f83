// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml text, in Serverless's ${…} syntax
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findServices } from '../../packages/local-stage/src/packaging';
import { UsageError } from '../lib/cli-args';
import { pascalCase, scaffoldService } from '../lib/new-service';

const TEMPLATE = path.resolve(__dirname, '../templates/new-service');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'new-service-'));
  mkdirSync(path.join(root, 'services'));
  writeFileSync(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({ files: [], references: [{ path: 'packages/x' }] }),
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (file: string) => readFileSync(path.join(root, 'services/payment-links', file), 'utf8');

describe('scaffoldService', () => {
  it('creates the service from the template with its name everywhere and no placeholder left', () => {
    scaffoldService('payment-links', root, TEMPLATE);

    expect(findServices(root)).toEqual([
      { name: 'payment-links', dir: path.join(root, 'services/payment-links') },
    ]);
    expect(JSON.parse(read('package.json')).name).toBe('@internal-apis/payment-links');
    expect(read('serverless.yml')).toContain('PaymentLinksUrlParameter:');
    expect(read('serverless.yml')).toContain('path: payment-links/ping');
    expect(read('src/handlers/ping.ts')).toContain("'GET /payment-links/ping'");
    for (const file of [
      'serverless.yml',
      'package.json',
      'tsconfig.json',
      'src/handlers/ping.ts',
      'test/unit/ping.test.ts',
      'test/integration/ping.test.ts',
    ]) {
      expect(read(file)).not.toMatch(/__SERVICE/);
    }
  });

  it('follows the deploy conventions: per-function zips, conventions plugin, access logs, table protection', () => {
    scaffoldService('payment-links', root, TEMPLATE);
    const yml = read('serverless.yml');
    expect(yml).toMatch(/^package: \$\{file\(\.\.\/\.\.\/serverless-common\.yml\):package\}$/m);
    expect(yml).toContain('  - "@internal-apis/serverless-conventions"');
    expect(yml).toContain('  conventions: ${file(../../serverless-common.yml):conventions}');
    expect(yml).toContain('  logs: ${file(../../serverless-common.yml):logs}');
    expect(yml).not.toMatch(/arn:aws:/);
  });

  it('tests its endpoint as a permitted and as a refused principal on the stage', () => {
    scaffoldService('payment-links', root, TEMPLATE);
    const test = read('test/integration/ping.test.ts');
    expect(test).toContain("await signedClientFor('payment-links')");
    expect(test).toContain("signedClientFor('payment-links', { as: { service: 'payment-links' } })");
    expect(test).toContain("errorType: 'AccessDeniedException'");
  });

  it('declares every endpoint of the template with authorizer: aws_iam', () => {
    scaffoldService('payment-links', root, TEMPLATE);
    const yml = read('serverless.yml');
    expect(yml.match(/^\s+- http:/gm)?.length).toBe(yml.match(/^\s+authorizer: aws_iam$/gm)?.length);
  });

  it('references the new project from the root tsconfig.json once', () => {
    scaffoldService('payment-links', root, TEMPLATE);
    const { references } = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
    expect(references).toEqual([{ path: 'packages/x' }, { path: 'services/payment-links' }]);
  });

  it.each([['Payments'], ['1payments'], ['pay_ments'], ['a-very-long-service-name-for-iam'], ['']])(
    'refuses the name "%s"',
    (name) => {
      expect(() => scaffoldService(name, root, TEMPLATE)).toThrow(UsageError);
      expect(existsSync(path.join(root, 'services', name || 'x'))).toBe(false);
    },
  );

  it('refuses to overwrite an existing service', () => {
    scaffoldService('payment-links', root, TEMPLATE);
    expect(() => scaffoldService('payment-links', root, TEMPLATE)).toThrow(
      'services/payment-links already exists',
    );
  });
});

describe('pascalCase', () => {
  it('joins hyphenated words for CloudFormation logical ids', () => {
    expect(pascalCase('payment-links')).toBe('PaymentLinks');
    expect(pascalCase('users')).toBe('Users');
  });
});
