import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { Category, Channel, Priority } from '@callcenter/contracts';
import * as ev from '@callcenter/events';
import { EventDefinition, EventEnvelope, TOPICS } from '@callcenter/events';
import { envelopeOf } from '@callcenter/testing';

const NS = '0b4c5a8e-1f7d-4c52-9e3a-7d2b6f1a0c99';

/** The streams interleaved as `keys` pick (each key chooses among the streams with events left), each in its own order: what Kafka guarantees. */
export function interleavedStreams(events: EventEnvelope[], keys: number[]): EventEnvelope[] {
  const streams = new Map<string, EventEnvelope[]>();
  for (const e of events) streams.set(`${e.producer}:${e.streamId}`, [...(streams.get(`${e.producer}:${e.streamId}`) ?? []), e]);
  const queues = [...streams.values()];
  const out: EventEnvelope[] = [];
  for (const k of keys) {
    const open = queues.filter((q) => q.length);
    if (!open.length) break;
    out.push(open[k % open.length].shift()!);
  }
  return out;
}

/** An event of a generated history, built by its typed constructor, written at `at` (ISO) by `actor`. */
export type Emit = <Type extends string, Data>(
  producer: string,
  streamId: string,
  definition: EventDefinition<Type, Data>,
  at: string,
  actor: string,
  data: NoInfer<Data>,
) => void;

/**
 * The events of generated reports, numbered per stream in the order emitted: `lifecycle` is given the nth report, its ids
 * (report `00000000-…-<n>`, incident `10000000-…-<n>`) and an `emit`.
 */
export function generatedHistory<R>(reports: R[], lifecycle: (report: R, ids: { reportId: string; incidentId: string }, emit: Emit) => void): EventEnvelope[] {
  const [out, versions] = [[] as EventEnvelope[], new Map<string, number>()];
  const emit: Emit = (producer, streamId, definition, at, actor, data) => {
    const streamVersion = (versions.get(`${producer}:${streamId}`) ?? 0) + 1;
    versions.set(`${producer}:${streamId}`, streamVersion);
    const eventId = `${producer}:${streamId}-${streamVersion}`;
    out.push(envelopeOf(definition, data, { streamId, streamVersion, producer, actor, at: new Date(at), eventId, correlationId: 'generated' }));
  };
  const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
  reports.forEach((r, n) => lifecycle(r, { reportId: id('00000000', n), incidentId: id('10000000', n) }, emit));
  return out;
}

/** Generated events as Kafka may deliver them: streams interleaved in any order, each in its own order, some events twice. */
export const deliveredInAnyOrder = (events: EventEnvelope[]): fc.Arbitrary<EventEnvelope[]> =>
  fc
    .tuple(fc.array(fc.nat(), { minLength: events.length, maxLength: events.length }), fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 10 }))
    .map(([keys, repeats]) => [...interleavedStreams(events, keys), ...repeats.map((i) => events[i])]);

/**
 * A scripted day of eight reports covering every ending: closed after an arrest, resolved after a
 * unit declined, rejected as prank and as not a police matter, a duplicate, advice, one overdue in
 * triage and dispatch with an expired lease and a supervisor's reassignment, and one never taken.
 * The expected numbers in the tests are worked out by hand from this script, not by the model.
 * `day` (UTC midnight) places the script, so two copies can live side by side.
 */
