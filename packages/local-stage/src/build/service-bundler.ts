import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Esbuild from 'esbuild';
import { LocalStageError } from '../errors';
import { BundleIndex } from './bundle-index';
import type { LocalBundlePlan, PlannedArtifact } from './bundle-plan';
import type { FileDigests } from './file-digests';
import { resolutionFiles } from './resolution-files';
import {
  type ArtifactFiles,
  digestOfFiles,
  LOCAL_BUILD_DIR,
  pruneTaskRoots,
  taskRootExists,
  taskRootOf,
  writeTaskRoot,
} from './task-roots';

export type EsbuildApi = Pick<typeof Esbuild, 'build' | 'formatMessagesSync' | 'version'>;

/** A function's code as the stage runs it: an unpacked zip, built or reused. */
export interface BuiltArtifact {
  /** The zip's file name in the template, e.g. `getUser.zip`. */
  name: string;
  functions: string[];
  taskRoot: string;
  /** Every file the bundle depends on (absolute): a change to one of them means a rebuild. */
  inputs: string[];
  reused: boolean;
}

/** esbuild refused to build; the message is esbuild's own, with file, line and column. */
export class BuildError extends LocalStageError {
  constructor(
    readonly serviceDir: string,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`Bundling ${path.basename(serviceDir)} failed:\n${details}`, options);
  }
}

export interface BundleServiceOptions {
  digests: FileDigests;
  /** Only these artifacts (by zip name); all of them by default. */
  only?: Set<string>;
  /** The esbuild module; by default the one serverless-esbuild uses, as the service resolves it. */
  esbuild?: EsbuildApi;
}

// Unpruned bundle folders younger than this may belong to another stage of the same checkout.
const PRUNE_AFTER_MS = 60 * 60 * 1000;

/**
 * Bundles a service's functions as `serverless package` would, with the plan's esbuild options, into
 * task roots (see taskRootOf), reusing every bundle whose inputs are unchanged. Entries in one
 * folder are built by one esbuild call, which parses what they share once; each entry's output is
 * the same as built alone.
 *
 * @throws BuildError when esbuild reports errors; nothing is written then.
 * @example
 * const built = await bundleService('/repo/services/users', plan, { digests: new FileDigests() });
 * built.get('getUser.zip')?.taskRoot; // '/repo/services/users/.local-stage/getUser-1f2e…'
 */
export async function bundleService(
  serviceDir: string,
  plan: LocalBundlePlan,
  options: BundleServiceOptions,
): Promise<Map<string, BuiltArtifact>> {
  return buildAlone(staleBundles(serviceDir, plan, options), options);
}

/** A service to bundle with others (see bundleServices). */
export interface ServiceToBundle {
  dir: string;
  plan: LocalBundlePlan;
}

/**
 * Bundles several services, each as bundleService would, byte for byte. Services whose esbuild
 * options are the same, and say nothing that depends on the working directory, are built by one
 * esbuild call: the modules they share (the AWS SDK, the shared packages) are parsed once instead of
 * once per service. A service whose output could still differ from a build of its own (a legal
 * comment in its own sources, whose heading names the file relative to the working directory), or
 * whose build fails, is built again alone, so its errors are its own and never fail the others.
 *
 * @example
 * const bundling = bundleServices([{ dir: usersDir, plan: usersPlan }, { dir: ordersDir, plan: ordersPlan }], {
 *   digests: new FileDigests(),
 * });
 * const users = await bundling.get(usersDir);
 */
export function bundleServices(
  services: ServiceToBundle[],
  options: Omit<BundleServiceOptions, 'only'>,
): Map<string, Promise<Map<string, BuiltArtifact>>> {
  const bundling = new Map<string, Promise<Map<string, BuiltArtifact>>>();
  const groups = new Map<string, PendingBundles[]>();
  for (const { dir, plan } of services) {
    let pending: PendingBundles;
    try {
      pending = staleBundles(dir, plan, options);
    } catch (error) {
      bundling.set(dir, Promise.reject(error));
      continue;
    }
    const key = pending.stale.length > 0 ? sharedBuildKey(pending) : undefined;
    if (key === undefined) {
      bundling.set(dir, buildAlone(pending, options));
      continue;
    }
    groups.set(key, [...(groups.get(key) ?? []), pending]);
  }
  for (const group of groups.values()) {
    const [only] = group;
    if (group.length === 1 && only) {
      bundling.set(only.dir, buildAlone(only, options));
      continue;
    }
    const together = buildTogether(group).catch(() => new Map<string, Map<string, BuiltEntry>>());
    for (const pending of group) {
      bundling.set(
        pending.dir,
        together.then((built) => {
          const entries = built.get(pending.dir);
          return entries ? finishBundles(pending, entries, options) : buildAlone(pending, options);
        }),
      );
    }
  }
  return bundling;
}

