// Test tiers by suffix: *.unit.spec.ts (pure, no I/O), *.int.spec.ts (real Kafka + database),
// *.e2e.spec.ts (services booted for real). scripts/test.sh starts the infrastructure first.
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false, sourceMaps: 'inline' }] };
const moduleNameMapper = {
  '^@callcenter/(contracts|events|platform|testing)$': '<rootDir>/libs/$1/src',
};
const common = { transform, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname, roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/suites', '<rootDir>/tools'] };

module.exports = {
  testTimeout: 180_000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
