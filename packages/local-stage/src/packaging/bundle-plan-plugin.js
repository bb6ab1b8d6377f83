// Stands in for serverless-esbuild inside the template compiler (compile-process.js). It leaves the
// compiled template exactly as serverless-esbuild would: each function's `package.artifact` names the
// zip serverless-esbuild writes (`{function}.zip` with `package.individually`, `{service}.zip`
// otherwise). It bundles nothing; instead `planFor` says how serverless-esbuild would bundle, so the
// local stage can run esbuild itself with the very same options and get the very same bytes.
//
// Replicates serverless-esbuild 1.57 (node_modules/serverless-esbuild/dist): `getBuildOptions` and
// `functions` in index.js, `bundle` in bundle.js, `extractFunctionEntries` and the runtime → target
// table in helper.js, `pack` in pack.js. When a service uses something that cannot be reproduced
// that way (a JS config file, esbuild plugins, externals installed into the zip, extra files
// copied into it, skipBuild), the real serverless-esbuild is loaded and does everything, as in
// `serverless package`.

const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const SERVERLESS_ESBUILD_HOOKS = [
  'initialize',
  'before:package:createDeploymentArtifacts',
  'after:package:createDeploymentArtifacts',
];
/** After the functions are compiled (a versioned one hashes its artifact), before the state is saved. */
const ARTIFACT_NAMES_HOOK = 'before:package:finalize';

// index.js getBuildOptions(): DEFAULT_BUILD_OPTIONS (the values that reach esbuild, and those the
// plan inspects; `watch`, `concurrency` and the like never do).
const DEFAULT_BUILD_OPTIONS = {
  bundle: true,
  target: 'node18',
  external: [],
  exclude: ['aws-sdk'],
  packager: 'npm',
  keepOutputDirectory: false,
  platform: 'node',
  outputFileExtension: '.js',
  skipBuild: false,
  skipBuildExcludeFns: [],
  stripEntryResolveExtensions: false,
  disposeContext: true,
};

// bundle.js: plugin options removed before the rest is handed to esbuild.
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

// helper.js providerRuntimeMatcher.aws
const AWS_NODE_TARGETS = {
  'nodejs24.x': 'node24',
  'nodejs22.x': 'node22',
  'nodejs20.x': 'node20',
  'nodejs18.x': 'node18',
  'nodejs16.x': 'node16',
  'nodejs14.x': 'node14',
  'nodejs12.x': 'node12',
};

// constants.js
const DEFAULT_EXTENSIONS = ['.ts', '.js', '.jsx', '.tsx'];
const WORK_FOLDER = '.esbuild';
const BUILD_FOLDER = '.build';

const asArray = (value) => (Array.isArray(value) ? value : [value]);
const strings = (value) => asArray(value).filter((item) => typeof item === 'string');

// ramda's mergeDeepRight, as serverless-esbuild merges its defaults: plain objects merge key by key,
// anything else (arrays included) is replaced by the right-hand value.
function mergeDeepRight(left, right) {
  const isObject = (value) => Object.prototype.toString.call(value) === '[object Object]';
  const merged = { ...left };
  for (const [key, value] of Object.entries(right)) {
    merged[key] = isObject(merged[key]) && isObject(value) ? mergeDeepRight(merged[key], value) : value;
  }
  return merged;
}

function buildOptionsOf(service) {
  const target = AWS_NODE_TARGETS[service.provider.runtime];
  const withTarget = mergeDeepRight(DEFAULT_BUILD_OPTIONS, target ? { target } : {});
  return mergeDeepRight(withTarget, service.custom?.esbuild || {});
}

// index.js `functions`: functions with a handler on a Node.js runtime.
function nodeFunctions(service) {
  const functions = {};
  for (const [alias, fn] of Object.entries(service.functions || {})) {
    const runtime = fn.runtime || service.provider.runtime;
    if (fn.handler && AWS_NODE_TARGETS[runtime]) functions[alias] = fn;
  }
  return functions;
}