/** A service's bundles looked up in its index: those reused, and those to build. */
interface PendingBundles {
  dir: string;
  plan: LocalBundlePlan;
  esbuild: EsbuildApi;
  index: BundleIndex;
  results: Map<string, BuiltArtifact>;
  stale: PlannedArtifact[];
  /** The entries of the stale bundles, each once. */
  entries: string[];
  /** Wall-clock time before building, with a fraction of a millisecond, as file modification times are. */
  buildStarted: number;
}

function staleBundles(
  serviceDir: string,
  plan: LocalBundlePlan,
  options: BundleServiceOptions,
): PendingBundles {
  const esbuild = options.esbuild ?? loadEsbuild(serviceDir);
  const index = BundleIndex.read(serviceDir);
  const wanted = plan.artifacts.filter((artifact) => !options.only || options.only.has(artifact.name));
  const results = new Map<string, BuiltArtifact>();
  const stale: PlannedArtifact[] = [];
  for (const artifact of wanted) {
    const record = index.find(artifact.name, recipeOf(plan, artifact, esbuild.version), options.digests);
    if (record && taskRootExists(serviceDir, record.taskRoot)) {
      const inputs = Object.keys(record.inputs).map((file) => path.resolve(serviceDir, file));
      results.set(artifact.name, { ...describe(artifact), taskRoot: record.taskRoot, inputs, reused: true });
    } else {
      stale.push(artifact);
    }
  }
  const entries = [...new Set(stale.flatMap((artifact) => artifact.entries))];
  const buildStarted = performance.timeOrigin + performance.now();
  return { dir: serviceDir, plan, esbuild, index, results, stale, entries, buildStarted };
}

async function buildAlone(
  pending: PendingBundles,
  options: BundleServiceOptions,
): Promise<Map<string, BuiltArtifact>> {
  if (pending.stale.length === 0) return pending.results;
  const built = await buildEntries(pending.dir, pending.plan, pending.entries, pending.esbuild);
  return finishBundles(pending, built, options);
}

/** Writes the stale bundles' task roots from their entries' outputs and records them in the index. */
function finishBundles(
  pending: PendingBundles,
  entries: Map<string, BuiltEntry>,
  options: BundleServiceOptions,
): Map<string, BuiltArtifact> {
  const { dir: serviceDir, plan, esbuild, index, results, stale, buildStarted } = pending;
  for (const artifact of stale) {
    const files: ArtifactFiles = new Map();
    const sources = new Set<string>();
    for (const entry of artifact.entries) {
      const built = entries.get(entry);
      for (const [relative, bytes] of built?.files ?? []) files.set(relative, bytes);
      for (const input of built?.inputs ?? []) sources.add(input);
    }
    const digest = digestOfFiles(files);
    const taskRoot = taskRootOf(serviceDir, artifact.name, digest, plan.buildDirDepth);
    writeTaskRoot(serviceDir, taskRoot, files);
    const inputs = [...sources, ...resolutionFiles(sources)];
    index.remember(artifact.name, {
      recipe: recipeOf(plan, artifact, esbuild.version),
      taskRoot,
      digest,
      inputs: Object.fromEntries(
        inputs.map((file) => [
          path.relative(serviceDir, file),
          inputDigest(file, buildStarted, options.digests),
        ]),
      ),
    });
    pruneTaskRoots(serviceDir, artifact.name, new Set([...index.taskRoots(artifact.name), taskRoot]), {
      minAgeMs: PRUNE_AFTER_MS,
    });
    results.set(artifact.name, { ...describe(artifact), taskRoot, inputs, reused: false });
  }
  index.write();
  return results;
}

