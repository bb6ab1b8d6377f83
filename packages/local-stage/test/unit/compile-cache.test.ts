import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The cache replaces Node's CommonJS compile, which jest's own module loader does not use: each run
// is a plain `node` process, as the template compiler's is.
const COMPILE_CACHE = path.resolve(__dirname, '../../src/packaging/compile-cache.js');
const RUN = `
const { installCompileCache } = require(process.argv[1]);
const [dir, cacheFile] = process.argv.slice(2);
const cache = installCompileCache(cacheFile, { wanted: (filename) => filename.startsWith(dir) });
try {
  const main = require(require('node:path').join(dir, 'lib/main.js'));
  const result = { answer: main.answer(), where: main.where() };
  console.log(JSON.stringify({ ...result, saved: cache.save() }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name }));
}
`;

let dir: string;
let cacheFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'compile-cache-'));
  cacheFile = path.join(dir, 'cache', 'code.cache');
  write('lib/helper.js', 'exports.twice = (n) => n * 2;\n');
  write(
    'lib/main.js',
    "const { twice } = require('./helper');\nexports.answer = () => twice(21);\nexports.where = () => [__filename, __dirname, require.resolve('./helper')];\n",
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}

/** One process: the cache installed, `lib/main.js` required and used, the cache saved. */
function run(): { answer?: number; where?: string[]; saved?: boolean; error?: string } {
  const output = execFileSync(process.execPath, ['-e', RUN, COMPILE_CACHE, dir, cacheFile], {
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('installCompileCache', () => {
  it('runs modules as Node would, with their own require, __filename and __dirname', () => {
    expect(run()).toMatchObject({
      answer: 42,
      where: [path.join(dir, 'lib/main.js'), path.join(dir, 'lib'), path.join(dir, 'lib/helper.js')],
    });
  });

  it('writes the code once, and a later run compiles from it without writing again', () => {
    expect(run().saved).toBe(true);
    const written = statSync(cacheFile).mtimeMs;
    expect(run()).toMatchObject({ answer: 42, saved: false });
    expect(statSync(cacheFile).mtimeMs).toBe(written);
  });

  it('compiles a changed module afresh, even when its source keeps its length', () => {
    run();
    write('lib/helper.js', 'exports.twice = (n) => n * 3;\n');
    expect(run()).toMatchObject({ answer: 63, saved: true });
  });

  it('leaves a module with a syntax error to Node, which reports it as usual', () => {
    write('lib/helper.js', 'exports.twice = (n) => ;\n');
    expect(run()).toEqual({ error: 'SyntaxError' });
  });

  it('starts afresh from a cache file it cannot read', () => {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, 'not a cache');
    expect(run()).toMatchObject({ answer: 42, saved: true });
    expect(run()).toMatchObject({ answer: 42, saved: false });
    expect(existsSync(path.dirname(cacheFile))).toBe(true);
  });
});
