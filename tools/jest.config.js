const { projectConfig } = require('../jest.preset');

const config = projectConfig('tools', { integration: false });
// devstack, images, monitoring, load and ci are Nx projects of their own, with their own test targets.
config.projects[0].testPathIgnorePatterns = [
  '/tools/devstack/',
  '/tools/images/',
  '/tools/monitoring/',
  '/tools/load/',
  '/tools/ci/',
];
module.exports = config;
