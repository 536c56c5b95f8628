/**
 * The fault-injection suite (`npm run test:faults`): the built system with NATS, PostgreSQL and S3
 * servers of its own, under load, while processes are killed and dependencies restarted or paused.
 * Kept apart from `npm test` because it must run alone: it measures recovery times and memory.
 */
const base = require('./jest.config.js').projects.find((p) => p.displayName === 'e2e');

module.exports = {
  ...base,
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/faults-timeout.ts'],
};
