/** Injection tokens for the infrastructure the platform module provides. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const MONGO_CLIENT = Symbol('MONGO_CLIENT');
export const MONGO_DB = Symbol('MONGO_DB');
export const KAFKA = Symbol('KAFKA');
export const EVENT_PRODUCER = Symbol('EVENT_PRODUCER');
export const HEALTH_KAFKA_ADMIN = Symbol('HEALTH_KAFKA_ADMIN');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
/** Whether Kafka is connected after start-up and left out of readiness (PlatformOptions.lazyKafka). */
export const LAZY_KAFKA = Symbol('LAZY_KAFKA');
/** The PersonalDataVault (libs/events personal-data): seals and opens reporters' personal data. */
export const PERSONAL_DATA = Symbol('PERSONAL_DATA');
/** An optional ReadinessGate (PlatformOptions.readiness): the service's own condition for /health/ready. */
export const READINESS = Symbol('READINESS');

/** A condition of the service itself for readiness (analytics: its read models have caught up). */
export interface ReadinessGate {
  readonly name: string;
  state(): { ready: boolean } & Record<string, unknown>;
}
