// A V8 code cache for the template compiler's process: most of its start is V8 compiling the
// framework's modules and the 8 MB configuration validator the framework generates, the same code
// every time. Node 22 has module.enableCompileCache(); Node 20 has not, and neither keeps what V8
// compiles lazily, on first call, which for the validator is most of the cost. This one keeps the
// code as it is after a compile, lazily compiled functions included (vm.Script#createCachedData,
// https://nodejs.org/api/vm.html#scriptcreatecacheddata).
//
// Plain JavaScript, loaded by compile-process.js before anything else.

const Module = require('node:module');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

/** Dynamic import() from cached code, as from code Node compiled itself (Node ≥ 20.12). */
const IMPORT_AS_USUAL = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;

/**
 * Compiles every CommonJS module `wanted` accepts through vm.Script, with the code cached in `file`
 * for the same module path and the same source (V8 itself only checks the source's length, so the
 * source's digest is kept beside it). Returns `save`, which writes the cache again when some module
 * was compiled without it (and says whether it did); call it once the work is done, so lazily
 * compiled functions are kept.
 *
 * @example
 * const cache = installCompileCache('/repo/node_modules/.cache/local-stage/compiler-v20.20.2-x64.cache', {
 *   wanted: (filename) => filename.includes('/node_modules/'),
 * });
 * // … require and run the framework …
 * cache.save();
 */
function installCompileCache(file, { wanted }) {
  const saved = readCache(file);
  /** The modules compiled here: by file name, their source's digest, script and whether it was cached. */
  const compiled = new Map();
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (!wanted(filename) || (!IMPORT_AS_USUAL && content.includes('import('))) {
      return compile.call(this, content, filename);
    }
    const digest = crypto.createHash('sha1').update(content).digest('base64');
    const entry = saved.get(filename);
    const cachedData = entry?.digest === digest ? entry.data : undefined;
    let script;
    try {
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData,
        importModuleDynamically: IMPORT_AS_USUAL,
      });
    } catch {
      // A syntax error (or ESM): Node's own compile reports it, or loads it, as it would.
      return compile.call(this, content, filename);
    }
    compiled.set(filename, {
      digest,
      script,
      cached: cachedData !== undefined && !script.cachedDataRejected,
    });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireOf(this), this, filename, path.dirname(filename));
  };
  return {
    save() {
      if ([...compiled.values()].every((module) => module.cached)) return false;
      try {
        writeCache(file, compiled);
        return true;
      } catch {
        return false; // a cache that cannot be written only costs the next start its time
      }
    },
  };
}

/** The `require` a module gets, as Node makes it (lib/internal/modules/helpers.js). */
function requireOf(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

// The file: a 4-byte length, a JSON index of [filename, digest, length] and the code caches after it.
function readCache(file) {
  const entries = new Map();
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return entries;
  }
  try {
    const indexLength = bytes.readUInt32LE(0);
    const index = JSON.parse(bytes.subarray(4, 4 + indexLength).toString('utf8'));
    let offset = 4 + indexLength;
    for (const [filename, digest, length] of index) {
      entries.set(filename, { digest, data: bytes.subarray(offset, offset + length) });
      offset += length;
    }
  } catch {
    entries.clear(); // unreadable: compiled afresh, written anew
  }
  return entries;
}

function writeCache(file, compiled) {
  const index = [];
  const data = [];
  for (const [filename, { digest, script }] of compiled) {
    const code = script.createCachedData();
    index.push([filename, digest, code.length]);
    data.push(code);
  }
  const header = Buffer.from(JSON.stringify(index));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written aside, then renamed: a compiler starting meanwhile reads the old cache or the new one.
  const aside = `${file}.${process.pid}`;
  try {
    fs.writeFileSync(aside, Buffer.concat([length, header, ...data]));
    fs.renameSync(aside, file);
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

module.exports = { installCompileCache };
