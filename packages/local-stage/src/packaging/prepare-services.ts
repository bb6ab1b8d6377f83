import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type { BundlePlan } from '../build/bundle-plan';
import { bundlePlanSchema } from '../build/bundle-plan';
import type { FileDigests } from '../build/file-digests';
import { type BuiltArtifact, bundleServices, stopEsbuild } from '../build/service-bundler';
import { LOCAL_BUILD_DIR } from '../build/task-roots';
import { loadPackagedStack, type PackagedStack } from '../cloudformation';
import { LocalStageError } from '../errors';
import { CompileError } from './errors';
import { inputsHash } from './inputs-hash';
import {
  type CompileOutcome,
  compileTemplates,
  discardPrestartedCompiler,
  frameworkDir,
} from './template-compiler';
import { compiledTemplateDir, templateInputs } from './template-inputs';

/** A service ready to provision: its compiled template and its functions' code. */
export interface PreparedService {
  dir: string;
  /** The files its template was compiled from (see templateInputs), and their digest. */
  template: { key: string; files: string[] };
  plan: BundlePlan;
  /** The bundles the stage built or reused, by zip name (none when the plan is not the stage's). */
  artifacts: Map<string, BuiltArtifact>;
  stack: PackagedStack;
  /** What was done, for the progress line. */
  templateCompiled: boolean;
}

export interface PrepareOptions {
  repoRoot: string;
  stage: string;
  region?: string;
  digests: FileDigests;
  /** One line per service once it is ready (or failed). */
  log?: (line: string) => void;
}

export interface PrepareResult {
  prepared: PreparedService[];
  failed: Array<{ dir: string; error: LocalStageError }>;
}

const COMPILED_FILE = 'compiled.json';
const compiledSchema = z.object({ plan: bundlePlanSchema, codeKey: z.string().optional() });
// Template folders of other keys younger than this may belong to another stage of this checkout.
const PRUNE_AFTER_MS = 60 * 60 * 1000;

/**
 * Gets services ready to provision, doing only what their changes call for. A service's template is
 * compiled (`serverless package`, all services in one framework process) only when its template inputs
 * changed; its bundles are built with esbuild (the options serverless-esbuild would use) only when
 * their own inputs changed, starting as soon as the service's configuration is resolved.
 *
 * @example
 * const { prepared, failed } = await prepareServices(['/repo/services/users'], {
 *   repoRoot: '/repo', stage: 'local', digests: new FileDigests(), log: console.log,
 * });
 */
export async function prepareServices(dirs: string[], options: PrepareOptions): Promise<PrepareResult> {
  const framework = frameworkDir(options.repoRoot);
  const started = Date.now();
  const services = dirs.map((dir) => {
    const inputs = templateInputs(dir, {
      stage: options.stage,
      region: options.region,
      frameworkDir: framework,
      digests: options.digests,
    });
    const outDir = compiledTemplateDir(dir, options.stage, inputs.key);
    return { dir, inputs, outDir, cached: readCompiled(outDir, dir, options) };
  });
  const bundling = new Map<string, { plan: BundlePlan; bundles: Promise<Map<string, BuiltArtifact>> }>();
  // Plans that arrive together are bundled together (bundleServices: what they share is parsed once).
  const queued = new Map<string, BundlePlan>();
  let holding = false;
  const flush = () => {
    const local = [...queued].flatMap(([dir, plan]) =>
      plan.bundler === 'local-stage' ? [{ dir, plan }] : [],
    );
    const started = bundleServices(local, { digests: options.digests });
    for (const [dir, plan] of queued) {
      const bundles = started.get(dir) ?? Promise.resolve(new Map<string, BuiltArtifact>());
      bundles.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      bundling.set(dir, { plan, bundles });
    }
    queued.clear();
  };
  const startBundling = (dir: string, plan: BundlePlan) => {
    queued.set(dir, plan);
    if (!holding) flush();
  };
  holding = true;
  for (const service of services) if (service.cached) startBundling(service.dir, service.cached);
  flush();
  const toCompile = services.filter((service) => !service.cached);
  if (toCompile.length === 0) discardPrestartedCompiler();
  // The compiler reports the plans it knows from configurations one after another, then `planned`.
  holding = toCompile.length > 0;
  const outcomes = await compileTemplates(
    toCompile.map(({ dir, outDir }) => ({ dir, outDir })),
    {
      repoRoot: options.repoRoot,
      stage: options.stage,
      region: options.region,
      onPlan: startBundling,
      onPlanned: () => {
        holding = false;
        flush();
      },
    },
  );
  holding = false;
  flush();
  const result: PrepareResult = { prepared: [], failed: [] };
  for (const service of services) {
    const outcome: CompileOutcome | undefined = outcomes.get(service.dir);
    try {
      if (outcome && !outcome.ok) throw new CompileError(path.basename(service.dir), outcome.message);
      if (outcome?.ok) {
        // A plugin may change functions during the lifecycle: bundle what the final plan says.
        if (JSON.stringify(bundling.get(service.dir)?.plan) !== JSON.stringify(outcome.plan))
          startBundling(service.dir, outcome.plan);
        saveCompiled(service.outDir, service.dir, outcome.plan, options);
      }
      const { plan, bundles } = bundling.get(service.dir) ?? missingPlan(service.dir);
      const artifacts = await bundles;
      const codeDirectories = new Map([...artifacts.values()].map((built) => [built.name, built.taskRoot]));
      const stack = loadPackagedStack(service.dir, { packageDir: service.outDir, codeDirectories });
      pruneTemplates(service.dir, options.stage, service.outDir);
      const prepared: PreparedService = {
        dir: service.dir,
        template: { key: service.inputs.key, files: service.inputs.files },
        plan,
        artifacts,
        stack,
        templateCompiled: Boolean(outcome),
      };
      result.prepared.push(prepared);
      options.log?.(progressLine(prepared, Date.now() - started));
    } catch (error) {
      const failure =
        error instanceof LocalStageError ? error : new LocalStageError(String(error), { cause: error });
      result.failed.push({ dir: service.dir, error: failure });
      options.log?.(`  ${path.basename(service.dir)}: failed`);
    }
  }
  if ([...bundling.values()].some(({ plan }) => plan.bundler === 'local-stage')) {
    await stopEsbuild(dirs[0] ?? options.repoRoot).catch(() => undefined);
  }
  return result;
}

