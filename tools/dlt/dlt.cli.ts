/**
 * `npm run dlt -- <command>`: the dead letters, after `npm run build` (runs dist/tools/dlt/dlt.cli.js).
 *   list   [--group <consumer group> | --topic <dead-letter topic>]     every parked event, one line each
 *   show   <partition:offset | offset> [--group … | --topic …]          one, with its error and payload
 *   replay (--offset <partition:offset> | --from <time> [--to <time>]) (--group … | --topic …)
 *          puts parked events back on their source topic once each (a second replay skips them);
 *          --from/--to select by the time the event was parked (ISO-8601, e.g. 2026-12-02T08:00:00Z).
 * Kafka: KAFKA_BROKERS, KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD/KAFKA_SASL_MECHANISM, KAFKA_SSL_CA_FILE
 * (README, "Configuration"); replaying needs a Kafka user allowed to write the source topic.
 * Exit code 0, or 1 when nothing matched or the arguments are wrong.
 */
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  createKafka,
  DeadLetter,
  deadLetterPersonalData,
  KEY_VAULT_DATABASE_SUFFIX,
  MongoKeyStore,
  deadLetterTopic,
  listDeadLetterTopics,
  readDeadLetters,
  renderDeadLetter,
  replayDeadLetters,
} from '@callcenter/events';

class UsageError extends Error {}

const USAGE =
  'usage: npm run dlt -- list [--group G | --topic T] | show <partition:offset> [--group G | --topic T] | replay (--offset P:O | --from TIME [--to TIME]) (--group G | --topic T)';

export function kafkaFromEnvironment(env: Record<string, string | undefined> = process.env): Kafka {
  const mechanism = (env.KAFKA_SASL_MECHANISM || 'scram-sha-512') as 'scram-sha-512' | 'scram-sha-256' | 'plain';
  return createKafka({
    clientId: 'dlt-tool',
    brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
    caFile: env.KAFKA_SSL_CA_FILE || undefined,
    sasl: env.KAFKA_SASL_USERNAME ? { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD ?? '' } : undefined,
  });
}

function matches(letter: DeadLetter, id: string): boolean {
  return id.includes(':') ? letter.id === id : letter.offset === id;
}

function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${name} must be a time (ISO-8601), got ${JSON.stringify(value)}`);
  return t;
}

/** Parked payloads as JSON (what renderDeadLetter shows), for the personal-data look-ups made ahead. */
const payloadOf = (letter: DeadLetter): unknown => {
  try {
    return JSON.parse(letter.value?.toString('utf8') ?? '');
  } catch {
    return null;
  }
};

/**
 * Runs one command; what it prints goes to `out`. Returns the exit code. `personalData` hides sealed
 * personal data in payloads ("[dihapus]" once erased, docs/privacy.md); without it they show sealed.
 */
export async function runDeadLetterTool(
  argv: string[],
  kafka: Kafka,
  out: (line: string) => void,
  personalData?: (payloads: unknown[]) => Promise<(payload: unknown) => unknown>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      group: { type: 'string' },
      topic: { type: 'string' },
      offset: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const [command, id] = positionals;
  if (values.group && values.topic) throw new UsageError('give --group or --topic, not both');
  const chosen = values.topic ?? (values.group ? deadLetterTopic(values.group) : undefined);
  const existing = await listDeadLetterTopics(kafka);
  if (chosen && !existing.includes(chosen)) {
    out(`no dead-letter topic ${chosen} (its consumer group has not started, or parked nothing yet)`);
    return 1;
  }
  const topics = chosen ? [chosen] : existing;
  const letters = async () => (await Promise.all(topics.map((t) => readDeadLetters(kafka, t)))).flat();

  switch (command) {
    case 'list': {
      const all = await letters();
      for (const topic of topics) {
        const here = all.filter((l) => l.topic === topic);
        out(`${topic}: ${here.length} parked, ${here.filter((l) => !l.replayed).length} not replayed`);
        for (const letter of here) out(`  ${renderDeadLetter(letter)}`);
      }
      return 0;
    }
    case 'show': {
      if (!id || !/^\d+(:\d+)?$/.test(id)) throw new UsageError('show needs <partition:offset> (or an offset)');
      const found = (await letters()).filter((l) => matches(l, id));
      if (found.length === 0) {
        out(`no dead letter ${id}${chosen ? ` on ${chosen}` : ''}`);
        return 1;
      }
      const reveal = personalData && (await personalData(found.map(payloadOf)));
      for (const letter of found) out(renderDeadLetter(letter, { payload: true, revealPayload: reveal }));
      return 0;
    }
    case 'replay': {
      if (!chosen) throw new UsageError('replay needs --group or --topic: which consumer group failed');
      if (!values.offset && !values.from) throw new UsageError('replay needs --offset P:O, or --from TIME [--to TIME]');
      if (values.offset && !/^\d+(:\d+)?$/.test(values.offset)) throw new UsageError('--offset must be <partition:offset> (or an offset)');
      const from = parseTime('from', values.from);
      const to = parseTime('to', values.to);
      const selected = (await letters()).filter((l) => {
        if (values.offset) return matches(l, values.offset);
        const at = Date.parse(l.failedAt ?? '');
        return at >= from! && (to === undefined || at <= to);
      });
      if (selected.length === 0) {
        out('no dead letter matched');
        return 1;
      }
      const outcome = await replayDeadLetters(kafka, selected);
      for (const r of outcome.replayed) out(`replayed ${r.id} → ${r.to}`);
      for (const s of outcome.skipped) out(`skipped ${s.id}: ${s.why}`);
      out(`${outcome.replayed.length} replayed, ${outcome.skipped.length} skipped`);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

/** The key store named by MONGODB_URI and MONGODB_DB_PREFIX (the master key is not needed to tell erased data). */
async function keyStoreFromEnvironment(env: Record<string, string | undefined> = process.env) {
  const client = new MongoClient(env.MONGODB_URI || 'mongodb://127.0.0.1:27017', { serverSelectionTimeoutMS: 5_000 });
  return { client, keys: new MongoKeyStore(client.db(`${env.MONGODB_DB_PREFIX || 'callcenter'}_${KEY_VAULT_DATABASE_SUFFIX}`)) };
}

if (require.main === module) {
  const keyStore = keyStoreFromEnvironment();
  const personalData = async (payloads: unknown[]) => deadLetterPersonalData((await keyStore).keys, payloads);
  runDeadLetterTool(process.argv.slice(2), kafkaFromEnvironment(), (line) => process.stdout.write(`${line}\n`), personalData).then(
    (code) => keyStore.then(({ client }) => client.close()).then(() => process.exit(code)),
    (e) => {
      process.stderr.write(
        `${e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `${(e as Error).message}\n${USAGE}` : String(e)}\n`,
      );
      process.exit(e instanceof UsageError ? 1 : 2);
    },
  );
}