// helper.js extractFunctionEntries(): the handler's module, with the first extension that exists.
function entryOf(serviceDir, alias, fn, resolveExtensions) {
  const entrypoint = fn.esbuildEntrypoint || fn.handler;
  const fileName = entrypoint.substring(0, entrypoint.lastIndexOf(path.extname(entrypoint)));
  for (const extension of resolveExtensions || DEFAULT_EXTENSIONS) {
    for (const candidate of [fileName + extension, path.join(fileName, 'index') + extension]) {
      if (existsSync(path.join(serviceDir, candidate)))
        return path.relative(serviceDir, path.join(serviceDir, candidate));
    }
  }
  throw new Error(
    `Compilation failed for function alias ${alias}. Please ensure you have an index file with ext .ts or .js, or have a path listed as main key in package.json`,
  );
}

/** Why serverless-esbuild must do this service's bundling itself, if it must. */
function notReproducible(service, options, functions, buildDirDepth) {
  const exclude = strings(options.exclude);
  const externals = exclude.includes('*')
    ? []
    : strings(options.external).filter((name) => !exclude.includes(name));
  const includes = (patterns) => strings(patterns).some((pattern) => !pattern.startsWith('!'));
  if (service.custom?.esbuild?.config) return 'custom.esbuild.config';
  if (options.plugins) return 'esbuild plugins';
  if (options.skipBuild) return 'skipBuild';
  if (options.stripEntryResolveExtensions) return 'stripEntryResolveExtensions';
  if (externals.length > 0) return `externals installed into the zip (${externals.join(', ')})`;
  if (includes(service.package?.patterns)) return 'package.patterns copied into the zip';
  if (Object.values(functions).some((fn) => includes(fn.package?.patterns)))
    return 'function package.patterns copied into the zip';
  if (buildDirDepth < 2) return 'an output folder less than two levels below the service';
  return undefined;
}

/**
 * How serverless-esbuild would bundle this service: the esbuild options (without entryPoints and
 * outdir, which are per entry), and the zips with the entries each holds.
 *
 * @example
 * planFor(serverless);
 * // { bundler: 'local-stage', buildDirDepth: 2, esbuild: { bundle: true, minify: true, … },
 * //   artifacts: [{ name: 'getUser.zip', functions: ['getUser'], entries: ['src/handlers/get-user.ts'] }, …] }
 */
function planFor(serverless) {
  const { service } = serverless;
  const serviceDir = serverless.serviceDir;
  const options = buildOptionsOf(service);
  const functions = nodeFunctions(service);
  const buildDir = path.join(
    options.outputWorkFolder || WORK_FOLDER,
    options.outputBuildFolder || BUILD_FOLDER,
  );
  const buildDirDepth = path.normalize(buildDir).split(path.sep).filter(Boolean).length;
  const reason = notReproducible(service, options, functions, buildDirDepth);
  if (reason) return { bundler: 'serverless-esbuild', reason };
  const esbuild = { ...options };
  for (const name of PLUGIN_ONLY_OPTIONS) delete esbuild[name];
  const exclude = strings(options.exclude);
  esbuild.external = [...strings(options.external), ...(exclude.includes('*') ? [] : exclude)];
  if (options.outputFileExtension !== '.js') esbuild.outExtension = { '.js': options.outputFileExtension };
  const bundled = Object.entries(functions)
    .filter(([, fn]) => !fn.skipEsbuild)
    .map(([alias, fn]) => ({ alias, entry: entryOf(serviceDir, alias, fn, options.resolveExtensions) }));
  const artifacts = service.package?.individually
    ? bundled.map(({ alias, entry }) => ({ name: `${alias}.zip`, functions: [alias], entries: [entry] }))
    : bundled.length > 0
      ? [
          {
            name: `${service.service}.zip`,
            functions: bundled.map(({ alias }) => alias),
            entries: [...new Set(bundled.map(({ entry }) => entry))],
          },
        ]
      : [];
  return { bundler: 'local-stage', buildDirDepth, esbuild, artifacts };
}

