const { projectConfig } = require('../../jest.preset');

module.exports = projectConfig('libs/contracts');