/**
 * `  users: template compiled, 5 bundles built (2.1 s)`, `  users: template reused, 5 bundles reused
 * (0.1 s)`: what was done for a service, and the time since preparing began.
 */
export function progressLine(service: PreparedService, ms: number): string {
  const name = service.stack.service;
  const template = `template ${service.templateCompiled ? 'compiled' : 'reused'}`;
  const elapsed = `(${(ms / 1000).toFixed(1)} s)`;
  if (service.plan.bundler !== 'local-stage') {
    const by =
      service.plan.bundler === 'framework' ? 'the framework' : `serverless-esbuild: ${service.plan.reason}`;
    return `  ${name}: ${template}, code packaged by ${by} ${elapsed}`;
  }
  const all = [...service.artifacts.values()];
  const built = all.filter((artifact) => !artifact.reused).length;
  const counts =
    built === 0
      ? `${plural(all.length, 'bundle')} reused`
      : built === all.length
        ? `${plural(built, 'bundle')} built`
        : `${plural(built, 'bundle')} built, ${all.length - built} reused`;
  return `  ${name}: ${template}, ${counts} ${elapsed}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function missingPlan(dir: string): never {
  throw new CompileError(path.basename(dir), 'the template compiler reported no bundle plan');
}

/**
 * The plan of a template compiled before with the same inputs, when it can be reused. Code the stage
 * does not bundle itself was packaged with the template, so for it the service's sources must be
 * unchanged too.
 */
function readCompiled(outDir: string, dir: string, options: PrepareOptions): BundlePlan | undefined {
  const file = path.join(outDir, COMPILED_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const { plan, codeKey } = compiledSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (plan.bundler !== 'local-stage' && codeKey !== codeKeyOf(dir, options)) return undefined;
    return plan;
  } catch {
    return undefined;
  }
}

function saveCompiled(outDir: string, dir: string, plan: BundlePlan, options: PrepareOptions): void {
  // The framework wanted the zips to exist; the template only names them. Empty stand-ins go.
  for (const name of readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (plan.bundler === 'local-stage' && name.endsWith('.zip') && statSync(file).size === 0) rmSync(file);
  }
  const codeKey = plan.bundler === 'local-stage' ? undefined : codeKeyOf(dir, options);
  writeFileSync(path.join(outDir, COMPILED_FILE), `${JSON.stringify({ plan, codeKey })}\n`);
}

function codeKeyOf(dir: string, options: PrepareOptions): string {
  return inputsHash({ name: path.basename(dir), dir }, options.repoRoot, options.stage);
}

function pruneTemplates(dir: string, stage: string, current: string): void {
  const parent = path.join(dir, LOCAL_BUILD_DIR);
  const now = Date.now();
  for (const name of readdirSync(parent)) {
    const folder = path.join(parent, name);
    if (!name.startsWith(`template-${stage}-`) || folder === current) continue;
    if (now - statSync(folder).mtimeMs >= PRUNE_AFTER_MS) rmSync(folder, { recursive: true, force: true });
  }
}
