import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FileDigests } from '../build/file-digests';
import { LOCAL_BUILD_DIR } from '../build/task-roots';

/** Bumped when the compiler's own behaviour changes, so templates it compiled before are not reused. */
const COMPILER_VERSION = '1';
const COMPILER_FILES = ['compile-process.js', 'bundle-plan-plugin.js'].map((file) =>
  path.join(__dirname, file),
);

export interface TemplateInputs {
  /** Absolute paths of the files the compiled template depends on, the missing ones included. */
  files: string[];
  /** Environment variables the configuration reads with `${env:…}`, with their values now. */
  environment: Record<string, string | undefined>;
  /** Digest of all of it, the stage and region, and the framework's and plugins' versions. */
  key: string;
}

/**
 * Where the template compiled from inputs with this key is kept: beside the service's bundles.
 *
 * @example
 * compiledTemplateDir('/repo/services/users', 'local', 'c0ffee…'); // '/repo/services/users/.local-stage/template-local-c0ffee…'
 */
export function compiledTemplateDir(serviceDir: string, stage: string, key: string): string {
  return path.join(serviceDir, LOCAL_BUILD_DIR, `template-${stage}-${key.slice(0, 16)}`);
}

const FILE_VARIABLE = /\$\{file\(([^)~]+?)\)/g;
const ENV_VARIABLE = /(?:\$\{|,)\s*env:([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * What `serverless package` reads to compile a service's template, and a digest of it: its
 * serverless.yml, every file that pulls in with `${file(…)}` (and so on, transitively), its
 * package.json and `.env` files, the variables read with `${env:…}`, the installed framework and each
 * listed plugin's package.json, the stage and the region. Equal keys mean the compiled template can be
 * reused; the bundles have keys of their own (bundle-cache.ts).
 *
 * @example
 * templateInputs('/repo/services/users', { stage: 'local' }).key; // 'c0ffee…'
 */
export function templateInputs(
  serviceDir: string,
  options: { stage: string; region?: string; frameworkDir?: string; digests?: FileDigests },
): TemplateInputs {
  const digests = options.digests ?? new FileDigests();
  const files = new Set<string>();
  const environment: Record<string, string | undefined> = {};
  const serviceYmlFile = path.join(serviceDir, 'serverless.yml');
  let serviceYml = '';
  const pending = [serviceYmlFile];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const text = readText(file);
    if (text === undefined) continue;
    if (file === serviceYmlFile) serviceYml = text;
    for (const [, reference] of text.matchAll(FILE_VARIABLE)) {
      // `${file(../x.yml):key}`: the path is relative to the service folder, as the framework reads it.
      const target = reference?.split(':')[0]?.trim();
      if (target && !target.includes('${')) pending.push(path.resolve(serviceDir, target));
    }
    for (const [, name] of text.matchAll(ENV_VARIABLE)) if (name) environment[name] = process.env[name];
  }
  files.add(path.join(serviceDir, 'package.json'));
  for (const dotenv of dotenvFiles(serviceDir)) files.add(dotenv);
  for (const plugin of listedPlugins(serviceYml)) {
    const manifest = resolveManifest(plugin, serviceDir);
    files.add(manifest ?? path.join(serviceDir, 'node_modules', plugin, 'package.json'));
    // A plugin of the repository's own (a workspace package) changes without a new version.
    if (manifest && !manifest.split(path.sep).includes('node_modules')) {
      for (const source of pluginSources(path.dirname(manifest))) files.add(source);
    }
  }
  if (options.frameworkDir) files.add(path.join(options.frameworkDir, 'package.json'));
  for (const file of COMPILER_FILES) files.add(file);
  const sorted = [...files].sort();
  const hash = createHash('sha256');
  hash.update(`compiler ${COMPILER_VERSION}\0stage ${options.stage}\0region ${options.region ?? ''}\0`);
  for (const file of sorted) hash.update(`${path.relative(serviceDir, file)}\0${digests.of(file)}\0`);
  for (const [name, value] of Object.entries(environment).sort()) hash.update(`env ${name}=${value ?? ''}\0`);
  return { files: sorted, environment, key: hash.digest('hex') };
}

/**
 * The plugins a serverless.yml lists, as plain names: the `plugins:` list, or its `modules:` when it
 * is written as an object.
 *
 * @example
 * listedPlugins('plugins:\n  - serverless-esbuild\n'); // ['serverless-esbuild']
 */
export function listedPlugins(serverlessYml: string): string[] {
  const block = /^plugins:[^\n]*\n((?:[ \t]+[^\n]*\n|[ \t]*#[^\n]*\n|[ \t]*\n)*)/m.exec(
    `${serverlessYml}\n`,
  )?.[1];
  if (!block) return [];
  return [...block.matchAll(/^[ \t]+-[ \t]*['"]?([^'"#\s]+)/gm)]
    .map((match) => match[1])
    .filter((name): name is string => Boolean(name) && !name?.startsWith('./'));
}

/** The files of a plugin kept in the repository, without its tests and installed dependencies. */
function pluginSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'test', 'dist'].includes(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pluginSources(full);
    return entry.isFile() ? [full] : [];
  });
}

function dotenvFiles(serviceDir: string): string[] {
  return readdirSync(serviceDir)
    .filter((name) => name === '.env' || name.startsWith('.env.'))
    .map((name) => path.join(serviceDir, name));
}

function resolveManifest(plugin: string, serviceDir: string): string | undefined {
  try {
    return require.resolve(`${plugin}/package.json`, { paths: [serviceDir] });
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
