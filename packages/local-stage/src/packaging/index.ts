export { hasCompleteArtifacts, packageDir } from './artifacts';
export { PackagingError } from './errors';
export { inputsHash } from './inputs-hash';
export { type LocalBuild, localBuildOf } from './local-build';
export { type PackageOptions, type PackagingState, packageServices } from './package-services';
export {
  nodeServerlessRunner,
  type RunServerless,
  serverlessBin,
  serverlessEnv,
  serverlessHome,
} from './serverless-runner';
export { findServices, type ServiceDir } from './services';
export { workspaceDependencyDirs, workspacePackages } from './workspaces';
