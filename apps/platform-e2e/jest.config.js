const { projectConfig } = require('../../jest.preset');

module.exports = projectConfig('apps/platform-e2e');
