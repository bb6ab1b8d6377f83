import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
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
  if (stale.length === 0) return results;
  // Wall-clock time with a fraction of a millisecond, as file modification times are.
  const buildStarted = performance.timeOrigin + performance.now();
  const entries = await buildEntries(
    serviceDir,
    plan,
    [...new Set(stale.flatMap((a) => a.entries))],
    esbuild,
  );
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
  // Where serverless-esbuild's `.esbuild/.build` would be, as deep below the service; nothing is
  // written there (write: false), the outputs go to task roots of the same depth.
  const buildDir = path.join(
    serviceDir,
    LOCAL_BUILD_DIR,
    'building',
    ...Array.from({ length: plan.buildDirDepth - 2 }, () => '_'),
  );
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
