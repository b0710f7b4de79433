import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { CqrsModule, EventBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Db, MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import {
  createEventProducer,
  createKafka,
  ensureTopics,
  adoptConnection,
  EventRegistry,
  KEY_VAULT_DATABASE_SUFFIX,
  MongoEventStore,
  MongoKeyStore,
  OutboxRelay,
  PersonalDataVault,
  retryWithBackoff,
  ServiceName,
} from '@callcenter/events';
import { CountAppendedEvents, EventsCommitted } from './after-commit';
import { AuthModule, oidcAudience } from './auth';
import { kafkaSecurity, PlatformConfig } from './config';
import { HealthController, InfrastructureHealth } from './health';
import { kafkaLogger, loggingParams } from './logging';
import { backboneMetrics } from './metrics';
import {
  EVENT_PRODUCER,
  EVENT_STORE,
  HEALTH_KAFKA_ADMIN,
  KAFKA,
  LAZY_KAFKA,
  MONGO_CLIENT,
  MONGO_DB,
  PERSONAL_DATA,
  PLATFORM_CONFIG,
  READINESS,
  ReadinessGate,
  SERVICE_NAME,
} from './tokens';

export interface PlatformOptions {
  service: ServiceName;
  config: PlatformConfig;
  /** The topic this service writes; services that only read (analytics) have none. */
  topic?: string;
  /** Topics this service reads; created if missing so a consumer can start before their writer. */
  consumes?: string[];
  registry?: EventRegistry;
  /**
   * Connect to Kafka in the background after start-up, and be ready once the database answers
   * (intake: accepting a report needs only its database; the relay publishes what was stored once
   * Kafka is there). Without it a service needs Kafka to start and to be ready.
   */
  lazyKafka?: boolean;
  /** The service's own condition for readiness, beside its database and Kafka. */
  readiness?: ReadinessGate;
}

async function retry<T>(what: string, attempts: number, fn: () => Promise<T>): Promise<T> {
  return retryWithBackoff(fn, { attempts, initialMs: 200, maxMs: 2_000 }).catch((e: Error) => {
    throw new Error(`${what} unreachable after ${attempts} attempts: ${e.message}`, { cause: e });
  });
}

/** Provisions topics at start and runs the outbox relay for as long as the service runs. */
@Injectable()
@EventsHandler(EventsCommitted)
class BackboneLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown, IEventHandler<EventsCommitted> {
  private relay?: OutboxRelay;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(HEALTH_KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(EVENT_PRODUCER) private readonly producer: Producer,
    @Inject(MONGO_CLIENT) private readonly mongo: MongoClient,
    @Inject('PLATFORM_TOPICS') private readonly topics: string[],
    @Inject(LAZY_KAFKA) private readonly lazyKafka: boolean,
    @Optional() @Inject(EVENT_STORE) private readonly store?: MongoEventStore,
  ) {}

  private stopping = false;
  private connecting?: Promise<void>;

  async onModuleInit() {
    if (!this.lazyKafka)
      await ensureTopics(
        this.admin,
        this.topics.map((topic) => ({ topic })),
        this.config.TOPIC_PARTITIONS,
      );
    if (this.store) {
      await this.store.ensureIndexes();
    }
  }

  onApplicationBootstrap() {
    if (this.lazyKafka) this.connecting = this.connectKafkaInBackground();
    else this.startRelay();
  }

  /** Until it succeeds or the service stops: topics, then the producer, then the relay. */
  private async connectKafkaInBackground() {
    const logger = kafkaLogger('Backbone');
    await retryWithBackoff(
      async (attempt) => {
        await this.admin.connect();
        await ensureTopics(
          this.admin,
          this.topics.map((topic) => ({ topic })),
          this.config.TOPIC_PARTITIONS,
        );
        if (this.store) await this.producer.connect();
        if (this.stopping) return;
        this.startRelay();
        if (attempt > 1) logger.log(`Kafka reached after ${attempt} attempts; publishing what was stored meanwhile`);
      },
      {
        initialMs: 250,
        maxMs: 5_000,
        stopped: () => this.stopping,
        onRetry: (e, attempt) => {
          if (attempt === 1 || attempt % 10 === 0)
            logger.warn(`Kafka not reachable yet (attempt ${attempt}); reports are stored and published once it is: ${(e as Error).message}`);
        },
      },
    ).catch(() => undefined); // only when stopping
  }

  /** A commit of this process goes to the relay's queue at once (before it runs, its start-up scan finds it). */
  handle({ commit }: EventsCommitted): void {
    this.relay?.appended(commit);
  }

  private startRelay() {
    if (!this.store) return;
    this.relay = new OutboxRelay(this.store, this.producer, {
      followAppends: false,
      recoveryIntervalMs: this.config.OUTBOX_RECOVERY_INTERVAL_MS,
      logger: kafkaLogger('OutboxRelay'),
      onRound: (r) => {
        backboneMetrics.published.inc(r.events);
        const { relayRound } = backboneMetrics;
        relayRound.observe({ phase: 'prepare' }, (r.sentAt - r.startedAt) / 1000);
        relayRound.observe({ phase: 'kafka' }, (r.ackedAt - r.sentAt) / 1000);
        relayRound.observe({ phase: 'mark' }, (r.markedAt - r.ackedAt) / 1000);
      },
    });
    this.relay.start();
  }

  /** The relay finishes its batch before Kafka and the database close. */
  async beforeApplicationShutdown() {
    this.stopping = true;
    await this.relay?.stop();
  }

  async onApplicationShutdown() {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.mongo.close().catch(() => undefined);
  }
}

@Module({})
export class PlatformModule {
  static forService(options: PlatformOptions): DynamicModule {
    const { config, service } = options;
    const topics = [...(options.topic ? [options.topic] : []), ...(options.consumes ?? [])];
    const providers = [
      { provide: PLATFORM_CONFIG, useValue: config },
      { provide: SERVICE_NAME, useValue: service },
      { provide: 'PLATFORM_TOPICS', useValue: topics },
      { provide: LAZY_KAFKA, useValue: options.lazyKafka ?? false },
      ...(options.readiness ? [{ provide: READINESS, useValue: options.readiness }] : []),
      {
        // The client mongoose connected (MongooseModule below): the event store, the outbox and the
        // key store use the driver on it, the read models' schemas the same connection, one pool.
        provide: MONGO_CLIENT,
        useFactory: (connection: Connection) => connection.getClient(),
        inject: [getConnectionToken()],
      },
      {
        provide: MONGO_DB,
        useFactory: (client: MongoClient) => client.db(`${config.MONGODB_DB_PREFIX}_${service}`),
        inject: [MONGO_CLIENT],
      },
      {
        // One key store for the platform (like a key management service), reached only through the vault.
        provide: PERSONAL_DATA,
        useFactory: (client: MongoClient) =>
          new PersonalDataVault(new MongoKeyStore(client.db(`${config.MONGODB_DB_PREFIX}_${KEY_VAULT_DATABASE_SUFFIX}`)), config.PERSONAL_DATA_MASTER_KEY),
        inject: [MONGO_CLIENT],
      },
      {
        provide: KAFKA,
        useFactory: () => createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: service, logger: kafkaLogger('Kafka'), ...kafkaSecurity(config) }),
      },
      {
        // Its own client with few retries: a health probe must answer fast, not retry for a minute.
        provide: HEALTH_KAFKA_ADMIN,
        useFactory: async () => {
          const kafka = createKafka({
            clientId: `${service}-admin`,
            brokers: config.KAFKA_BROKERS.split(','),
            connectionTimeout: 1_500,
            requestTimeout: 5_000,
            retry: { retries: 1, initialRetryTime: 100 },
            ...kafkaSecurity(config),
          });
          const admin = kafka.admin();
          if (!options.lazyKafka) await retry('kafka', 15, () => admin.connect());
          return admin;
        },
      },
      {
        provide: EVENT_PRODUCER,
        useFactory: async (kafka: Kafka) => {
          const producer = createEventProducer(kafka);
          // Only a service with a topic of its own writes events. An idempotent producer asks the
          // broker for a producer id, which ACLs grant only to a principal allowed to write somewhere.
          if (options.topic && !options.lazyKafka) await retry('kafka', 10, () => producer.connect());
          return producer;
        },
        inject: [KAFKA],
      },
      ...(options.topic
        ? [
            {
              provide: EVENT_STORE,
              useFactory: (db: Db, bus: EventBus) => {
                const store = new MongoEventStore(db, { producer: service, topic: options.topic!, registry: options.registry });
                // The store's only listener: everything else hears of a commit on the EventBus.
                store.onAppended((commit) => bus.publish(new EventsCommitted(commit)));
                return store;
              },
              inject: [MONGO_DB, EventBus],
            },
          ]
        : []),
      BackboneLifecycle,
      CountAppendedEvents,
      InfrastructureHealth,
    ];
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggingParams(service, config.LOG_LEVEL)),
        MongooseModule.forRootAsync({
          useFactory: () => ({
            uri: config.MONGODB_URI,
            dbName: `${config.MONGODB_DB_PREFIX}_${service}`,
            appName: service,
            serverSelectionTimeoutMS: 5_000,
            retryAttempts: 10,
            retryDelay: 1_000,
            // Indexes are built by each store's ensureIndexes at start, and a call fails during an
            // outage as it does through the driver rather than waiting in mongoose's buffer.
            autoIndex: false,
            autoCreate: false,
            bufferCommands: false,
            connectionFactory: (connection: Connection) => (adoptConnection(connection), connection),
          }),
        }),
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        ...(config.METRICS_ENABLED ? [PrometheusModule.register({ path: '/metrics', defaultLabels: { service } })] : []),
        AuthModule.forRoot({ ...config, OIDC_AUDIENCE: config.OIDC_AUDIENCE || oidcAudience(service) }),
      ],
      controllers: [HealthController],
      providers,
      exports: [PLATFORM_CONFIG, SERVICE_NAME, MONGO_CLIENT, MONGO_DB, KAFKA, EVENT_PRODUCER, PERSONAL_DATA, ...(options.topic ? [EVENT_STORE] : [])],
    };
  }
}
