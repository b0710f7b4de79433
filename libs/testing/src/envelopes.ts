import { randomUUID } from 'node:crypto';
import {
  DomainEvent,
  EventDefinition,
  EventEnvelope,
  IncidentOpenedV1,
  ReportForwardedForDispatchV1,
  ReportReceivedV1,
  toEnvelopes,
  TriageCaseOpenedV1,
  UnitAssignedV1,
} from '@callcenter/events';

/** Where and by whom a fixture event was recorded; everything but the stream has a test default. */
export interface RecordedAs {
  streamId: string;
  /** Its position in the stream (1-based). */
  streamVersion: number;
  producer: string;
  actor?: string;
  /** When it happened (default now). */
  at?: Date;
  /** When the store accepted it (default `at`). */
  recordedAt?: Date;
  correlationId?: string;
  causationId?: string | null;
  /** Default a random UUID; a seeded generator gives its own, so the same seed gives the same events. */
  eventId?: string;
}

/**
 * A fixture event in its envelope, built from the catalogue's typed constructor
 * (`envelopeOf(ReportClaimed, { … }, { streamId, streamVersion: 2, producer: 'triage' })`), so a
 * fixture is checked against the event's schema by the compiler and numbered by the event store's
 * own `toEnvelopes`: it cannot drift from what services write.
 */
export function envelopeOf<Type extends string, Data>(definition: EventDefinition<Type, Data>, data: Data, as: RecordedAs): EventEnvelope<Type, Data> {
  const at = as.at ?? new Date();
  const [envelope] = toEnvelopes(
    as.streamId,
    as.streamVersion - 1,
    [definition(data) as DomainEvent],
    { actor: as.actor ?? 'system', correlationId: as.correlationId ?? randomUUID(), causationId: as.causationId ?? null, now: at },
    {
      producer: as.producer,
      recordedAt: as.recordedAt ?? at,
      schemaVersionOf: () => definition.schemaVersion,
      newId: () => as.eventId ?? randomUUID(),
    },
  );
  return envelope as EventEnvelope<Type, Data>;
}

/**
 * Fixture events of reports' streams at one producer, numbered as its store numbers them:
 * `next(ReportClaimed, 'r2', { … }, { at })` is the next version of stream r2, whose id is the report's.
 */
export function reportStreams(producer: string, defaults: Omit<Partial<RecordedAs>, 'streamId' | 'streamVersion' | 'producer'> = {}) {
  const versions = new Map<string, number>();
  return <Type extends string, Data extends { reportId: string }>(
    definition: EventDefinition<Type, Data>,
    reportId: string,
    data: NoInfer<Omit<Data, 'reportId'>>,
    as: Omit<Partial<RecordedAs>, 'streamId' | 'streamVersion' | 'producer'> = {},
  ): EventEnvelope<Type, Data> => {
    const streamVersion = (versions.get(reportId) ?? 0) + 1;
    versions.set(reportId, streamVersion);
    return envelopeOf(definition, { reportId, ...data } as Data, { ...defaults, ...as, streamId: reportId, streamVersion, producer });
  };
}

/**
 * An envelope built by hand, outside every catalogue, for tests of the event plumbing itself
 * (consumers, views, projections, the dead-letter tool), which must carry any type and any data.
 * Its id is `<streamId>-<streamVersion>`, so a test can recognise each delivery; `fields` override the rest.
 */
export function handBuiltEnvelope(streamId: string, streamVersion: number, fields: Partial<EventEnvelope> = {}): EventEnvelope {
  const now = new Date().toISOString();
  return {
    eventId: `${streamId}-${streamVersion}`,
    type: 'Counted',
    schemaVersion: 1,
    streamId,
    streamVersion,
    occurredAt: now,
    recordedAt: now,
    producer: 'test',
    actor: 'system',
    correlationId: 'c',
    causationId: null,
    data: { n: streamVersion },
    ...fields,
  };
}

/** The reporter of the fixtures and sample reports. */
export const SAMPLE_REPORTER = { name: 'Siti Aminah', phone: '+6281234567890', anonymous: false };

