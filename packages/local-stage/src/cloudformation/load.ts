import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import * as z from 'zod';
import { LocalStageError } from '../errors';
import type { PackagedStack, Template } from './template';
import { isRecord } from './walk';

const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const STATE_FILE = 'serverless-state.json';
/** The stage named in the hint when the package is too broken to say which stage it was built for. */
const LOCAL_STAGE = 'local';

// Checks only what the local stage reads; the template itself is kept whole.
const stateSchema = z.object({
  service: z.object({
    service: z.string().min(1),
    provider: z.object({
      stage: z.string().min(1),
      region: z.string().min(1),
      stackName: z.string().optional(),
    }),
    package: z.object({ artifact: z.string().optional() }).optional(),
    functions: z
      .record(z.string(), z.object({ package: z.object({ artifact: z.string().optional() }).optional() }))
      .optional(),
  }),
});

const templateSchema = z.looseObject({
  Resources: z.record(
    z.string(),
    z.looseObject({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() }),
  ),
});

type ServerlessState = z.infer<typeof stateSchema>;

export interface LoadOptions {
  /** Where the package is, when not `{serviceDir}/.serverless` (`serverless package --package DIR`). */
  packageDir?: string;
  /** Artifacts (by zip file name) whose code is an unpacked folder instead of a zip: the task root. */
  codeDirectories?: Map<string, string>;
}

/**
 * Reads what `serverless package` wrote in `{serviceDir}/.serverless`: the update-stack template,
 * `serverless-state.json` (service, stage, region) and the zip of every Lambda function and layer,
 * matched to its `S3Key` by file name (or its unpacked folder, from `options.codeDirectories`).
 *
 * @throws LocalStageError when the package is missing or half-written, saying to run
 *   `npx serverless package --stage {stage}` in the service directory.
 * @example
 * const stack = loadPackagedStack('services/users');
 * stack.stackName; // 'users-local'
 * stack.artifacts.get(code.S3Key); // '/…/services/users/.serverless/getUser.zip'
 */
export function loadPackagedStack(serviceDir: string, options: LoadOptions = {}): PackagedStack {
  const dir = resolve(serviceDir);
  const packageDir = options.packageDir ?? join(dir, '.serverless');
  const state = parseFile(dir, packageDir, STATE_FILE, stateSchema, LOCAL_STAGE);
  const { service, provider } = state.service;
  const template = parseFile(dir, packageDir, TEMPLATE_FILE, templateSchema, provider.stage) as Template;
  const artifacts = new Map<string, string>();
  const codeDirectories = new Map<string, string>();
  const knownZips = artifactPaths(dir, state);
  for (const s3Key of codeKeys(template)) {
    const codeDirectory = options.codeDirectories?.get(basename(s3Key));
    if (codeDirectory) {
      codeDirectories.set(s3Key, codeDirectory);
      continue;
    }
    const zip = [join(packageDir, basename(s3Key)), knownZips.get(basename(s3Key))].find(
      (path) => path && existsSync(path),
    );
    if (!zip) {
      throw notPackaged(dir, provider.stage, `the artifact ${basename(s3Key)} is missing from .serverless`);
    }
    artifacts.set(s3Key, zip);
  }
  const stackName = provider.stackName ?? `${service}-${provider.stage}`;
  return {
    service,
    stage: provider.stage,
    region: provider.region,
    stackName,
    dir,
    template,
    artifacts,
    codeDirectories,
  };
}

function parseFile<T>(dir: string, packageDir: string, file: string, schema: z.ZodType<T>, stage: string): T {
  const path = join(packageDir, file);
  const shown = relative(dir, path);
  if (!existsSync(path)) throw notPackaged(dir, stage, `${shown} is missing`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw notPackaged(dir, stage, `${shown} is not valid JSON`, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw notPackaged(dir, stage, `${shown} is incomplete (${z.prettifyError(parsed.error)})`, parsed.error);
  }
  return parsed.data;
}

/** The S3 keys the template deploys code from: each function's `Code.S3Key`, each layer's `Content.S3Key`. */
function codeKeys(template: Template): string[] {
  return Object.values(template.Resources).flatMap((resource) => {
    const properties = resource.Properties ?? {};
    const code = {
      'AWS::Lambda::Function': properties.Code,
      'AWS::Lambda::LayerVersion': properties.Content,
    }[resource.Type];
    return isRecord(code) && typeof code.S3Key === 'string' ? [code.S3Key] : [];
  });
}

/** Zips a service configured with `package.artifact` paths of its own, by file name. */
function artifactPaths(dir: string, state: ServerlessState): Map<string, string> {
  const { package: servicePackage, functions = {} } = state.service;
  const paths = [servicePackage?.artifact, ...Object.values(functions).map((fn) => fn.package?.artifact)];
  return new Map(
    paths.filter((path): path is string => Boolean(path)).map((path) => [basename(path), resolve(dir, path)]),
  );
}

function notPackaged(dir: string, stage: string, problem: string, cause?: unknown): LocalStageError {
  return new LocalStageError(
    `${dir} is not packaged: ${problem}. Run \`npx serverless package --stage ${stage}\` there.`,
    { cause },
  );
}
