const { projectConfig } = require('../../jest.preset');

// The pipeline test deploys to the dev cluster (not the dev stack): no globalSetup.
const config = projectConfig('tools/ci', { integration: false });
const unit = config.projects[0];
config.projects.push({
  ...unit,
  displayName: 'integration',
  testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
});
module.exports = config;
