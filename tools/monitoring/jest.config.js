const { projectConfig } = require('../../jest.preset');

module.exports = projectConfig('tools/monitoring');
