// The template compiler: one Node process that runs `serverless package` for several services,
// loading the framework and its plugins once instead of once per service (most of the 2–3 s a
// `serverless package` takes is spent requiring modules). Forked by compiler-process.ts, it receives
// one job over IPC and answers one message per service: its bundle plan as soon as its configuration
// is resolved (so bundling starts while templates compile), then `compiled` or `failed`; and once
// `planned`, when every configuration has been resolved and the plans known from them sent.
//
// It follows the framework's own command line (osls scripts/serverless.js) for the `package`
// command of an AWS service: read serverless.yml, resolve variables in the same phases and with the
// same sources, construct `Serverless`, load plugins, resolve the rest, run the lifecycle. Only
// serverless-esbuild is swapped for bundle-plan-plugin.js, which sets the artifacts serverless-esbuild
// would set and reports how it would bundle, without bundling: the local stage bundles itself with
// exactly those esbuild options. The packaging test compares the result with `serverless package`.
//
// Plain JavaScript: it runs under plain `node`, without the tsx loader of the stage's process.

const Module = require('node:module');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { installCompileCache } = require('./compile-cache');

// First, so that every module of the framework is compiled through it (see compile-cache.js).
const codeCache = process.argv[3]
  ? installCompileCache(process.argv[3], {
      wanted: (filename) => filename.includes(`${path.sep}node_modules${path.sep}`),
    })
  : undefined;

const PLAN_PLUGIN = path.join(__dirname, 'bundle-plan-plugin.js');
const BundlePlanPlugin = require(PLAN_PLUGIN);
const resolveFilename = Module._resolveFilename;

/**
 * Every `require('serverless-esbuild')`, including the framework's plugin loader resolving it from a
 * service folder, gets the plan plugin instead.
 */
function standInForServerlessEsbuild() {
  Module._resolveFilename = function (request, ...rest) {
    return request === 'serverless-esbuild' ? PLAN_PLUGIN : resolveFilename.call(this, request, ...rest);
  };
}

const PLAN_PROPERTIES = ['service', 'provider', 'functions', 'package', 'custom\0esbuild', 'plugins'];

/**
 * The bundle plan, from the configuration as soon as what it depends on is resolved, so bundling can
 * start while the framework is still loading plugins. `bundlePlan` then says what the plugins made of
 * it; the stage bundles again if that differs. Undefined when it cannot be known yet.
 */
function earlyPlan(serviceDir, configuration, variablesMeta) {
  const unresolved = Array.from(variablesMeta.keys());
  if (
    unresolved.some((key) =>
      PLAN_PROPERTIES.some((prefix) => key === prefix || key.startsWith(`${prefix}\0`)),
    )
  )
    return undefined;
  const plugins = Array.isArray(configuration.plugins)
    ? configuration.plugins
    : configuration.plugins?.modules || [];
  if (!plugins.includes('serverless-esbuild')) return undefined;
  const plan = BundlePlanPlugin.planFor({ service: configuration, serviceDir });
  return plan.bundler === 'local-stage' ? plan : undefined;
}

/**
 * How the service's functions get their code: bundled by the local stage as the plan says, by the
 * real serverless-esbuild (handed over here, before the lifecycle runs), or by the framework's own
 * packaging when the service does not use serverless-esbuild.
 */
function bundlePlan(serverless) {
  const stub = serverless.pluginManager.plugins.find((plugin) => plugin instanceof BundlePlanPlugin);
  if (!stub) return { bundler: 'framework' };
  const plan = BundlePlanPlugin.planFor(serverless);
  if (plan.bundler === 'serverless-esbuild') {
    stub.useServerlessEsbuild(
      resolveFilename('serverless-esbuild', null, false, { paths: [serverless.serviceDir] }),
    );
  }
  return plan;
}

/**
 * The framework's modules this process uses. What only loading a service needs (the Serverless class
 * and the plugins it pulls in: most of the loading time) is required on first use, after every
 * service's configuration is resolved and its plan sent, so bundling starts that much earlier.
 */
