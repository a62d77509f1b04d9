// Shared Jest setup: SWC compiles TypeScript (with decorator metadata, as Nest needs) and
// resolves the @lib/* aliases from .swcrc. Each project has two Jest projects:
// `unit` (*.spec.ts beside the code, fakes allowed) and `integration` (test/*.int-spec.ts,
// real infrastructure from the dev stack).
const path = require('node:path');

const transform = {
  '^.+\\.ts$': ['@swc/jest', { swcrc: true }],
  // jose 6 ships ESM only, and Jest on Node 20 cannot require(esm): compile it to CommonJS.
  '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];

function projectConfig(projectRoot, { integration = true } = {}) {
  const rootDir = path.resolve(__dirname, projectRoot);
  const projects = [
    {
      displayName: 'unit',
      rootDir,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/**/*.spec.ts'],
    },
  ];
  if (integration) {
    projects.push({
      displayName: 'integration',
      rootDir,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: path.resolve(__dirname, 'tools/test/global-setup.ts'),
      globalTeardown: path.resolve(__dirname, 'tools/test/global-teardown.ts'),
      // `testTimeout` is a global option that projects ignore; set it per test file instead.
      setupFilesAfterEnv: [path.resolve(__dirname, 'tools/test/integration-timeout.ts')],
    });
  }
  // Every failure also goes to the run's failure log, which `npm test` prints at its end
  // (tools/test/failure-log.js); CI (the Jenkinsfile) collects JUnit reports when
  // JEST_JUNIT_OUTPUT_DIR is set.
  const failureLog = path.resolve(__dirname, 'tools/test/failure-log.js');
  const reporters = ['default', failureLog];
  if (process.env.JEST_JUNIT_OUTPUT_DIR) reporters.push('jest-junit');
  return { projects, reporters, passWithNoTests: true };
}

module.exports = { projectConfig };