class BundlePlanPlugin {
  constructor(serverless, options, logging) {
    this.serverless = serverless;
    this.options = options;
    this.logging = logging;
    // As serverless-esbuild: a function may say `skipEsbuild: true`.
    serverless.configSchemaHandler.defineFunctionProperties(serverless.service.provider.name, {
      properties: { skipEsbuild: { type: 'boolean' } },
    });
    this.hooks = {};
    for (const hook of [...SERVERLESS_ESBUILD_HOOKS, ARTIFACT_NAMES_HOOK]) {
      this.hooks[hook] = (...args) => (this.delegate ? this.delegate.hooks[hook]?.(...args) : this.own(hook));
    }
  }

  /** Hands everything to the real serverless-esbuild (see notReproducible). */
  useServerlessEsbuild(realPluginPath) {
    const RealPlugin = require(realPluginPath);
    const schema = this.serverless.configSchemaHandler;
    const define = schema.defineFunctionProperties;
    schema.defineFunctionProperties = () => undefined; // skipEsbuild is defined already
    try {
      this.delegate = new RealPlugin(this.serverless, this.options, this.logging);
    } finally {
      schema.defineFunctionProperties = define;
    }
  }

  own(hook) {
    if (hook === 'before:package:createDeploymentArtifacts') this.setArtifacts();
    if (hook === ARTIFACT_NAMES_HOOK) this.nameArtifactsAsServerlessEsbuild();
  }

  // index.js prepare(), as bundle() runs it: package patterns folded into `patterns`, the plugin
  // itself excluded. Only the saved service state shows it.
  preparePatterns() {
    const { service } = this.serverless;
    const merged = (pkg) => [
      ...new Set([
        ...(pkg.include || []),
        ...(pkg.exclude || []).map((pattern) => `!${pattern}`),
        ...(pkg.patterns || []),
      ]),
    ];
    service.package = {
      ...(service.package || {}),
      patterns: [...new Set([...merged(service.package || {}), '!node_modules/serverless-esbuild'])],
    };
    for (const fn of Object.values(nodeFunctions(service))) {
      const patterns = merged(fn.package || {});
      fn.package = { ...(fn.package || {}), ...(patterns.length && { patterns }) };
    }
  }

  // index.js moveArtifacts(): artifacts end up named `.serverless/{zip}` in the saved state.
  nameArtifactsAsServerlessEsbuild() {
    const { service } = this.serverless;
    const local = (file) => path.join('.serverless', path.basename(file));
    if (!service.package.individually) {
      if (service.package.artifact) service.package.artifact = local(service.package.artifact);
      return;
    }
    for (const fn of Object.values(nodeFunctions(service))) {
      if (fn.package?.artifact) fn.package.artifact = local(fn.package.artifact);
    }
  }

  setArtifacts() {
    this.preparePatterns();
    const plan = planFor(this.serverless);
    // The framework checks that each artifact exists; the template only names it. An empty stand-in
    // in the output folder satisfies the check (prepare-services.ts removes it afterwards).
    const outDir = path.resolve(this.serverless.serviceDir, this.options.package || '.serverless');
    mkdirSync(outDir, { recursive: true });
    const standIn = (name) => {
      const file = path.join(outDir, name);
      writeFileSync(file, '');
      return file;
    };
    const { service } = this.serverless;
    for (const artifact of plan.artifacts) {
      const file = standIn(artifact.name);
      if (!service.package.individually) service.package.artifact = file;
      else for (const alias of artifact.functions) service.functions[alias].package = { artifact: file };
    }
  }
}

module.exports = BundlePlanPlugin;
module.exports.planFor = planFor;
