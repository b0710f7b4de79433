import type { Kafka, Producer } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { IntakeGrpc } from '@callcenter/contracts';
import { TOPICS } from '@callcenter/events';
import { intakeClient } from './clients';
import { consumerGroupCaughtUp, RunningService, startService, startServices, testKafka, testMongo, uniqueDbName } from './index';

/**
 * A service's HTTP port, or its port and the environment of its own it starts with; and, for a
 * second instance of a service under a name of its own (`triageB`), which service it is.
 */
export type ServicePort = number | [httpPort: number, env: Record<string, string>, service?: string];

/** The group of a service that opens its work from the topic upstream (a triage case, an incident). */
const OPENERS: Record<string, [groupId: string, topics: string[]]> = {
  triage: ['triage-case-opener', [TOPICS.intake]],
  dispatch: ['dispatch-incident-opener', [TOPICS.triage]],
};

export interface SpecServicesOptions {
  /** Given to every service, after MONGODB_DB_PREFIX and before a service's own. */
  env?: Record<string, string>;
  /** intake's gRPC port: intake listens on it and the spec gets a client of it (`grpcIntake`). */
  intakeGrpc?: number;
  /** A connected idempotent producer (`producer`), for a spec that puts events on the topics itself. */
  producer?: boolean;
  /** Groups to wait for besides the openers of the services started. */
  caughtUp?: [groupId: string, topics: string[]][];
  /** Start the services one after another, each given 120 s to be ready, instead of all at once. */
  oneAtATime?: boolean;
  /** Databases dropped after the spec besides the services' own (`<prefix>_<name>`, e.g. 'keyvault'). */
  alsoDrop?: string[];
}

/** The services of one e2e spec and what its tests reach them with, ready once its `beforeAll` has run. */
export interface SpecServices<Name extends string> {
  /** Every service of the spec keeps its data in `<prefix>_<service>`. */
  prefix: string;
  running: Record<Name, RunningService>;
  mongo: MongoClient;
  /** A service's database of this spec (`<prefix>_<service>`). */
  database(service: string): Db;
  kafka: Kafka;
  producer: Producer;
  grpcIntake: IntakeGrpc.ReportIntakeClient;
  /** Stops a service (one already stopped or killed stays so) and starts it again with the same environment. */
  restart(name: Name): Promise<RunningService>;
}

/**
 * Registers an e2e spec's `beforeAll`: the services started at once as processes in databases of
 * the spec's own, and their opening groups caught up with what earlier suites left on the shared
 * topics; and its `afterAll`: everything stopped and the spec's databases dropped. Call it in a `describe`.
 */
export function servicesForSpec<Name extends string>(name: string, ports: Record<Name, ServicePort>, options: SpecServicesOptions = {}): SpecServices<Name> {
  const prefix = uniqueDbName(name);
  const names = Object.keys(ports) as Name[];
  /** Which service an instance is (its name, unless its port says otherwise). */
  const serviceOf = (instance: Name): string => (Array.isArray(ports[instance]) && ports[instance][2]) || instance;
  /** The environment an instance starts (and restarts) with. */
  const envOf = (instance: Name): Record<string, string> => {
    const own = ports[instance];
    const intake: Record<string, string> = serviceOf(instance) === 'intake' && options.intakeGrpc ? { INTAKE_GRPC_PORT: String(options.intakeGrpc) } : {};
    return { MONGODB_DB_PREFIX: prefix, ...intake, ...options.env, ...(Array.isArray(own) ? own[1] : {}) };
  };
  const spec = {
    prefix,
    running: {} as Record<Name, RunningService>,
    database: (service: string) => spec.mongo.db(`${prefix}_${service}`),
    async restart(instance: Name) {
      await spec.running[instance].stop();
      spec.running[instance] = await startService(serviceOf(instance), httpPort(ports[instance]), envOf(instance));
      return spec.running[instance];
    },
  } as SpecServices<Name>;

  beforeAll(async () => {
    spec.mongo = await testMongo();
    spec.kafka = testKafka();
    if (options.producer) {
      spec.producer = spec.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await spec.producer.connect();
    }
    if (options.oneAtATime) {
      for (const instance of names) {
        spec.running[instance] = await startService(serviceOf(instance), httpPort(ports[instance]), envOf(instance), { readyTimeoutMs: 120_000 });
      }
    } else {
      const started = await startServices(names.map((instance) => [serviceOf(instance), httpPort(ports[instance]), envOf(instance)]));
      names.forEach((instance, i) => (spec.running[instance] = started[i]));
    }
    const services = [...new Set(names.map(serviceOf))];
    for (const [groupId, topics] of [...services.flatMap((service) => (OPENERS[service] ? [OPENERS[service]] : [])), ...(options.caughtUp ?? [])]) {
      await consumerGroupCaughtUp(spec.kafka, groupId, topics);
    }
    if (options.intakeGrpc) spec.grpcIntake = intakeClient(options.intakeGrpc);
  });

  afterAll(async () => {
    spec.grpcIntake?.close();
    await spec.producer?.disconnect();
    // A service that does not stop in SHUTDOWN_TIMEOUT_MS exits with 1 and says what was open: shown here.
    const stopping = Object.values<RunningService>(spec.running).map(async (s) => {
      if ((await s.stop()) === 1) console.error(`${s.name} did not stop in time:\n${s.output().slice(-3_000)}`);
    });
    await Promise.all(stopping);
    for (const db of new Set([...names.map(serviceOf), ...(options.alsoDrop ?? [])])) await spec.mongo?.db(`${prefix}_${db}`).dropDatabase();
    await spec.mongo?.close();
  });
  return spec;
}

const httpPort = (port: ServicePort) => (Array.isArray(port) ? port[0] : port);
