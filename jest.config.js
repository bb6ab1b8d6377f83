// Projects of one runner: `unit` never touches the network; `packaging` compiles every service offline;
// `integration` runs against a stage
// (an ephemeral local stage by default, a deployed AWS stage when STAGE is set).
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

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
      testMatch: ['<rootDir>/scripts/test/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/services/*/test/integration/**/*.test.ts'],
    },
  ],
};
