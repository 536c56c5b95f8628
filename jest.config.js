/** Three tiers (see docs/architecture.md): unit, integration (real Postgres/NATS), end to end. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

/**
 * NestJS 12 (and a few packages it loads) ship only ES modules. Node 22 can `require()` them, so
 * the built app in dist/ loads them as they are, but Jest's module loader cannot: those files are
 * compiled to CommonJS on their way into a test, like the project's own sources. Everything else
 * in node_modules stays untransformed.
 */
const esmOnly = ['@nestjs'];
const swcEsm = [
  '@swc/jest',
  {
    jsc: { target: 'es2023', parser: { syntax: 'ecmascript' }, keepClassNames: true },
    module: { type: 'commonjs' },
  },
];

const moduleNameMapper = {
  '^@app/contracts(|/.*)$': '<rootDir>/libs/contracts/src$1',
  '^@app/(bus|config|database|jwt|logging|metrics|representation)$': '<rootDir>/libs/$1/src',
};

const base = {
  rootDir: __dirname,
  // The browser's scripts (apps/gateway/src/web/static/*.js) are ES modules; their unit tests run them in Node.
  transform: {
    '^.+\\.ts$': swc,
    '/static/[^/]+\\.js$': swc,
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swcEsm,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};

/**
 * Where PostgreSQL, NATS and S3 come from for the tiers that need them: the local services, or
 * containers when no TEST_DATABASE_URL is given and a container runtime answers (test/setup).
 */
const containers = {
  globalSetup: '<rootDir>/test/setup/containers-setup.ts',
  globalTeardown: '<rootDir>/test/setup/containers-teardown.ts',
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      // testTimeout is a global option in Jest 30; per tier it is set by a setup file.
      setupFilesAfterEnv: ['<rootDir>/test/setup/integration-timeout.ts'],
      ...containers,
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
      ...containers,
    },
  ],
};