/**
 * The digest to record for an input of a bundle just built. A digest known from before the build is
 * what the build read or older (the bundle is at worst rebuilt once more); a file first read now and
 * modified since the build began may not be what the build read, so it is recorded as changed.
 */
function inputDigest(file: string, buildStarted: number, digests: FileDigests): string {
  if (digests.knows(file)) return digests.of(file);
  const modified = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return modified > buildStarted ? CHANGED_DURING_BUILD : digests.of(file);
}

/** Matches no digest: the bundle is rebuilt the next time it is checked. */
const CHANGED_DURING_BUILD = 'changed during the build';

function describe(artifact: PlannedArtifact): Pick<BuiltArtifact, 'name' | 'functions'> {
  return { name: artifact.name, functions: artifact.functions };
}

/** Everything about a bundle but its input files. */
function recipeOf(plan: LocalBundlePlan, artifact: PlannedArtifact, esbuildVersion: string): string {
  const recipe = {
    esbuildVersion,
    esbuild: plan.esbuild,
    entries: artifact.entries,
    depth: plan.buildDirDepth,
  };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex');
}

interface BuiltEntry {
  /** Output files by path relative to the build folder. */
  files: ArtifactFiles;
  /** Absolute paths of the inputs the entry reaches. */
  inputs: string[];
}

async function buildEntries(
  serviceDir: string,
  plan: LocalBundlePlan,
  entries: string[],
  esbuild: EsbuildApi,
): Promise<Map<string, BuiltEntry>> {
  const buildDir = buildDirOf(serviceDir, plan);
  const byFolder = new Map<string, string[]>();
  for (const entry of entries) {
    const folder = path.dirname(entry);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), entry]);
  }
  const built = new Map<string, BuiltEntry>();
  await Promise.all(
    [...byFolder].map(async ([folder, folderEntries]) => {
      const result = await runEsbuild(serviceDir, esbuild, {
        logLevel: 'silent',
        ...plan.esbuild,
        // As serverless-esbuild's bundle(): one outdir per entry's folder, the service as working dir.
        entryPoints: folderEntries,
        outdir: path.join(buildDir, folder),
        absWorkingDir: serviceDir,
        metafile: true,
        write: false,
      } as Esbuild.BuildOptions & { write: false; metafile: true });
      for (const [entry, value] of splitByEntry(serviceDir, buildDir, result)) built.set(entry, value);
    }),
  );
  return built;
}

/**
 * Where serverless-esbuild's `.esbuild/.build` would be, as deep below the service; nothing is
 * written there (write: false), the outputs go to task roots of the same depth.
 */
function buildDirOf(serviceDir: string, plan: LocalBundlePlan): string {
  return path.join(
    serviceDir,
    LOCAL_BUILD_DIR,
    'building',
    ...Array.from({ length: plan.buildDirDepth - 2 }, () => '_'),
  );
}

/**
 * esbuild options whose output does not depend on the working directory or on the other entries
 * of the call, as long as whitespace is minified (otherwise each module is headed by a comment with
 * its path relative to the working directory). Anything else (`tsconfig`, `inject`, `alias`,
 * `outbase`, `entryNames`, plugins' options …) and the service is built alone.
 */
const PATH_FREE_OPTIONS = new Set([
  'bundle',
  'target',
  'platform',
  'format',
  'minify',
  'minifyWhitespace',
  'minifyIdentifiers',
  'minifySyntax',
  'sourcemap',
  'sourcesContent',
  'sourceRoot',
  'keepNames',
  'mainFields',
  'conditions',
  'external',
  'packages',
  'define',
  'pure',
  'drop',
  'dropLabels',
  'banner',
  'footer',
  'charset',
  'treeShaking',
  'ignoreAnnotations',
  'legalComments',
  'loader',
  'resolveExtensions',
  'outExtension',
  'supported',
  'lineLimit',
  'logLevel',
  'logLimit',
]);

/**
 * What services built by one esbuild call must share: the same options, all of them free of paths
 * (see PATH_FREE_OPTIONS) and no loader that writes files of its own (`file`, `copy`: their names
 * depend on the entries' common folder). Undefined when the service must be built alone.
 */
