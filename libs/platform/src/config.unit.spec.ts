import { IsInt, Max, Min } from 'class-validator';
import { InvalidConfiguration, loadConfig, PlatformConfig } from './config';

class ServiceConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  SERVICE_HTTP_PORT = 3000;
}

describe('configuration', () => {
  it('uses defaults and reads numbers from the environment as numbers', () => {
    const config = loadConfig(ServiceConfig, { NODE_ENV: 'development', SERVICE_HTTP_PORT: '13001', TOPIC_PARTITIONS: '12' });
    expect(config.SERVICE_HTTP_PORT).toBe(13001);
    expect(config.TOPIC_PARTITIONS).toBe(12);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });

  it('stops with a message naming every bad setting', () => {
    let error: InvalidConfiguration | undefined;
    try {
      loadConfig(ServiceConfig, { SERVICE_HTTP_PORT: 'eighty', KAFKA_BROKERS: 'localhost', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e as InvalidConfiguration;
    }
    expect(error).toBeInstanceOf(InvalidConfiguration);
    for (const name of ['SERVICE_HTTP_PORT', 'KAFKA_BROKERS', 'MONGODB_URI', 'LOG_LEVEL']) expect(error!.message).toContain(name);
  });

  it('refuses the development secret in production', () => {
    expect(() => loadConfig(ServiceConfig, { NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
    const production = { NODE_ENV: 'production', OIDC_ISSUER: 'https://sso.example.org', PERSONAL_DATA_MASTER_KEY: 'a-real-master-key-0123456789abcdefghij' };
    expect(() => loadConfig(ServiceConfig, { ...production, AUTH_JWT_SECRET: 'a-real-production-secret-0123' })).toThrow(
      /AUTH_JWT_SECRET: must be at least 32 bytes/,
    );
    expect(loadConfig(ServiceConfig, { ...production, AUTH_JWT_SECRET: 'a-real-production-secret-0123456789abcdef' }).NODE_ENV).toBe('production');
  });
});
