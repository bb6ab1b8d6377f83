import path from 'node:path';
import type { FileDigests } from '../build/file-digests';
import { BuildError, bundleService, stopEsbuild } from '../build/service-bundler';
import { type PackagedStack, stackOrder } from '../cloudformation';
import { LocalStageError } from '../errors';
import { type PreparedService, prepareServices } from '../packaging/prepare-services';
import { frameworkDir } from '../packaging/template-compiler';
import { templateInputs } from '../packaging/template-inputs';
import type { StageServices } from '../provision/context';
import { type ProvisionedStack, reprovisionStack } from '../provision/provision-stack';
import type { DeployedFunctions } from './deployed-functions';
import { FileWatcher } from './file-watcher';

export interface InnerLoopOptions {
  repoRoot: string;
  stage: string;
  region?: string;
  services: StageServices;
  functions: DeployedFunctions;
  prepared: PreparedService[];
  /** Every stack of the stage, in provisioning order. */
  provisioned: ProvisionedStack[];
  digests: FileDigests;
  log: (line: string) => void;
  /** After stacks were provisioned again: the stage's description and files follow. */
  onStacksChanged: (provisioned: ProvisionedStack[]) => Promise<void>;
  /** Creates the file watcher; tests pass one they drive. */
  createWatcher?: (onChange: (files: string[]) => void) => Pick<FileWatcher, 'follow' | 'close'>;
}

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * Hot reload. Watches every file a running bundle or compiled template was made from; when some
 * change, rebuilds just the bundles that contain them (the inputs recorded from esbuild's metafiles)
 * and swaps the new code in for the next invocation, or, when a template input changed, compiles that
 * service's template and provisions its stack again in place (reprovisionStack), then the stacks that
 * read from it if what it publishes changed. One line says what was reloaded; a failed build or
 * template says why and leaves the previous version serving. Changes are handled one batch at a time.
 *
 * @example
 * const loop = InnerLoop.start({ repoRoot, stage: 'local', services, functions, prepared, provisioned, digests, log, onStacksChanged });
 * await loop.close();
 */
export class InnerLoop {
  private readonly prepared = new Map<string, PreparedService>();
  private provisioned: ProvisionedStack[];
  private readonly watcher: Pick<FileWatcher, 'follow' | 'close'>;
  private readonly pending = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: InnerLoopOptions) {
    for (const service of options.prepared) this.prepared.set(service.dir, service);
    this.provisioned = [...options.provisioned];
    const onChange = (files: string[]) => void this.changed(files);
    this.watcher = options.createWatcher?.(onChange) ?? new FileWatcher(onChange);
    this.followInputs();
  }

  static start(options: InnerLoopOptions): InnerLoop {
    return new InnerLoop(options);
  }

  /** Handles changed files (absolute paths); resolves once they are reloaded, or found unchanged. */
  changed(files: string[]): Promise<void> {
    for (const file of files) this.pending.add(file);
    this.running = this.running
      .then(() => this.handlePending())
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.options.log(`✗ reload failed: ${message}`);
      });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher.close();
    await this.running;
  }

  private async handlePending(): Promise<void> {
    const files = [...this.pending];
    this.pending.clear();
    if (files.length === 0 || this.closed) return;
    const changed = this.reallyChanged(files);
    const templates = [...this.prepared.values()].filter((service) => this.templateChanged(service, changed));
    const templateDirs = new Set(templates.map((service) => service.dir));
    if (templates.length > 0) await this.reloadTemplates(templates, changed);
    const reloads: Array<Promise<void>> = [];
    for (const service of this.prepared.values()) {
      if (templateDirs.has(service.dir) || service.plan.bundler !== 'local-stage') continue;
      const affected = [...service.artifacts.values()].filter((artifact) =>
        artifact.inputs.some((input) => changed.has(input)),
      );
      // Services are rebuilt side by side: a shared package's change reaches them all at once.
      if (affected.length > 0)
        reloads.push(this.reloadCode(service, new Set(affected.map((a) => a.name)), changed));
    }
    await Promise.all(reloads);
    if (reloads.length > 0) await stopEsbuild(this.options.repoRoot).catch(() => undefined);
    this.followInputs();
  }

  /** Files whose content is not what the bundles and templates were made from (a save without edits is not). */
  private reallyChanged(files: string[]): Set<string> {
    const { digests } = this.options;
    const before = new Map(files.map((file) => [file, digests.of(file)]));
    digests.forget(files);
    return new Set(files.filter((file) => digests.of(file) !== before.get(file)));
  }

  private templateChanged(service: PreparedService, changed: Set<string>): boolean {
    if (!service.template.files.some((file) => changed.has(file))) return false;
    const { key } = templateInputs(service.dir, {
      stage: this.options.stage,
      region: this.options.region,
      frameworkDir: frameworkDir(this.options.repoRoot),
      digests: this.options.digests,
    });
    return key !== service.template.key;
  }

  private async reloadCode(
    service: PreparedService,
    names: Set<string>,
    changed: Set<string>,
  ): Promise<void> {
    const started = Date.now();
    const { plan } = service;
    if (plan.bundler !== 'local-stage') return;
    const name = service.stack.service;
    const because = this.describeFiles([...changed].filter((file) => this.feeds(service, file)));
    try {
      const built = await bundleService(service.dir, plan, { digests: this.options.digests, only: names });
      const reloaded: string[] = [];
      for (const artifact of built.values()) {
        const previous = service.artifacts.get(artifact.name);
        service.artifacts.set(artifact.name, artifact);
        if (!previous || previous.taskRoot === artifact.taskRoot) continue;
        this.pointStackAt(service.stack, previous.taskRoot, artifact.taskRoot);
        reloaded.push(...(await this.options.functions.swapCode(previous.taskRoot, artifact.taskRoot)));
      }
      const elapsed = seconds(Date.now() - started);
      this.options.log(
        reloaded.length > 0
          ? `↻ ${name}: ${reloaded.map((fn) => shortName(fn, service.stack)).join(', ')} reloaded in ${elapsed} (${because})`
          : `· ${name}: ${because} changed, the bundles did not`,
      );
    } catch (error) {
      const details = error instanceof BuildError ? error.details : String(error);
      this.options.log(`✗ ${name}: ${because} does not build; still serving the previous code.\n${details}`);
    }
  }

  private async reloadTemplates(services: PreparedService[], changed: Set<string>): Promise<void> {
    const started = Date.now();
    const because = this.describeFiles(
      [...changed].filter((file) => services.some((service) => service.template.files.includes(file))),
    );
    const { prepared, failed } = await prepareServices(
      services.map((service) => service.dir),
      {
        repoRoot: this.options.repoRoot,
        stage: this.options.stage,
        region: this.options.region,
        digests: this.options.digests,
      },
    );
    for (const { dir, error } of failed) {
      const name = this.prepared.get(dir)?.stack.service ?? path.basename(dir);
      this.options.log(
        `✗ ${name}: ${because} not reloaded; still serving the previous version.\n${error.message}`,
      );
    }
    const byDir = new Map(prepared.map((service) => [service.dir, service]));
    const order = stackOrder(
      this.provisioned.map((running) => byDir.get(running.stack.dir)?.stack ?? running.stack),
      { accountId: this.options.services.accountId },
    );
    const again = new Set<string>(byDir.keys());
    const names: string[] = [];
    for (const stack of order) {
      if (!again.has(stack.dir)) continue;
      try {
        const providesChanged = await this.reprovision(stack);
        names.push(stack.service);
        if (providesChanged) for (const dependent of this.readersOf(stack)) again.add(dependent.dir);
        const service = byDir.get(stack.dir);
        if (service) this.prepared.set(stack.dir, service);
      } catch (error) {
        const message = error instanceof LocalStageError ? error.message : String(error);
        this.options.log(
          `✗ ${stack.service}: provisioning the new template failed, part of it may be in place.\n${message}`,
        );
      }
    }
    if (names.length === 0) return;
    await this.options.onStacksChanged(this.provisioned);
    this.options.log(`↻ ${names.join(', ')}: stack updated in ${seconds(Date.now() - started)} (${because})`);
  }

  private async reprovision(stack: PackagedStack): Promise<boolean> {
    const index = this.provisioned.findIndex((running) => running.stack.dir === stack.dir);
    const previous = this.provisioned[index];
    if (!previous) throw new LocalStageError(`${stack.stackName} is not running`);
    const { provisioned, providesChanged } = await reprovisionStack(stack, this.options.services, previous, {
      removeFunction: (functionName) => this.options.functions.remove(functionName),
    });
    this.provisioned[index] = provisioned;
    return providesChanged;
  }

  /** Stacks whose template parameters or imports read what `stack` creates. */
  private readersOf(stack: PackagedStack): PackagedStack[] {
    const provided = this.provisioned.find((running) => running.stack.dir === stack.dir);
    const names = [
      ...[...(provided?.resources.values() ?? [])]
        .filter((resource) => resource.type === 'AWS::SSM::Parameter')
        .map((resource) => resource.physicalId),
      ...Object.keys(provided?.exports ?? {}),
    ];
    return this.provisioned
      .map((running) => running.stack)
      .filter((other) => other !== stack && other.dir !== stack.dir)
      .filter((other) => {
        const reads = JSON.stringify([other.template.Parameters ?? {}, other.template.Resources]);
        return names.some((name) => reads.includes(JSON.stringify(name)));
      });
  }

  /** New code for an artifact: later provisioning of the stack (a template change) deploys it too. */
  private pointStackAt(stack: PackagedStack, from: string, to: string): void {
    for (const [s3Key, dir] of stack.codeDirectories ?? [])
      if (dir === from) stack.codeDirectories?.set(s3Key, to);
  }

  private feeds(service: PreparedService, file: string): boolean {
    return [...service.artifacts.values()].some((artifact) => artifact.inputs.includes(file));
  }

  private followInputs(): void {
    const files = new Set<string>();
    for (const service of this.prepared.values()) {
      for (const file of service.template.files) files.add(file);
      for (const artifact of service.artifacts.values())
        for (const input of artifact.inputs) if (!input.includes(NODE_MODULES)) files.add(input);
    }
    this.watcher.follow(files);
  }

  private describeFiles(files: string[]): string {
    const shown = files.slice(0, 3).map((file) => path.relative(this.options.repoRoot, file));
    return files.length > 3 ? `${shown.join(', ')} and ${files.length - 3} more` : shown.join(', ');
  }
}

/** `users-local-getUser` → `getUser`: the name the developer wrote in serverless.yml. */
function shortName(functionName: string, stack: PackagedStack): string {
  const prefix = `${stack.service}-${stack.stage}-`;
  return functionName.startsWith(prefix) ? functionName.slice(prefix.length) : functionName;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