function sharedBuildKey(pending: PendingBundles): string | undefined {
  const options = pending.plan.esbuild;
  if (!Object.keys(options).every((name) => PATH_FREE_OPTIONS.has(name))) return undefined;
  if (options.minify !== true && options.minifyWhitespace !== true) return undefined;
  if (
    options.legalComments !== undefined &&
    !['eof', 'inline', 'none'].includes(String(options.legalComments))
  )
    return undefined;
  const loaders = Object.values((options.loader ?? {}) as Record<string, unknown>);
  if (loaders.some((loader) => loader === 'file' || loader === 'copy')) return undefined;
  const external = Array.isArray(options.external) ? options.external : [];
  if (external.some((name) => typeof name !== 'string' || name.startsWith('.') || path.isAbsolute(name)))
    return undefined;
  return JSON.stringify([pending.esbuild.version, pending.plan.buildDirDepth, options]);
}

/**
 * Builds the stale entries of several services in one esbuild call, from their common folder, each
 * entry written where its service's own call would write it. Resolves with each service's entries,
 * leaving out a service whose output might differ from a build of its own: one with a legal comment
 * in a source outside node_modules (the comment's heading names that file relative to the working
 * directory). Rejects when the build fails.
 */
async function buildTogether(group: PendingBundles[]): Promise<Map<string, Map<string, BuiltEntry>>> {
  const [first] = group;
  if (!first) return new Map();
  const root = commonFolder(group.map((pending) => pending.dir));
  const entryPoints = group.flatMap((pending) =>
    pending.entries.map((entry) => {
      const output = path.join(
        buildDirOf(pending.dir, pending.plan),
        entry.slice(0, -path.extname(entry).length),
      );
      return { in: path.join(pending.dir, entry), out: path.relative(root, output) };
    }),
  );
  const result = await runEsbuild(first.dir, first.esbuild, {
    logLevel: 'silent',
    ...first.plan.esbuild,
    entryPoints,
    outdir: root,
    absWorkingDir: root,
    metafile: true,
    write: false,
  } as Esbuild.BuildOptions & { write: false; metafile: true });
  const byFile = new Map<string, Uint8Array>(result.outputFiles.map((file) => [file.path, file.contents]));
  const built = new Map<string, Map<string, BuiltEntry>>();
  const owners = new Set<string>();
  // A service's entries share most of their sources: each is read once.
  const legal = new Map<string, boolean>();
  const hasLegalCommentOnce = (file: string) => {
    let found = legal.get(file);
    if (found === undefined) {
      found = hasLegalComment(file);
      legal.set(file, found);
    }
    return found;
  };
  for (const pending of group) {
    const buildDir = buildDirOf(pending.dir, pending.plan);
    const entries = new Map<string, BuiltEntry>();
    for (const [output, meta] of Object.entries(result.metafile.outputs)) {
      if (!meta.entryPoint) continue;
      const entry = path.relative(pending.dir, path.resolve(root, meta.entryPoint));
      if (!pending.entries.includes(entry)) continue;
      const inputs = reachableInputs(root, result.metafile, meta.entryPoint);
      const files: ArtifactFiles = new Map();
      for (const file of [path.resolve(root, output), path.resolve(root, `${output}.map`)]) {
        const bytes = byFile.get(file);
        if (!bytes) continue;
        files.set(path.relative(buildDir, file).split(path.sep).join('/'), bytes);
        owners.add(file);
      }
      entries.set(entry, { files, inputs });
    }
    const complete = pending.entries.every((entry) => entries.has(entry));
    const ownLegalComment = [...entries.values()].some(({ inputs }) => inputs.some(hasLegalCommentOnce));
    if (complete && !ownLegalComment) built.set(pending.dir, entries);
  }
  // A file no entry owns (an asset, a legal-comments file) would be named from the common folder.
  if (result.outputFiles.some((file) => !owners.has(file.path))) return new Map();
  return built;
}

/** The deepest folder that holds every one of `dirs`. */
function commonFolder(dirs: string[]): string {
  const [first = path.sep, ...others] = dirs.map((dir) => path.resolve(dir));
  let common = first;
  while (
    !others.every(
      (dir) => dir === common || dir.startsWith(common.endsWith(path.sep) ? common : common + path.sep),
    )
  )
    common = path.dirname(common);
  return common;
}

