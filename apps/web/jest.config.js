const { projectConfig } = require('../../jest.preset');

module.exports = projectConfig('apps/web');
