import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type { FileDigests } from './file-digests';
import { LOCAL_BUILD_DIR } from './task-roots';

const INDEX_FILE = 'bundles.json';
/** Bundles remembered per artifact: switching branches back and forth reuses them. */
const KEPT_PER_ARTIFACT = 4;

const entrySchema = z.object({
  /** Digest of everything about the build but its input files: esbuild options, entries, versions. */
  recipe: z.string(),
  /** The bundle's folder (its task root), absolute. */
  taskRoot: z.string(),
  digest: z.string(),
  /** Every file the bundle was built from (esbuild's metafile, plus the package.json and tsconfig files
   * esbuild read to resolve them), relative to the service, with its content digest. */
  inputs: z.record(z.string(), z.string()),
});
const indexSchema = z.record(z.string(), z.array(entrySchema));

export type BundleRecord = z.infer<typeof entrySchema>;

/**
 * What each artifact of a service was last built from, in `{service}/.local-stage/bundles.json`. A
 * bundle is reused when its recipe is the same and every input file still has the digest it had:
 * that is the cache key, exactly the inputs of the bundle, so a change to one service's handler
 * leaves every other bundle alone.
 *
 * @example
 * const index = BundleIndex.read(serviceDir);
 * const hit = index.find('getUser.zip', recipe, digests);
 * if (!hit) index.remember('getUser.zip', built);
 * index.write();
 */
export class BundleIndex {
  private constructor(
    private readonly serviceDir: string,
    private readonly records: Record<string, BundleRecord[]>,
  ) {}

  static read(serviceDir: string): BundleIndex {
    const file = path.join(serviceDir, LOCAL_BUILD_DIR, INDEX_FILE);
    if (!existsSync(file)) return new BundleIndex(serviceDir, {});
    try {
      return new BundleIndex(serviceDir, indexSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
    } catch {
      // A damaged index costs a rebuild, nothing more.
      return new BundleIndex(serviceDir, {});
    }
  }

  /** The newest record of this artifact whose recipe matches and whose inputs are all unchanged. */
  find(artifactName: string, recipe: string, digests: FileDigests): BundleRecord | undefined {
    return this.records[artifactName]?.find(
      (record) =>
        record.recipe === recipe &&
        Object.entries(record.inputs).every(
          ([file, digest]) => digests.of(path.resolve(this.serviceDir, file)) === digest,
        ),
    );
  }

  remember(artifactName: string, record: BundleRecord): void {
    const others = (this.records[artifactName] ?? []).filter((kept) => kept.taskRoot !== record.taskRoot);
    this.records[artifactName] = [record, ...others].slice(0, KEPT_PER_ARTIFACT);
  }

  /** The artifacts (zip names) the index has records of. */
  artifactNames(): string[] {
    return Object.keys(this.records);
  }

  /** Task roots this index still names for an artifact, newest first: the ones pruning must leave. */
  taskRoots(artifactName: string): string[] {
    return (this.records[artifactName] ?? []).map((record) => record.taskRoot);
  }

  write(): void {
    const dir = path.join(this.serviceDir, LOCAL_BUILD_DIR);
    mkdirSync(dir, { recursive: true });
    const staging = path.join(dir, `${INDEX_FILE}.${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(staging, `${JSON.stringify(this.records, null, 1)}\n`);
    renameSync(staging, path.join(dir, INDEX_FILE));
  }
}
