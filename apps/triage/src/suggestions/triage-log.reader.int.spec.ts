import { randomUUID } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { Category, Priority } from '@callcenter/contracts';
import {
  createEventProducer,
  ensureTopics,
  DomainEvent,
  EventEnvelope,
  KEY_VAULT_DATABASE_SUFFIX,
  MongoKeyStore,
  PersonalDataVault,
  ReportClassified,
  toKafkaMessage,
  TOPICS,
  TriageCaseOpened,
  triageEvents,
} from '@callcenter/events';
import { envelopeOfEvent, testKafka, testMongo, uniqueDbName } from '@callcenter/testing';
import { PlatformConfig } from '@callcenter/platform';
import { readTriageLog } from './triage-log.reader';

/**
 * What `npm run suggestions:train` and `suggestions:shadow` read: the real triage topic and key
 * vault. Cases sit in a period of their own (a day of 2011; Kafka refuses future timestamps), so other tests' events on the topic do not count.
 */
describe('readTriageLog (real Kafka and database)', () => {
  const prefix = uniqueDbName('suggest');
  const kafka = testKafka();
  let mongo: MongoClient;
  let vault: PersonalDataVault;
  const env = { ...process.env };

  beforeAll(async () => {
    mongo = await testMongo();
    process.env.MONGODB_DB_PREFIX = prefix;
    process.env.NODE_ENV = process.env.NODE_ENV ?? 'test';
    vault = new PersonalDataVault(new MongoKeyStore(mongo.db(`${prefix}_${KEY_VAULT_DATABASE_SUFFIX}`)), new PlatformConfig().PERSONAL_DATA_MASTER_KEY);
  });

  afterAll(async () => {
    process.env = env;
    await mongo.close();
  });

  const at = (minute: number) => new Date(Date.parse('2011-03-17T00:00:00Z') + minute * 60_000).toISOString();
  const envelope = (event: DomainEvent, streamId: string, streamVersion: number, occurredAt: string): EventEnvelope =>
    envelopeOfEvent(triageEvents, event, { streamId, streamVersion, producer: 'triage', actor: 'operator-budi', at: new Date(occurredAt) });

  async function caseOf(description: string, minute: number, decided: [Category, Priority][]): Promise<{ reportId: string; events: EventEnvelope[] }> {
    const reportId = randomUUID();
    const sealer = (await vault.sealerFor(reportId, null, new Date()))!;
    const opened = TriageCaseOpened({
      reportId,
      trackingCode: `TRK-${reportId.slice(0, 6)}`,
      sourceSystem: 'hotline-110',
      channel: 'HOTLINE',
      receivedAt: at(minute),
      description: sealer.seal(description),
      categoryHint: null,
      location: { latitude: null, longitude: null, address: null, reportedDistrict: null },
      district: null,
      peopleInjured: 1,
      peopleInvolved: 1,
      callerRef: null,
      suggestion: { category: 'BENCANA', priority: 'P2', reasons: [], duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } },
      suggestionModel: 'test-model',
    });
    const events = [envelope(opened, reportId, 1, at(minute))];
    decided.forEach(([category, priority], i) =>
      events.push(envelope(ReportClassified({ reportId, category, priority, district: null }), reportId, 2 + i, at(minute + 1 + i))),
    );
    return { reportId, events };
  }

  it('labels each case opened in the period with the last classification, its description opened, erased ones left out', async () => {
    const tree = await caseOf('Pohon tumbang menutup jalan', 10, [
      ['BENCANA', 'P2'],
      ['LAINNYA', 'P3'],
    ]);
    const fire = await caseOf('Kebakaran gudang, asap tebal', 20, [['KEBAKARAN', 'P1']]);
    const undecided = await caseOf('tolong', 30, []);
    const erased = await caseOf('Motor saya dicuri', 40, [['KEJAHATAN', 'P3']]);
    const later = await caseOf('Banjir setinggi lutut', 60 * 24 + 5, [['BENCANA', 'P2']]); // the next day
    await vault.erase([erased.reportId], randomUUID(), new Date());

    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic: TOPICS.triage }]); // alone on a fresh broker, no service has made it yet
    await admin.disconnect();
    const producer = createEventProducer(kafka);
    await producer.connect();
    // A poison event (as the consumer fault suite leaves on the topic): the reader skips it, as the views do.
    const poison = { ...tree.events[0], eventId: randomUUID(), streamId: randomUUID(), data: {} } as EventEnvelope;
    await producer.send({ topic: TOPICS.triage, messages: [poison, ...[tree, fire, undecided, erased, later].flatMap((c) => c.events)].map(toKafkaMessage) });
    await producer.disconnect();

    const log = await readTriageLog({ from: at(0), to: at(60 * 24) });
    const reports = log.labelledReports();
    expect(
      log
        .decidedCases()
        .map((c) => c.reportId)
        .sort(),
    ).toEqual([tree.reportId, fire.reportId].sort());
    expect(reports).toEqual(
      expect.arrayContaining([
        { description: 'Pohon tumbang menutup jalan', categoryHint: null, channel: 'HOTLINE', peopleInjured: 1, category: 'LAINNYA', priority: 'P3' },
        { description: 'Kebakaran gudang, asap tebal', categoryHint: null, channel: 'HOTLINE', peopleInjured: 1, category: 'KEBAKARAN', priority: 'P1' },
      ]),
    );
    expect(log.decidedCases().find((c) => c.reportId === fire.reportId)?.live).toEqual({
      category: 'BENCANA',
      priority: 'P2',
      model: 'test-model',
      duplicates: [],
    });
  });
});
