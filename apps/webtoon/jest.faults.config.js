// The whole-platform fault tests (test/faults/*.fault-spec.ts): the integration setup (the
// dev stack, long timeouts), run on their own and after the integration tests, because they
// stop and start the dev stack's servers.
const base = require('./jest.config');

const integration = base.projects.find((project) => project.displayName === 'integration');

module.exports = {
  ...base,
  projects: [
    {
      ...integration,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
    },
  ],
};
