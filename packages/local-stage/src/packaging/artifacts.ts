import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HASH_FILE = '.package-hash';
const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';

/** The `.serverless` folder `serverless package` writes a service's template and zips to. */
export function packageDir(serviceDir: string): string {
  return path.join(serviceDir, '.serverless');
}

/** The inputs digest stored by the last successful package, if any. */
export function readStoredHash(serviceDir: string): string | undefined {
  const file = path.join(packageDir(serviceDir), HASH_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

export function writeStoredHash(serviceDir: string, hash: string): void {
  mkdirSync(packageDir(serviceDir), { recursive: true });
  writeFileSync(path.join(packageDir(serviceDir), HASH_FILE), `${hash}\n`);
}

export function removeStoredHash(serviceDir: string): void {
  rmSync(path.join(packageDir(serviceDir), HASH_FILE), { force: true });
}

/**
 * True when the compiled template exists and so does every zip its Lambda functions name
 * (`Code.S3Key` ends with the artifact's file name), so a reused package is a complete one.
 *
 * @example
 * if (!hasCompleteArtifacts('/repo/services/users')) repackage();
 */
export function hasCompleteArtifacts(serviceDir: string): boolean {
  const template = path.join(packageDir(serviceDir), TEMPLATE_FILE);
  if (!existsSync(template)) return false;
  const zips = lambdaArtifacts(readFileSync(template, 'utf8'));
  return zips?.every((zip) => existsSync(path.join(packageDir(serviceDir), zip))) ?? false;
}

interface Template {
  Resources?: Record<string, { Type?: string; Properties?: { Code?: { S3Key?: unknown } } }>;
}

// undefined when the template cannot be read: a half-written file must not count as a package.
function lambdaArtifacts(templateText: string): string[] | undefined {
  let template: Template;
  try {
    template = JSON.parse(templateText) as Template;
  } catch {
    return undefined;
  }
  return Object.values(template.Resources ?? {})
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => resource.Properties?.Code?.S3Key)
    .filter((key): key is string => typeof key === 'string')
    .map((key) => path.posix.basename(key));
}
