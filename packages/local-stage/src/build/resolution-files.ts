import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * The files esbuild reads besides the sources it bundles, which can change a bundle all the same: the
 * nearest package.json of every input (`main`, `module`, `exports`, `sideEffects` decide what is
 * bundled) and, for inputs outside node_modules, the nearest tsconfig.json and the files it extends
 * (`paths`, JSX and decorator settings). Absolute paths, sorted.
 *
 * @example
 * resolutionFiles(['/repo/services/users/src/user.ts']);
 * // ['/repo/services/users/package.json', '/repo/services/users/tsconfig.json', '/repo/tsconfig.base.json']
 */
export function resolutionFiles(inputs: Iterable<string>): string[] {
  const found = new Set<string>();
  const nearestPackage = memoizedNearest('package.json');
  const nearestTsconfig = memoizedNearest('tsconfig.json');
  for (const input of inputs) {
    const dir = path.dirname(input);
    const manifest = nearestPackage(dir);
    if (manifest) found.add(manifest);
    if (input.includes(NODE_MODULES)) continue;
    for (
      let tsconfig = nearestTsconfig(dir);
      tsconfig && !found.has(tsconfig);
      tsconfig = extendsOf(tsconfig)
    ) {
      found.add(tsconfig);
    }
  }
  return [...found].sort();
}

function memoizedNearest(fileName: string): (dir: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  const nearest = (dir: string): string | undefined => {
    if (known.has(dir)) return known.get(dir);
    const candidate = path.join(dir, fileName);
    const parent = path.dirname(dir);
    const found = existsSync(candidate) ? candidate : parent === dir ? undefined : nearest(parent);
    known.set(dir, found);
    return found;
  };
  return nearest;
}

/** The relative file a tsconfig.json `extends` (package references are left to package.json). */
function extendsOf(tsconfig: string): string | undefined {
  const extended = /"extends"\s*:\s*"([^"]+)"/.exec(readFileSync(tsconfig, 'utf8'))?.[1];
  if (!extended?.startsWith('.')) return undefined;
  const file = path.resolve(path.dirname(tsconfig), extended);
  return file.endsWith('.json') ? file : `${file}.json`;
}
