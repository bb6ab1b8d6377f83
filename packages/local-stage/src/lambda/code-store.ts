import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { LocalStageError } from '../errors';

const COMPLETE_MARKER = '.unpacked';

/**
 * Unpacks function zips under a root directory, once per zip content: functions packaged together share
 * one directory, and an unchanged zip is not unpacked again on the next start.
 *
 * @example
 * const store = new CodeStore('/tmp/code');
 * const taskRoot = await store.unpack('/repo/services/users/.serverless/getUser.zip');
 */
export class CodeStore {
  private readonly unpacking = new Map<string, Promise<string>>();

  constructor(private readonly root: string) {}

  /** Returns the directory holding the zip's files: Lambda's task root. */
  unpack(zipPath: string): Promise<string> {
    return hashFile(zipPath).then((hash) => {
      let directory = this.unpacking.get(hash);
      if (!directory) {
        directory = this.unpackOnce(zipPath, path.join(this.root, hash.slice(0, 20)));
        this.unpacking.set(hash, directory);
        directory.catch(() => this.unpacking.delete(hash));
      }
      return directory;
    });
  }

  private async unpackOnce(zipPath: string, directory: string): Promise<string> {
    if (await exists(path.join(directory, COMPLETE_MARKER))) return directory;
    // Unpack beside the target and rename, so an interrupted unpack never looks complete.
    const staging = `${directory}.${process.pid}-${Date.now()}`;
    try {
      await extractZip(zipPath, staging);
      await writeFile(path.join(staging, COMPLETE_MARKER), zipPath);
      await rm(directory, { recursive: true, force: true });
      await rename(staging, directory);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw new LocalStageError(`Cannot unpack ${zipPath}: ${(error as Error).message}`, { cause: error });
    }
    return directory;
  }
}

async function hashFile(file: string): Promise<string> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch (error) {
    throw new LocalStageError(`Cannot read the function package ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Extracts every entry of a zip into `destination`, refusing paths that would land outside it. */
export async function extractZip(zipPath: string, destination: string): Promise<void> {
  const zip = await openZip(zipPath);
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      const target = path.resolve(destination, entry.fileName);
      if (!target.startsWith(path.resolve(destination) + path.sep)) {
        throw new Error(`entry ${entry.fileName} points outside the package`);
      }
      if (entry.fileName.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(await openEntry(zip, entry), createWriteStream(target));
    }
  } finally {
    zip.close();
  }
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    ),
  );
}

/** The next entry, or undefined at the end of the central directory. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (settleWith: () => void) => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
      settleWith();
    };
    const onEntry = (entry: yauzl.Entry) => settle(() => resolve(entry));
    const onEnd = () => settle(() => resolve(undefined));
    const onError = (error: Error) => settle(() => reject(error));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
}
