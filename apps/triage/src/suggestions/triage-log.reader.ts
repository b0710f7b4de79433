import { MongoClient } from 'mongodb';
import {
  assertValidEvent,
  createKafka,
  ERASED,
  EventRegistry,
  InvalidEvent,
  KEY_VAULT_DATABASE_SUFFIX,
  MongoKeyStore,
  PersonalDataVault,
  replay,
  TOPICS,
  triageEvents,
} from '@callcenter/events';
import { kafkaSecurity, loadConfig } from '@callcenter/platform';
import { TriageConfig } from '../triage.config';
import { TrainingLog } from './training-log';

/**
 * Reads the whole triage topic once, with a throw-away consumer group that commits nothing (the
 * live consumers are not disturbed), into the cases opened in [from, to), their descriptions
 * opened with the key vault (read only). For the CLIs.
 */
export async function readTriageLog(period: { from: string; to: string }): Promise<TrainingLog> {
  const config = loadConfig(TriageConfig);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'triage-suggestions', ...kafkaSecurity(config) });
  const log = new TrainingLog(period);
  let skipped = 0;
  const progress = await replay({
    kafka,
    topics: [TOPICS.triage],
    registry: new EventRegistry(triageEvents),
    handle: async (event) => {
      // An event the views refuse (and the live consumers dead-letter) teaches nothing either.
      try {
        assertValidEvent(event);
      } catch (e) {
        if (!(e instanceof InvalidEvent)) throw e;
        skipped++;
        return;
      }
      log.add(event);
    },
  });
  process.stderr.write(
    `read ${progress.done} events of ${TOPICS.triage} in ${(progress.elapsedMs / 1000).toFixed(1)} s${skipped ? `, ${skipped} invalid skipped` : ''}\n`,
  );
  // Descriptions are sealed on the topic: opened with the reports' keys, as triage does.
  const client = await MongoClient.connect(config.MONGODB_URI);
  try {
    const vault = new PersonalDataVault(
      new MongoKeyStore(client.db(`${config.MONGODB_DB_PREFIX}_${KEY_VAULT_DATABASE_SUFFIX}`)),
      config.PERSONAL_DATA_MASTER_KEY,
    );
    await log.openDescriptions((sealed) => vault.open(sealed), ERASED);
  } finally {
    await client.close();
  }
  return log;
}

/** --from and --to as ISO instants, or what is wrong with them. */
export function logPeriod(from: string | undefined, to: string | undefined): { from: string; to: string } | string {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!value) return `--${name} is required`;
    if (Number.isNaN(Date.parse(value))) return `--${name} ${JSON.stringify(value)} is not an ISO 8601 time`;
  }
  const period = { from: new Date(from!).toISOString(), to: new Date(to!).toISOString() };
  return period.from < period.to ? period : '--from must be before --to';
}