export function scriptedLifecycles(day: string, tag: string): { topic: string; event: EventEnvelope }[] {
  const out: { topic: string; event: EventEnvelope }[] = [];
  const versions = new Map<string, number>();
  const base = Date.parse(`${day}T00:00:00Z`);
  const id = (name: string) => uuidv5(`${tag}:${name}`, NS);
  const t = (hhmm: string, plusSeconds = 0) => {
    const [h, m] = hhmm.split(':').map(Number);
    return new Date(base + (h * 60 + m) * 60_000 + plusSeconds * 1000).toISOString();
  };
  const emit = <Type extends string, Data>(
    producer: 'intake' | 'triage' | 'dispatch',
    streamId: string,
    definition: EventDefinition<Type, Data>,
    at: string,
    actor: string,
    data: NoInfer<Data>,
  ) => {
    const key = `${producer}:${streamId}`;
    const streamVersion = (versions.get(key) ?? 0) + 1;
    versions.set(key, streamVersion);
    const as = { streamId, streamVersion, producer, actor, at: new Date(at), correlationId: `script-${tag}`, causationId: null };
    out.push({ topic: TOPICS[producer], event: envelopeOf(definition, data, as) });
  };

  const reports = new Map<string, { channel: Channel; latitude: number; longitude: number; description: string; receivedAt: string }>();
  const received = (
    name: string,
    at: string,
    channel: Channel,
    latitude: number,
    longitude: number,
    category: Category,
    priority: Priority,
    district: string,
  ) => {
    const reportId = id(name);
    reports.set(reportId, { channel, latitude, longitude, description: `Laporan ${name}`, receivedAt: at });
    emit('intake', reportId, ev.ReportReceived, at, 'mobile-app', {
      reportId,
      trackingCode: 'AAAAA-AAAAA',
      sourceSystem: 'mobile-app',
      externalId: `${tag}-${name}`,
      channel,
      reporter: { name: 'Siti Aminah', phone: '+6281234567890', anonymous: false },
      categoryHint: null,
      description: `Laporan ${name}`,
      location: { latitude, longitude, address: 'Jl. Contoh', district: null },
      occurredAt: null,
      peopleInjured: 0,
      peopleInvolved: 1,
      receivedAt: at,
    });
    emit('triage', reportId, ev.TriageCaseOpened, at, 'system', {
      reportId,
      trackingCode: 'AAAAA-AAAAA',
      sourceSystem: 'mobile-app',
      channel,
      receivedAt: at,
      description: `Laporan ${name}`,
      categoryHint: null,
      location: { latitude, longitude, address: 'Jl. Contoh', reportedDistrict: null },
      district,
      peopleInjured: 0,
      peopleInvolved: 1,
      callerRef: 'caller-ref-secret',
      suggestion: { category, priority, reasons: [], duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } },
    });
    return reportId;
  };
  const triage = <Type extends string, Data extends { reportId: string }>(
    reportId: string,
    definition: EventDefinition<Type, Data>,
    at: string,
    actor: string,
    data: NoInfer<Omit<Data, 'reportId'>>,
  ) => emit('triage', reportId, definition, at, actor, { reportId, ...data } as Data);
  const incident = <Type extends string, Data extends { reportId: string; incidentId: string }>(
    reportId: string,
    definition: EventDefinition<Type, Data>,
    at: string,
    actor: string,
    data: NoInfer<Omit<Data, 'reportId' | 'incidentId'>>,
  ) => emit('dispatch', id(`incident-${reportId}`), definition, at, actor, { incidentId: id(`incident-${reportId}`), reportId, ...data } as Data);
  const assign = (reportId: string, at: string, unitId: string) => {
    const acknowledgeBy = new Date(Date.parse(at) + 60_000).toISOString();
    incident(reportId, ev.UnitAssigned, at, 'dsp-andi', {
      unitId,
      callSign: unitId,
      previousUnitId: null,
      distanceMeters: null,
      etaSeconds: null,
      automatic: false,
      acknowledgeBy,
    });
  };
  /** Forwarded by `operator` at `at` as triage publishes it; dispatch opens the incident at `openedAt`, at the place the report gave. */
  const forward = (reportId: string, operator: string, [at, openedAt]: string[], category: Category, priority: Priority, district: string) => {
    const { channel, latitude, longitude, description, receivedAt } = reports.get(reportId)!;
    const common = { trackingCode: 'AAAAA-AAAAA', category, priority, district, description, peopleInjured: 0, receivedAt };
    triage(reportId, ev.ReportForwardedForDispatch, at, operator, {
      ...common,
      channel,
      location: { latitude, longitude, address: 'Jl. Contoh' },
      peopleInvolved: 1,
    });
    incident(reportId, ev.IncidentOpened, openedAt, 'system', {
      ...common,
      location: { latitude, longitude, address: 'Jl. Contoh', approximate: false },
      forwardedAt: at,
    });
  };

  // R1 08:00 WIB: crime in Tebet, claimed 20 s, classified 60 s, forwarded 90 s, unit at 150 s, arrest, closed.
  const r1 = received('r1', t('01:00'), 'HOTLINE', -6.2297, 106.8532, 'KEJAHATAN', 'P2', 'TEBET');
  triage(r1, ev.ReportClaimed, t('01:00', 20), 'op-a', { operatorId: 'op-a', leaseExpiresAt: t('01:05') });
  triage(r1, ev.ReportClassified, t('01:00', 60), 'op-a', { category: 'KEJAHATAN', priority: 'P2', district: 'TEBET' });
  forward(r1, 'op-a', [t('01:00', 90), t('01:00', 91)], 'KEJAHATAN', 'P2', 'TEBET');
  assign(r1, t('01:00', 150), 'U1');
  incident(r1, ev.AssignmentAcknowledged, t('01:00', 160), 'unit:U1', { unitId: 'U1' });
  incident(r1, ev.UnitArrived, t('01:00', 600), 'unit:U1', { unitId: 'U1' });
  incident(r1, ev.IncidentResolved, t('01:00', 1500), 'unit:U1', { unitId: 'U1', outcome: 'ARREST_MADE', summary: 'diamankan' });
  incident(r1, ev.IncidentClosed, t('01:00', 1600), 'dsp-andi', {});

  // R2 08:05 WIB: fire in Cilandak (P1); U2 declines, U3 goes; resolved, not closed.
  const r2 = received('r2', t('01:05'), 'MOBILE_APP', -6.2898, 106.7999, 'KEBAKARAN', 'P1', 'CILANDAK');
  triage(r2, ev.ReportClaimed, t('01:05', 10), 'op-b', { operatorId: 'op-b', leaseExpiresAt: t('01:10') });
  triage(r2, ev.ReportClassified, t('01:05', 30), 'op-b', { category: 'KEBAKARAN', priority: 'P1', district: 'CILANDAK' });
  forward(r2, 'op-b', [t('01:05', 40), t('01:05', 41)], 'KEBAKARAN', 'P1', 'CILANDAK');
  assign(r2, t('01:05', 100), 'U2');
  incident(r2, ev.AssignmentDeclined, t('01:05', 130), 'unit:U2', { unitId: 'U2', reason: 'ban kempes' });
  assign(r2, t('01:05', 160), 'U3');
  incident(r2, ev.AssignmentAcknowledged, t('01:05', 170), 'unit:U3', { unitId: 'U3' });
  incident(r2, ev.UnitArrived, t('01:05', 500), 'unit:U3', { unitId: 'U3' });
  incident(r2, ev.IncidentResolved, t('01:05', 900), 'unit:U3', { unitId: 'U3', outcome: 'HANDLED_ON_SCENE', summary: 'api padam' });

  // R3 09:00 WIB: prank (P3), claimed after 300 s.
  const r3 = received('r3', t('02:00'), 'WEB', -6.2297, 106.8532, 'GANGGUAN_KETERTIBAN', 'P3', 'TEBET');
  triage(r3, ev.ReportClaimed, t('02:00', 300), 'op-a', { operatorId: 'op-a', leaseExpiresAt: t('02:10') });
  triage(r3, ev.ReportRejected, t('02:00', 330), 'op-a', { reason: 'PRANK', explanation: 'iseng', callerRef: 'caller-ref-secret' });

  // R4 09:10 WIB: not a police matter.
  const r4 = received('r4', t('02:10'), 'HOTLINE', -6.2476, 106.8243, 'LAINNYA', 'P3', 'MAMPANG_PRAPATAN');
  triage(r4, ev.ReportClaimed, t('02:10', 30), 'op-b', { operatorId: 'op-b', leaseExpiresAt: t('02:15') });
  triage(r4, ev.ReportRejected, t('02:10', 90), 'op-b', { reason: 'NOT_POLICE_MATTER', explanation: 'perdata', callerRef: null });

  // R5 08:06 WIB: the same fire as R2.
  const r5 = received('r5', t('01:06'), 'HOTLINE', -6.2899, 106.8, 'KEBAKARAN', 'P1', 'CILANDAK');
  triage(r5, ev.ReportClaimed, t('01:06', 40), 'op-a', { operatorId: 'op-a', leaseExpiresAt: t('01:11') });
  triage(r5, ev.ReportMarkedDuplicate, t('01:06', 70), 'op-a', { duplicateOf: r2 });

  // R6 10:00 WIB: a question, answered with advice.
  const r6 = received('r6', t('03:00'), 'SMS', -6.3317, 106.8226, 'INFORMASI_PENGADUAN', 'P4', 'JAGAKARSA');
  triage(r6, ev.ReportClaimed, t('03:00', 15), 'op-b', { operatorId: 'op-b', leaseExpiresAt: t('03:05') });
  triage(r6, ev.ReportAdviceGiven, t('03:00', 120), 'op-b', { advice: 'datang ke Polsek' });

  // R7 10:30 WIB: overdue in triage (P2 target 180 s), lease expired, reassigned, forwarded late, overdue in dispatch.
  const r7 = received('r7', t('03:30'), 'WHATSAPP', -6.25, 106.845, 'KEJAHATAN', 'P2', 'PANCORAN');
  triage(r7, ev.TriageOverdue, t('03:30', 181), 'system', { priority: 'P2', targetSeconds: 180, dueAt: t('03:30', 180) });
  triage(r7, ev.ReportClaimed, t('03:30', 200), 'op-a', { operatorId: 'op-a', leaseExpiresAt: t('03:30', 500) });
  triage(r7, ev.ReportReleased, t('03:30', 500), 'system', { operatorId: 'op-a', reason: 'LEASE_EXPIRED' });
  triage(r7, ev.ReportReassigned, t('03:30', 520), 'spv-rina', { fromOperatorId: null, toOperatorId: 'op-b', leaseExpiresAt: t('03:40') });
  triage(r7, ev.ReportClassified, t('03:30', 540), 'op-b', { category: 'KEJAHATAN', priority: 'P2', district: 'PANCORAN' });
  forward(r7, 'op-x', [t('03:30', 560), t('03:30', 560)], 'KEJAHATAN', 'P2', 'PANCORAN');
  incident(r7, ev.DispatchOverdue, t('03:30', 601), 'system', { priority: 'P2', targetSeconds: 600, dueAt: t('03:30', 600) });
  assign(r7, t('03:30', 650), 'U2');

  // R8 11:00 WIB: nobody has taken it yet.
  received('r8', t('04:00'), 'HOTLINE', -6.2154, 106.83, 'LAINNYA', 'P3', 'SETIABUDI');

  // The forward helper's generic actor is only used by R7; give it the operator who forwarded.
  for (const { event } of out) if (event.actor === 'op-x') event.actor = 'op-b';
  return out;
}

