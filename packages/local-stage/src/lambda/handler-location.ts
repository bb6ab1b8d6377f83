import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LocalStageError } from '../errors';

/** The extensions Lambda's Node.js runtime tries for a handler module, in its order. */
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

export interface HandlerLocation {
  /** Absolute path of the module file. */
  file: string;
  /** The export path after the module name, e.g. `handler` (or `nested.handler`). */
  exportPath: string;
}

/**
 * Splits a Lambda handler string as Lambda's Node.js runtime does: the module is everything up to the
 * first dot of the last path segment.
 *
 * @example
 * splitHandler('src/handlers/get-user.handler'); // { modulePath: 'src/handlers/get-user', exportPath: 'handler' }
 */
export function splitHandler(handler: string): { modulePath: string; exportPath: string } | undefined {
  const match = /^([^.]*)\.(.+)$/.exec(path.posix.basename(handler));
  if (!match?.[1] || !match[2]) return undefined;
  return { modulePath: path.posix.join(path.posix.dirname(handler), match[1]), exportPath: match[2] };
}

/**
 * Checks at deploy time, before any worker starts, that the handler's module is in the package and
 * mentions the export. Loading the module here would run the function's code in the stage's own
 * process, with the stage's environment, so the export check is textual: a file that never names the
 * export cannot export it. The worker reports `Runtime.HandlerNotFound` as Lambda does for the rest.
 *
 * @example
 * await locateHandler({ functionName: 'users-local-getUser', handler: 'src/handlers/get-user.handler' }, taskRoot);
 */
export async function locateHandler(
  fn: { functionName: string; handler: string },
  taskRoot: string,
): Promise<HandlerLocation> {
  const parts = splitHandler(fn.handler);
  if (!parts) {
    throw new LocalStageError(`Function ${fn.functionName}: handler "${fn.handler}" is not module.export`);
  }
  const file = await findModuleFile(path.resolve(taskRoot, parts.modulePath));
  if (!file) {
    throw new LocalStageError(
      `Function ${fn.functionName}: handler ${fn.handler} not found: the package has no ` +
        `${parts.modulePath}${MODULE_EXTENSIONS.join(', ')}`,
    );
  }
  const exportName = parts.exportPath.split('.')[0] ?? parts.exportPath;
  if (!new RegExp(`\\b${escapeRegExp(exportName)}\\b`).test(await readFile(file, 'utf8'))) {
    throw new LocalStageError(
      `Function ${fn.functionName}: handler ${fn.handler} not found: ${path.relative(taskRoot, file)} does not export ${exportName}`,
    );
  }
  return { file, exportPath: parts.exportPath };
}

async function findModuleFile(base: string): Promise<string | undefined> {
  for (const extension of MODULE_EXTENSIONS) {
    const isFile = await stat(base + extension).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (isFile) return base + extension;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
