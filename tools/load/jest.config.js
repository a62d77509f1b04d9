const { projectConfig } = require('../../jest.preset');

module.exports = projectConfig('tools/load');