/** What the script must add up to, worked out by hand. */
export const SCRIPTED_EXPECTATIONS = {
  total: 8,
  byState: { CLOSED: 1, RESOLVED: 1, REJECTED: 2, DUPLICATE: 1, ADVICE_GIVEN: 1, DISPATCHED: 1, RECEIVED: 1 },
  byChannel: { HOTLINE: 4, MOBILE_APP: 1, WEB: 1, SMS: 1, WHATSAPP: 1 },
  byCategory: { KEJAHATAN: 2, KEBAKARAN: 2, GANGGUAN_KETERTIBAN: 1, LAINNYA: 2, INFORMASI_PENGADUAN: 1 },
  byPriority: { P1: 2, P2: 2, P3: 3, P4: 1 },
  byDistrict: { TEBET: 2, CILANDAK: 2, MAMPANG_PRAPATAN: 1, JAGAKARSA: 1, PANCORAN: 1, SETIABUDI: 1 },
  rejectionReasons: { PRANK: 1, NOT_POLICE_MATTER: 1 },
  notActionable: {
    rejected: 2,
    duplicates: 1,
    adviceOnly: 1,
    pranks: 1,
    rejectedShare: 0.25,
    duplicateShare: 0.125,
    prankShare: 0.125,
    notActionableShare: 0.375,
  },
  // received → claimed: R2 10, R6 15, R1 20, R4 30, R5 40, R7 200, R3 300 (R8 never)
  receivedToClaimed: { count: 7, p50Seconds: 30, p90Seconds: 300, p99Seconds: 300 },
  // within the triage target (P1 60, P2 180, P3 600, P4 1800): P1 R2 10 ✓ R5 40 ✓; P2 R1 20 ✓ R7 200 ✗; P3 R3 ✓ R4 ✓; P4 R6 ✓
  receivedToClaimedWithin: { P1: 1, P2: 0.5, P3: 1, P4: 1 },
  // received → assigned: R1 150, R2 100, R7 650
  receivedToAssigned: { count: 3, p50Seconds: 150, p90Seconds: 650, p99Seconds: 650 },
  operators: {
    'op-a': { claimed: 4, classified: 1, decided: 3 }, // R1, R3, R5, R7 claimed; decided R1 forward, R3 reject, R5 duplicate
    'op-b': { claimed: 3, classified: 2, decided: 4 }, // R2, R4, R6 claimed; decided R2, R4, R6, R7
  },
  units: {
    U1: { assigned: 1, acknowledged: 1, declined: 0, arrived: 1, resolved: 1 },
    U2: { assigned: 2, acknowledged: 0, declined: 1, arrived: 0, resolved: 0 },
    U3: { assigned: 1, acknowledged: 1, declined: 0, arrived: 1, resolved: 1 },
  },
  arrivalsByHourOfDayWib: { 8: 3, 9: 2, 10: 2, 11: 1 },
};
