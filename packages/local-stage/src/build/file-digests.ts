import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Content digests of files, each read once until it is forgotten: a service's bundles share most of
 * their inputs (the SDK, the shared packages), so checking several bundles hashes each file once.
 *
 * @example
 * const digests = new FileDigests();
 * digests.of('/repo/services/users/src/user.ts'); // 'sha256 hex', or 'absent'
 * digests.forget(['/repo/services/users/src/user.ts']); // after it changed
 */
export class FileDigests {
  private readonly known = new Map<string, string>();

  of(file: string): string {
    let digest = this.known.get(file);
    if (digest === undefined) {
      digest = digestOf(file);
      this.known.set(file, digest);
    }
    return digest;
  }

  /** Whether the file's digest was read already (and not forgotten since). */
  knows(file: string): boolean {
    return this.known.has(file);
  }

  forget(files: Iterable<string>): void {
    for (const file of files) this.known.delete(file);
  }
}

export const ABSENT = 'absent';

function digestOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return ABSENT;
  }
}
