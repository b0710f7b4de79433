/**
 * Every value that has been published as an example or a development default of a setting, so
 * production can refuse a secret or key copied from the documentation. Its unit test asserts that
 * every value in `.env.example` is here (the file is not read at run time: production images need
 * not carry it), so the two cannot drift.
 */
export const KNOWN_DEVELOPMENT_VALUES: readonly string[] = [
  // .env.example, line by line (and each key of INTAKE_API_KEYS on its own)
  'development',
  '1',
  '127.0.0.1:9092',
  'mongodb://127.0.0.1:27017',
  'callcenter',
  '6',
  'info',
  '127.0.0.1',
  'change-me-to-a-long-random-secret',
  'change-me-local-caller-reference-key',
  'change-me-local-personal-data-master-key',
  'mobile-app=dev-key-mobile-app-0001,web-portal=dev-key-web-portal-0001,hotline-110=dev-key-hotline-110-0001',
  'dev-key-mobile-app-0001',
  'dev-key-web-portal-0001',
  'dev-key-hotline-110-0001',
  '2000',
  '50051',
  '3001',
  '3002',
  '3003',
  '3004',
  '10000',
  // class defaults of secrets (PlatformConfig, TriageConfig, IntakeConfig), also refused by @DevelopmentDefault
  'local-development-secret-change-me',
  'local-development-caller-ref-key',
  'local-development-personal-data-master-key',
  'dev-key-sms-gateway-0001',
  'dev-key-whatsapp-gw-0001',
  // secrets the tests and docs have used
  'unit-test-secret-0123456789',
];

/** What marks a value as one for local use, whatever the list above holds. */
export function isDevelopmentValue(value: string): boolean {
  return KNOWN_DEVELOPMENT_VALUES.includes(value) || value.startsWith('dev-key-') || value.includes('change-me');
}
