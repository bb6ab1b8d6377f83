import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export interface FileWatcherOptions {
  /** Quiet time after the last event before changes are reported: editors write in several steps. */
  debounceMs?: number;
  /** Starts watching one directory; tests pass a fake. */
  watchDirectory?: (dir: string, onEvent: (fileName: string | null) => void) => { close(): void };
}

const DEFAULT_DEBOUNCE_MS = 40;

/**
 * Reports changes to a set of files, in batches. It watches the directory of each file rather than
 * the file, so a file an editor replaces (writes a copy, renames it over) is still followed, and a
 * file that did not exist yet is seen when it appears. Events for files outside the set are ignored.
 *
 * @example
 * const watcher = new FileWatcher((files) => console.log('changed:', files));
 * watcher.follow(['/repo/services/users/src/user.ts', '/repo/services/users/serverless.yml']);
 * watcher.close();
 */
export class FileWatcher {
  private readonly followed = new Set<string>();
  private readonly watchers = new Map<string, { close(): void }>();
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly debounceMs: number;
  private readonly watchDirectory: NonNullable<FileWatcherOptions['watchDirectory']>;

  constructor(
    private readonly onChange: (files: string[]) => void,
    options: FileWatcherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.watchDirectory = options.watchDirectory ?? watchWithNode;
  }

  /** Follows exactly these files from now on (absolute paths), and no others. */
  follow(files: Iterable<string>): void {
    if (this.closed) return;
    this.followed.clear();
    for (const file of files) this.followed.add(file);
    const dirs = new Set([...this.followed].map((file) => path.dirname(file)));
    for (const [dir, watcher] of this.watchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        this.watchers.set(
          dir,
          this.watchDirectory(dir, (name) => this.event(dir, name)),
        );
      } catch {
        // A folder that does not exist (yet): nothing in it can change a bundle until it does.
      }
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private event(dir: string, fileName: string | null): void {
    // Without a name (some platforms), any followed file of the folder may have changed.
    const candidates = fileName
      ? [path.join(dir, fileName)]
      : [...this.followed].filter((file) => path.dirname(file) === dir);
    const changed = candidates.filter((file) => this.followed.has(file));
    if (changed.length === 0 || this.closed) return;
    for (const file of changed) this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    const files = [...this.pending];
    this.pending.clear();
    if (files.length > 0 && !this.closed) this.onChange(files);
  }
}

function watchWithNode(dir: string, onEvent: (fileName: string | null) => void): FSWatcher {
  const watcher = watch(dir, { persistent: false }, (_event, fileName) =>
    onEvent(fileName?.toString() ?? null),
  );
  // A watched folder that is deleted ends its watcher; the files in it are then simply not followed.
  watcher.on('error', () => watcher.close());
  return watcher;
}
