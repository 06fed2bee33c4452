// Three projects picked by file name (emmett's convention): *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testEnvironment: 'node',
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

// A generous bound per test and hook (tests wait on conditions, so a passing run never waits for
// them): on a loaded 2-core machine a Kafka broker took 50 s to start and 17 s to restart.
module.exports = {
  testTimeout: 300_000,
  // Known leak, not yet found: after test/kafka/notifier-dead-letters.int.spec.ts passes, something
  // (no handle the test's own cleanup can see; suspected in the Kafka harness's teardown) keeps
  // jest from exiting, which would hold CI until its time limit. Exit once the run has finished;
  // every suite's own afterAll still closes what it opened.
  forceExit: true,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e.spec.ts'] },
  ],
};
