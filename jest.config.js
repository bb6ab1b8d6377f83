// Projects of one runner: `unit` never touches the network; `packaging` compiles every service offline;
// `integration` runs against a stage: an ephemeral local stage by default, the deployed AWS stage
// named by STAGE otherwise (see packages/stage-harness).
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const againstAws = Boolean(process.env.STAGE) && process.env.STAGE !== 'local';
// A running `npm start` stage has no fixture services, and the suite must not stop it.
const againstRunningStage = Boolean(process.env.LOCAL_STAGE_DIR);

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/{packages,services}/*/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'packaging',
      testEnvironment: 'node',
      transform,
      testMatch: [
        '<rootDir>/scripts/test/**/*.test.ts',
        '<rootDir>/packages/local-stage/test/packaging/**/*.test.ts',
      ],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      globalSetup: '<rootDir>/packages/stage-harness/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/stage-harness/src/global-teardown.ts',
      testMatch: [
        '<rootDir>/services/*/test/integration/**/*.test.ts',
        // The local stage's own proofs (fixture services with IAM mistakes) exist only locally.
        ...(againstAws || againstRunningStage
          ? []
          : ['<rootDir>/packages/local-stage/test/integration/**/*.test.ts']),
      ],
    },
    // `npm run test:deploy` only: deploys into the moto server it started (TEST_DEPLOY_ENDPOINT).
    ...(process.env.TEST_DEPLOY_ENDPOINT
      ? [
          {
            displayName: 'deploy',
            testEnvironment: 'node',
            transform,
            testMatch: ['<rootDir>/scripts/test-deploy/**/*.test.ts'],
          },
        ]
      : []),
  ],
};