/** A received report's data as intake stores it (personal fields in clear, as version 1 had them), for fixtures. */
export function receivedReportData(overrides: Partial<ReportReceivedV1> & Pick<ReportReceivedV1, 'reportId'>): ReportReceivedV1 {
  return {
    trackingCode: '7KQ2M-94XHD',
    sourceSystem: 'mobile-app',
    externalId: `ext-${overrides.reportId}`,
    channel: 'MOBILE_APP',
    reporter: { ...SAMPLE_REPORTER },
    categoryHint: 'KEJAHATAN',
    description: 'Motor dicuri di depan warung, pelaku kabur ke arah timur',
    location: { latitude: -6.2264, longitude: 106.8584, address: 'Jl. Tebet Raya 1', district: 'TEBET' },
    occurredAt: null,
    peopleInjured: 0,
    peopleInvolved: 1,
    receivedAt: '2026-11-28T02:00:00.000Z',
    ...overrides,
  };
}

/** A triage case's opening data for fixtures: a theft by SMS in Tebet, no one hurt, suggested P3 with no flags. */
export function openedCaseData(
  overrides: Partial<Omit<TriageCaseOpenedV1, 'suggestion'>> & Pick<TriageCaseOpenedV1, 'reportId'>,
  suggestion: Partial<TriageCaseOpenedV1['suggestion']> = {},
): TriageCaseOpenedV1 {
  return {
    trackingCode: '7KQ2M-94XHD',
    sourceSystem: 'sms-gateway',
    channel: 'SMS',
    receivedAt: '2026-11-28T02:00:00.000Z',
    description: 'Motor dicuri di depan warung',
    categoryHint: null,
    location: { latitude: -6.2264, longitude: 106.8584, address: null, reportedDistrict: null },
    district: 'TEBET',
    peopleInjured: 0,
    peopleInvolved: 1,
    callerRef: null,
    ...overrides,
    suggestion: {
      category: 'KEJAHATAN',
      priority: 'P3',
      reasons: [],
      duplicateCandidates: [],
      lowTrust: { flagged: false, prankRejections: 0, reason: null },
      ...suggestion,
    },
  };
}

/** A forward's data as triage publishes it, for fixtures: the theft in Tebet, P3. */
export function forwardedData(overrides: Partial<ReportForwardedForDispatchV1> & Pick<ReportForwardedForDispatchV1, 'reportId'>): ReportForwardedForDispatchV1 {
  return {
    trackingCode: '7KQ2M-94XHD',
    channel: 'SMS',
    receivedAt: '2026-11-28T02:00:00.000Z',
    category: 'KEJAHATAN',
    priority: 'P3',
    district: 'TEBET',
    location: { latitude: -6.2264, longitude: 106.8584, address: 'Jl. Tebet Raya 1' },
    description: 'Motor dicuri di depan warung',
    peopleInjured: 0,
    peopleInvolved: 1,
    ...overrides,
  };
}

/** The incident dispatch opens from that forward, for fixtures. */
export function openedIncidentData(overrides: Partial<IncidentOpenedV1> & Pick<IncidentOpenedV1, 'reportId' | 'incidentId'>): IncidentOpenedV1 {
  const { trackingCode, category, priority, district, description, peopleInjured, receivedAt, location } = forwardedData({ reportId: overrides.reportId });
  const forward = { trackingCode, category, priority, district, description, peopleInjured, receivedAt };
  return {
    ...forward,
    location: { ...location, latitude: location.latitude!, longitude: location.longitude!, approximate: false },
    forwardedAt: receivedAt,
    ...overrides,
  };
}

/** A unit's assignment as a dispatcher makes it (not automatic, no route known), for fixtures. */
export function assignedData(
  overrides: Partial<UnitAssignedV1> & Pick<UnitAssignedV1, 'reportId' | 'incidentId' | 'unitId' | 'acknowledgeBy'>,
): UnitAssignedV1 {
  return { callSign: overrides.unitId, previousUnitId: null, distanceMeters: null, etaSeconds: null, automatic: false, ...overrides };
}

/**
 * An event a decider or a constructor already built, in its envelope at its type's schema version
 * among `definitions` (a service's catalogue, e.g. `triageEvents`); refused if the catalogue lacks it.
 */
export function envelopeOfEvent<Type extends string, Data>(
  definitions: readonly EventDefinition<string, any>[],
  event: DomainEvent<Type, Data>,
  as: RecordedAs,
): EventEnvelope<Type, Data> {
  const definition = definitions.find((d) => d.type === event.type);
  if (!definition) throw new Error(`${event.type} is not in the catalogue given`);
  return envelopeOf(definition as EventDefinition<Type, Data>, event.data, as);
}
