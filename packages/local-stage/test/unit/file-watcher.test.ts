import path from 'node:path';
import { FileWatcher } from '../../src/watch/file-watcher';

/** Directories watched, and a way to fire an event in one. */
function fakeDirectories() {
  const listeners = new Map<string, (fileName: string | null) => void>();
  return {
    watched: () => [...listeners.keys()].sort(),
    fire: (dir: string, fileName: string | null) => listeners.get(dir)?.(fileName),
    watchDirectory: (dir: string, onEvent: (fileName: string | null) => void) => {
      listeners.set(dir, onEvent);
      return { close: () => listeners.delete(dir) };
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('FileWatcher', () => {
  it('watches the folder of each followed file, and reports the followed files that change, in one batch', async () => {
    const dirs = fakeDirectories();
    const batches: string[][] = [];
    const watcher = new FileWatcher((files) => batches.push(files.sort()), {
      debounceMs: 5,
      watchDirectory: dirs.watchDirectory,
    });
    watcher.follow(['/repo/a/x.ts', '/repo/a/y.ts', '/repo/b/z.yml']);
    expect(dirs.watched()).toEqual(['/repo/a', '/repo/b']);
    dirs.fire('/repo/a', 'x.ts');
    dirs.fire('/repo/a', 'not-followed.ts');
    dirs.fire('/repo/b', 'z.yml');
    dirs.fire('/repo/a', 'x.ts');
    await settle();
    expect(batches).toEqual([['/repo/a/x.ts', '/repo/b/z.yml']]);
    watcher.close();
  });

  it('takes an event without a file name as a change to every followed file of that folder', async () => {
    const dirs = fakeDirectories();
    const batches: string[][] = [];
    const watcher = new FileWatcher((files) => batches.push(files.sort()), {
      debounceMs: 5,
      watchDirectory: dirs.watchDirectory,
    });
    watcher.follow(['/repo/a/x.ts', '/repo/a/y.ts']);
    dirs.fire('/repo/a', null);
    await settle();
    expect(batches).toEqual([['/repo/a/x.ts', '/repo/a/y.ts']]);
    watcher.close();
  });

  it('stops watching folders no followed file is in any more, and reports nothing once closed', async () => {
    const dirs = fakeDirectories();
    const batches: string[][] = [];
    const watcher = new FileWatcher((files) => batches.push(files), {
      debounceMs: 5,
      watchDirectory: dirs.watchDirectory,
    });
    watcher.follow(['/repo/a/x.ts', '/repo/b/z.yml']);
    watcher.follow([path.join('/repo/b', 'z.yml')]);
    expect(dirs.watched()).toEqual(['/repo/b']);
    watcher.close();
    expect(dirs.watched()).toEqual([]);
    dirs.fire('/repo/b', 'z.yml');
    await settle();
    expect(batches).toEqual([]);
  });
});
