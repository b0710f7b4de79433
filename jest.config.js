// Test tiers by suffix: *.unit.spec.ts (pure, no I/O), *.int.spec.ts (real Kafka + database),
// *.e2e.spec.ts (services booted for real). scripts/test.sh starts the infrastructure first.
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));
// jose, openid-client (and its oauth4webapi) ship only ES modules; jest's CommonJS runtime gets
// them compiled by swc like our own code (plain node requires them natively).
const esmOnly = ['jose', 'openid-client', 'oauth4webapi'];
const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false, sourceMaps: 'inline' }],
  [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: [
    '@swc/jest',
    { swcrc: false, module: { type: 'commonjs' }, jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } } },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];
const moduleNameMapper = {
  '^@callcenter/(api-client|contracts|events|platform|testing)$': '<rootDir>/libs/$1/src',
};
const common = {
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/suites', '<rootDir>/tools'],
};

module.exports = {
  testTimeout: 180_000,
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