/**
 * A source outside node_modules with what esbuild keeps as a legal comment (`/*!`, `//!`, `@license`,
 * `@preserve`; https://esbuild.github.io/api/#legal-comments). Those in node_modules are headed by
 * their path inside the package, the same from any working directory.
 */
function hasLegalComment(file: string): boolean {
  if (file.split(path.sep).includes('node_modules')) return false;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return true; // unreadable now: not worth the risk
  }
  return /\/\*!|\/\/!|@license|@preserve/.test(text);
}

/** esbuild builds in flight in this process: its service process must not be stopped under them. */
let building = 0;

async function runEsbuild(
  serviceDir: string,
  esbuild: EsbuildApi,
  options: Esbuild.BuildOptions & { write: false; metafile: true },
): Promise<Esbuild.BuildResult<typeof options>> {
  building += 1;
  try {
    return await esbuild.build(options);
  } catch (error) {
    const errors = (error as { errors?: Esbuild.Message[] }).errors;
    const details = errors?.length
      ? esbuild.formatMessagesSync(errors, { kind: 'error', color: false }).join('\n').trimEnd()
      : String(error);
    throw new BuildError(serviceDir, details, { cause: error });
  } finally {
    building -= 1;
  }
}

/** Each entry's output files and the inputs its import graph reaches. */
function splitByEntry(
  serviceDir: string,
  buildDir: string,
  result: Esbuild.BuildResult<{ write: false; metafile: true }>,
): Map<string, BuiltEntry> {
  const { metafile, outputFiles } = result;
  const entryOfOutput = new Map<string, string>();
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    if (meta.entryPoint) entryOfOutput.set(path.resolve(serviceDir, output), meta.entryPoint);
  }
  const shared: Array<[string, Uint8Array]> = [];
  const byEntry = new Map<string, BuiltEntry>();
  for (const entry of new Set(entryOfOutput.values())) {
    byEntry.set(entry, { files: new Map(), inputs: reachableInputs(serviceDir, metafile, entry) });
  }
  for (const file of outputFiles) {
    const owner = entryOfOutput.get(file.path) ?? entryOfOutput.get(file.path.replace(/\.map$/, ''));
    const relative = path.relative(buildDir, file.path).split(path.sep).join('/');
    if (owner) byEntry.get(owner)?.files.set(relative, file.contents);
    else shared.push([relative, file.contents]);
  }
  // Files no entry owns (assets of the file loader) land in every zip of the build folder.
  for (const value of byEntry.values())
    for (const [relative, bytes] of shared) value.files.set(relative, bytes);
  return byEntry;
}

function reachableInputs(serviceDir: string, metafile: Esbuild.Metafile, entry: string): string[] {
  const seen = new Set<string>([entry]);
  const pending = [entry];
  for (let input = pending.pop(); input !== undefined; input = pending.pop()) {
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.external || seen.has(imported.path) || !(imported.path in metafile.inputs)) continue;
      seen.add(imported.path);
      pending.push(imported.path);
    }
  }
  // Inputs in a namespace (`<runtime>`, `(disabled):…`) are no files to watch or hash.
  return [...seen]
    .filter((input) => !/^[<(]|^[a-z-]+:/.test(input))
    .map((input) => path.resolve(serviceDir, input));
}

/**
 * The esbuild serverless-esbuild itself would load: resolved from serverless-esbuild's folder, as the
 * service resolves serverless-esbuild.
 */
export function loadEsbuild(serviceDir: string): EsbuildApi {
  const plugin = require.resolve('serverless-esbuild/package.json', { paths: [serviceDir] });
  return require(require.resolve('esbuild', { paths: [path.dirname(plugin)] })) as EsbuildApi;
}

/**
 * Stops esbuild's service process, unless a build is still running in this process: a few hundred
 * MB once it has bundled the SDK a few times, which the next build starts again in milliseconds.
 */
export async function stopEsbuild(serviceDir: string): Promise<void> {
  if (building > 0) return;
  const esbuild = loadEsbuild(serviceDir) as EsbuildApi & { stop?: () => Promise<void> | void };
  await esbuild.stop?.();
}
