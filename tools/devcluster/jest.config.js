const path = require('node:path');
const { projectConfig } = require('../../jest.preset');

// The cluster test brings up its own cluster (not the dev stack): no globalSetup.
const config = projectConfig('tools/devcluster', { integration: false });
const unit = config.projects[0];
config.projects.push({
  ...unit,
  displayName: 'integration',
  testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
});
module.exports = config;
