import { existsSync } from 'node:fs';
import path from 'node:path';
import { BundleIndex } from '../build/bundle-index';
import { LocalStageError } from '../errors';
import { frameworkDir } from './template-compiler';
import { compiledTemplateDir, templateInputs } from './template-inputs';

/** What the local stage last prepared for a service, as it is on disk. */
export interface LocalBuild {
  /** The folder holding the compiled `cloudformation-template-update-stack.json`. */
  templateDir: string;
  /** Each zip of the template (by file name) → the folder holding its files (the task root). */
  taskRoots: Map<string, string>;
}

/**
 * The compiled template and the newest bundles of a service, as the local stage prepared them for
 * `stage` (and `region`) from its current template inputs: for tools that run the same code outside
 * the stage, such as the benchmark's serverless-offline side.
 *
 * @throws LocalStageError when the stage has not prepared the service since its template last changed.
 * @example
 * const { templateDir, taskRoots } = localBuildOf('/repo/services/users', { repoRoot: '/repo', stage: 'local', region: 'us-east-1' });
 * taskRoots.get('getUser.zip'); // '/repo/services/users/.local-stage/getUser-1f2e…'
 */
export function localBuildOf(
  serviceDir: string,
  options: { repoRoot: string; stage: string; region?: string },
): LocalBuild {
  const { key } = templateInputs(serviceDir, {
    stage: options.stage,
    region: options.region,
    frameworkDir: frameworkDir(options.repoRoot),
  });
  const templateDir = compiledTemplateDir(serviceDir, options.stage, key);
  if (!existsSync(path.join(templateDir, 'compiled.json'))) {
    throw new LocalStageError(
      `${serviceDir} has no template compiled for stage ${options.stage} from its current inputs: start the local stage first`,
    );
  }
  const index = BundleIndex.read(serviceDir);
  const taskRoots = new Map<string, string>();
  for (const name of index.artifactNames()) {
    const [newest] = index.taskRoots(name);
    if (newest) taskRoots.set(name, newest);
  }
  return { templateDir, taskRoots };
}
