import { Controller, Get, Inject, Injectable, Optional } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, MongooseHealthIndicator } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import type { Db } from 'mongodb';
import { HEALTH_KAFKA_ADMIN, LAZY_KAFKA, MONGO_DB, READINESS, ReadinessGate } from './tokens';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

@Injectable()
export class InfrastructureHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(HEALTH_KAFKA_ADMIN) private readonly admin: Admin,
    private readonly mongooseHealth: MongooseHealthIndicator,
  ) {}

  async database() {
    const indicator = this.indicators.check('database');
    try {
      await withTimeout(this.db.command({ ping: 1 }), 2_000, 'database');
      return indicator.up();
    } catch (e) {
      return indicator.down({ error: (e as Error).message });
    }
  }

  /**
   * Terminus' Mongoose check: the connection the services share is open. It reads mongoose's
   * state, which learns of a lost server only at the next heartbeat, so the ping above stays too.
   */
  mongoose() {
    return this.mongooseHealth.pingCheck('mongoose', { timeout: 2_000 });
  }

  async kafka() {
    const indicator = this.indicators.check('kafka');
    try {
      const cluster = await withTimeout(this.admin.describeCluster(), 2_000, 'kafka');
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (e) {
      return indicator.down({ error: (e as Error).message });
    }
  }

  service(gate: ReadinessGate) {
    const { ready, ...detail } = gate.state();
    const indicator = this.indicators.check(gate.name);
    return ready ? indicator.up(detail) : indicator.down(detail);
  }
}

/**
 * Liveness: the process answers. Readiness: its database and Kafka answer too; only the database
 * for a service that connects to Kafka lazily (intake accepts reports while Kafka is away); and the
 * service's own gate when it has one (analytics is not ready while its read models warm up).
 */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly infrastructure: InfrastructureHealth,
    @Optional() @Inject(LAZY_KAFKA) private readonly lazyKafka = false,
    @Optional() @Inject(READINESS) private readonly gate?: ReadinessGate,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const database = [() => this.infrastructure.database(), () => this.infrastructure.mongoose()];
    const checks = this.lazyKafka ? database : [...database, () => this.infrastructure.kafka()];
    const gate = this.gate;
    return this.health.check(gate ? [...checks, () => this.infrastructure.service(gate)] : checks);
  }
}