function frameworkModules(frameworkDir) {
  const load = (relative) => require(path.join(frameworkDir, relative));
  // The json-cycle the framework writes its state and templates with, made linear (see json-cycle.js).
  Object.assign(require(require.resolve('json-cycle', { paths: [frameworkDir] })), require('./json-cycle'));
  const sources = 'lib/configuration/variables/sources/';
  return {
    resolveInput: load('lib/cli/resolve-input'),
    awsServiceCommands: load('lib/cli/commands-schema/aws-service'),
    readConfiguration: load('lib/configuration/read'),
    resolveProviderName: load('lib/configuration/resolve-provider-name'),
    resolveVariablesMeta: load('lib/configuration/variables/resolve-meta'),
    resolveVariables: load('lib/configuration/variables/resolve'),
    isPropertyResolved: load('lib/configuration/variables/is-property-resolved'),
    reportResolutionErrors: load('lib/configuration/variables/eventually-report-resolution-errors'),
    deferIrrelevantStageParams: load('lib/configuration/variables/defer-irrelevant-stage-params'),
    filterSupportedOptions: load('lib/cli/filter-supported-options'),
    conditionallyLoadDotenv: load('lib/cli/conditionally-load-dotenv'),
    ServerlessError: load('lib/serverless-error'),
    source: (name) => load(`${sources}${name}`),
    get Serverless() {
      return load('lib/serverless');
    },
    get resolveFinalCommands() {
      return load('lib/cli/commands-schema/resolve-final');
    },
    get resolveExternalPluginSources() {
      return load(`${sources}resolve-external-plugin-sources`);
    },
    get unresolvedSourceTypes() {
      return load('lib/configuration/variables/resolve-unresolved-source-types');
    },
    get ensureSupportedCommand() {
      return load('lib/cli/ensure-supported-command');
    },
    get safeShallowAssign() {
      return load('lib/utils/safe-object').safeShallowAssign;
    },
  };
}

/**
 * Resolves what of the service's configuration needs no Serverless instance, as `serverless package`
 * does first (reading .env files into the environment when `useDotenv` says so).
 */
async function resolveConfiguration(fw, serviceDir, argv) {
  fw.resolveInput.clear();
  const input = fw.resolveInput(fw.awsServiceCommands, argv);
  const configurationPath = path.join(serviceDir, 'serverless.yml');
  const configuration = await fw.readConfiguration(configurationPath);
  const variablesMeta = fw.resolveVariablesMeta(configuration);
  const report = () =>
    fw.reportResolutionErrors(configurationPath, configuration, variablesMeta, { isHelpRequest: false });
  const ensureResolved = (propertyPath) => {
    if (fw.isPropertyResolved(variablesMeta, propertyPath)) return;
    throw new fw.ServerlessError(
      `Cannot resolve serverless.yml: "${propertyPath.split('\0').join('.')}" property is not accessible ` +
        '(configured behind variables which cannot be resolved at this stage)',
      'INACCESSIBLE_CONFIGURATION_PROPERTY',
    );
  };
  report();
  const providerName = fw.resolveProviderName(configuration, { isHelpRequest: false });
  const resolver = {
    serviceDir,
    configuration,
    variablesMeta,
    sources: {
      env: fw.source('env'),
      file: fw.source('file'),
      opt: fw.source('opt'),
      self: fw.source('self'),
      strToBool: fw.source('str-to-bool'),
      sls: fw.source('instance-dependent/get-sls')(),
    },
    options: fw.filterSupportedOptions(input.options, { commandSchema: input.commandSchema, providerName }),
    fulfilledSources: new Set(['file', 'self', 'strToBool']),
    propertyPathsToResolve: new Set(['provider\0name', 'provider\0stage', 'useDotenv']),
  };
  resolver.isPropertyDeferred = fw.deferIrrelevantStageParams(configuration, resolver);
  // Phase 1: what the stage and .env loading depend on.
  await fw.resolveVariables(resolver);
  report();
  resolver.fulfilledSources.add('env');
  await fw.resolveVariables({
    ...resolver,
    propertyPathsToResolve: new Set(['provider\0stage', 'useDotenv']),
  });
  report();
  ensureResolved('provider\0stage');
  await fw.conditionallyLoadDotenv(input.options, configuration);
  // Phase 2: everything that needs no Serverless instance.
  delete resolver.propertyPathsToResolve;
  await fw.resolveVariables(resolver);
  report();
  for (const property of ['plugins', 'package\0path', 'frameworkVersion', 'service']) {
    if (variablesMeta.size) ensureResolved(property);
  }
  return { serviceDir, argv, input, configuration, variablesMeta, resolver, providerName, report };
}

/**
 * Constructs the Serverless instance, loads its plugins and resolves the rest of the configuration,
 * as `serverless package` does before running the lifecycle. Resolves with the instance, ready to run.
 */
async function loadService(fw, resolved) {
  const { serviceDir, argv, configuration, variablesMeta, resolver, providerName, report } = resolved;
  let { input } = resolved;
  const serverless = new fw.Serverless({
    configuration,
    serviceDir,
    configurationFilename: 'serverless.yml',
    ...input,
    isContainerCommand: false,
    isHelpRequest: false,
    variablesMeta,
  });
  serverless.invocationId = randomUUID();
  await serverless.init();
  if (serverless.pluginManager.externalPlugins.size) {
    // Plugins may add commands and options: parse the command line again against the final schema.
    const commands = fw.resolveFinalCommands(serverless.pluginManager.externalPlugins, {
      providerName,
      configuration,
    });
    fw.resolveInput.clear();
    input = fw.resolveInput(commands, argv);
  }
  Object.assign(serverless.processedInput, input);
  serverless.pluginManager.cliCommands = input.commands;
  const cliOptions = serverless.pluginManager.cliOptions;
  for (const key of Object.keys(cliOptions)) delete cliOptions[key];
  fw.safeShallowAssign(cliOptions, input.options);
  fw.ensureSupportedCommand(configuration, input);
  if (variablesMeta.size)
    await resolveInstanceVariables(fw, serverless, resolver, input, providerName, report);
  return serverless;
}

/** Phase 3: the sources that need the Serverless instance (sls, param) and those of plugins. */
async function resolveInstanceVariables(fw, serverless, resolver, input, providerName, report) {
  const { configuration, variablesMeta } = resolver;
  resolver.options = fw.filterSupportedOptions(input.options, {
    commandSchema: input.commandSchema,
    providerName,
  });
  resolver.fulfilledSources.add('opt');
  resolver.sources.sls = fw.source('instance-dependent/get-sls')(serverless);
  resolver.sources.param = fw.source('instance-dependent/param')(serverless);
  resolver.fulfilledSources.add('sls').add('param');
  if (providerName === 'aws') {
    await fw.resolveVariables(resolver);
    if (!variablesMeta.size) return;
    report();
    // ${cf:…}, ${s3:…}, ${ssm:…} and ${aws:…} ask AWS: registered as the command line does, they fail
    // here for want of credentials, which is the point (packaging must need none).
    Object.assign(resolver.sources, {
      cf: fw.source('instance-dependent/get-cf')(serverless),
      s3: fw.source('instance-dependent/get-s3')(serverless),
      ssm: fw.source('instance-dependent/get-ssm')(serverless),
      aws: fw.source('instance-dependent/get-aws')(serverless),
    });
    resolver.fulfilledSources.add('cf').add('s3').add('ssm').add('aws');
  }
  fw.resolveExternalPluginSources(configuration, resolver, serverless.pluginManager.externalPlugins);
  await fw.resolveVariables(resolver);
  for (const propertyPath of Array.from(variablesMeta.keys())) {
    if (resolver.isPropertyDeferred(propertyPath) && !variablesMeta.get(propertyPath).error) {
      variablesMeta.delete(propertyPath);
    }
  }
  if (!variablesMeta.size) return;
  report();
  const unresolved = fw.unresolvedSourceTypes(variablesMeta);
  const unknown = Array.from(unresolved.keys()).filter((name) => !(name in resolver.sources));
  throw new fw.ServerlessError(
    `Unrecognized configuration variable sources: "${unknown.join('", "')}"`,
    'UNRECOGNIZED_VARIABLE_SOURCES',
  );
}

/**
 * Runs `fn` in the service's folder and in its own environment, as if it had the process to itself:
 * .env files load into `service.env`, not into the next service's.
 */
async function inService(service, fn) {
  const saved = { ...process.env };
  replaceEnvironment(service.env);
  process.chdir(service.dir);
  try {
    return await fn();
  } finally {
    service.env = { ...process.env };
    replaceEnvironment(saved);
  }
}

function replaceEnvironment(values) {
  for (const name of Object.keys(process.env)) if (!(name in values)) delete process.env[name];
  Object.assign(process.env, values);
}

function describeError(error) {
  if (error && typeof error === 'object' && 'message' in error) {
    const code = error.code ? ` [${error.code}]` : '';
    return `${error.message}${code}`;
  }
  return String(error);
}

/**
 * One job: `{ frameworkDir, stage, region?, services: [{ dir, outDir }] }`. Every service's plan is
 * sent as soon as it is known: first each configuration is resolved, then each service's plugins
 * loaded, then each one's package lifecycle runs.
 */
async function compile(job, loaded) {
  const fw = loaded ?? frameworkModules(job.frameworkDir);
  const services = job.services.map((service) => ({ ...service, env: { ...process.env }, sent: undefined }));
  const fail = (service, error) => {
    service.failed = true;
    process.send({ type: 'failed', dir: service.dir, message: describeError(error) });
  };
  const sendPlan = (service, plan) => {
    const text = JSON.stringify(plan);
    if (plan && text !== service.sent) process.send({ type: 'plan', dir: service.dir, plan });
    service.sent = text;
  };
  for (const service of services) {
    const argv = ['package', '--stage', job.stage, '--package', service.outDir];
    if (job.region) argv.push('--region', job.region);
    try {
      service.resolved = await inService(service, () => resolveConfiguration(fw, service.dir, argv));
      const { configuration, variablesMeta } = service.resolved;
      sendPlan(service, earlyPlan(service.dir, configuration, variablesMeta));
    } catch (error) {
      fail(service, error);
    }
  }
  // Every plan known from configurations alone has been sent: the stage bundles them together.
  process.send({ type: 'planned' });
  for (const service of services.filter((candidate) => !candidate.failed)) {
    try {
      service.serverless = await inService(service, () => loadService(fw, service.resolved));
      sendPlan(service, bundlePlan(service.serverless));
    } catch (error) {
      fail(service, error);
    }
  }
  for (const service of services.filter((candidate) => !candidate.failed)) {
    try {
      await inService(service, () => service.serverless.run());
      process.send({ type: 'compiled', dir: service.dir });
    } catch (error) {
      fail(service, error);
    }
  }
}

// Started with the framework's folder as argument (and its code cache's file), it loads what
// resolving configurations needs at once, while the process that forked it gets ready to send the job.
standInForServerlessEsbuild();
const preloaded = process.argv[2] ? frameworkModules(process.argv[2]) : undefined;
// Forked ahead and not needed after all, or left behind by a stage that stopped: nothing to do.
process.once('disconnect', () => process.exit(0));

process.once('message', (job) => {
  compile(job, job.frameworkDir === process.argv[2] ? preloaded : undefined).then(
    () => {
      // Every outcome is sent: what the next start can reuse is written while the stage goes on.
      codeCache?.save();
      process.disconnect();
    },
    (error) => {
      process.send({ type: 'crashed', message: describeError(error) }, () => process.exit(1));
    },
  );
});
