import { ForbiddenException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import {
  ConcurrencyConflict,
  DEFAULT_PRIORITY_TARGETS,
  parsePriorityTargets,
  IllegalState,
  Jurisdiction,
  NotFound,
  ValidationFailed,
} from '@callcenter/contracts';
import { PersonalDataVault, SYSTEM_ACTOR, TriageCaseOpened, TriageCaseOpenedV1 } from '@callcenter/events';
import { AuthenticatedUser, EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { InMemoryEventStore, rejectionOf } from '@callcenter/testing';
import { CallersStore } from '../callers/callers.store';
import { IncidentGroups } from '../incident-groups/incident-groups';
import { QueueIndex } from '../queue/queue-index';
import { QueueQuery, SupervisorStatsQuery } from '../queue/queue.queries';
import { RecentReports } from '../queue/recent-reports';
import { TriageQueue } from '../queue/triage-queue';
import { TRIAGE_HANDLERS } from '../triage.handlers';
import { TriageRules } from '../triage.rules';
import { ClassifyReport, DecideOnCase, MarkDuplicate, RevealReporter, RunCaseTimer, SplitFromGroup } from './triage-case.commands';
import { TriageCaseState } from './triage-case.decider';
import { CaseDetailQuery, OperatorCommand, TriageCases } from './triage-cases';

// Every triage command and query handler, in process on Nest's real buses, without I/O: the
// in-memory event store and the queue's in-memory index; the stores of callers, keys and groups are
// stand-ins answering as an empty database would. The real ones are the e2e tests'
// (apps/triage/test/triage.e2e.spec.ts).

const JURISDICTION: Jurisdiction = { name: 'Polres Test', districts: [{ code: 'TEBET', name: 'Tebet', latitude: -6.2264, longitude: 106.8584 }] };
const REPORT_ID = '5c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e';
const OTHER_REPORT_ID = '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';
const UNKNOWN_REPORT_ID = '9f9f9f9f-0000-4000-8000-000000000000';
const budi: AuthenticatedUser = { id: 'op-budi', name: 'Budi', roles: ['operator'] };
const sari: AuthenticatedUser = { id: 'op-sari', name: 'Sari', roles: ['operator'] };
const rina: AuthenticatedUser = { id: 'spv-rina', name: 'Rina', roles: ['supervisor'] };

const opened = (reportId: string): TriageCaseOpenedV1 => ({
  reportId,
  trackingCode: `TRK-${reportId.slice(0, 4)}`,
  sourceSystem: 'mobile-app',
  channel: 'MOBILE_APP',
  receivedAt: new Date(Date.now() - 60_000).toISOString(),
  description: 'Motor dicuri di depan warung',
  categoryHint: 'KEJAHATAN',
  location: { latitude: -6.2264, longitude: 106.8584, address: 'Jl. Tebet Raya 1', reportedDistrict: null },
  district: 'TEBET',
  peopleInjured: 0,
  peopleInvolved: 1,
  callerRef: 'ref-1',
  suggestion: { category: 'KEJAHATAN', priority: 'P3', reasons: [], duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } },
});

async function setUp() {
  const store = new InMemoryEventStore();
  const rules = {
    targets: parsePriorityTargets(DEFAULT_PRIORITY_TARGETS),
    jurisdiction: JURISDICTION,
    duplicates: { radiusMeters: 200, windowMinutes: 30, sameCallerMinutes: 60 },
    leaseSeconds: 300,
    prankThreshold: 2,
  } as unknown as TriageRules;
  const index = new QueueIndex();
  // The queue's in-memory parts; its Kafka tail and snapshot are the I/O left out here.
  const queue = {
    index,
    recent: new RecentReports(rules.duplicates),
    accept: (state: TriageCaseState, version: number) => state.status !== 'NONE' && index.load({ case: state, version }),
  } as unknown as TriageQueue;
  const callers = { reporterOf: async () => ({ name: 'Ani', phone: '0812' }) } as unknown as CallersStore;
  const personalData = { open: async (v: unknown) => v, openDeep: async (v: unknown) => v } as unknown as PersonalDataVault;
  const groups = { groupOf: async () => null, incidentOf: async () => ({ unitArrivedAt: null, unitId: null }) } as unknown as IncidentGroups;
  for (const reportId of [REPORT_ID, OTHER_REPORT_ID]) {
    await store.append(reportId, 0, [TriageCaseOpened(opened(reportId))], { actor: SYSTEM_ACTOR, correlationId: 'c', now: new Date() });
  }
  const app = await NestFactory.createApplicationContext(
    {
      module: class TriageInProcess {},
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: TriageQueue, useValue: queue },
        { provide: CallersStore, useValue: callers },
        { provide: TriageRules, useValue: rules },
        { provide: PERSONAL_DATA, useValue: personalData },
        { provide: IncidentGroups, useValue: groups },
        TriageCases,
        ...TRIAGE_HANDLERS,
      ],
    },
    { logger: false },
  );
  apps.push(app);
  const [commands, queries] = [app.get(CommandBus), app.get(QueryBus)];
  /** The command as a controller sends it: each use case's own command class. */
  function execute(reportId: string, command: OperatorCommand, user: AuthenticatedUser, cid: string, expectedVersion?: number) {
    const UseCase =
      command.type === 'Classify'
        ? ClassifyReport
        : command.type === 'MarkDuplicate'
          ? MarkDuplicate
          : command.type === 'SplitFromGroup'
            ? SplitFromGroup
            : DecideOnCase;
    return commands.execute(new UseCase(reportId, command as never, user, cid, expectedVersion));
  }
  const triage = {
    execute,
    detail: (reportId: string, user: AuthenticatedUser) => queries.execute(new CaseDetailQuery(reportId, user)),
    revealReporter: (reportId: string, user: AuthenticatedUser, cid: string) => commands.execute(new RevealReporter(reportId, user, cid)),
    runAsSystem: (reportId: string, command: RunCaseTimer['command']) => commands.execute(new RunCaseTimer(reportId, command)),
  };
  return { store, triage, queries };
}

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('TriageCases', () => {
  it('claims, classifies and forwards a case, answering with the case as it now is', async () => {
    const { store, triage } = await setUp();
    expect(await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c')).toMatchObject({ status: 'IN_TRIAGE' });
    await triage.execute(REPORT_ID, { type: 'Classify', category: 'KEJAHATAN', priority: 'P2', district: 'TEBET' }, budi, 'c');
    const detail = await triage.execute(REPORT_ID, { type: 'Forward' }, budi, 'c');
    expect(detail.status).toBe('FORWARDED');
    expect(detail.timeline.map((e) => e.type)).toEqual(['TriageCaseOpened', 'ReportClaimed', 'ReportClassified', 'ReportForwardedForDispatch']);
    expect(store.typesOf(REPORT_ID)).toHaveLength(4);
  });

  it('answers an unknown report with 404, for commands, timers and reads', async () => {
    const { triage } = await setUp();
    expect(await rejectionOf(triage.execute(UNKNOWN_REPORT_ID, { type: 'Claim' }, budi, 'c'))).toBeInstanceOf(NotFound);
    expect(await rejectionOf(triage.detail(UNKNOWN_REPORT_ID, budi))).toBeInstanceOf(NotFound);
    expect(await rejectionOf(triage.revealReporter(UNKNOWN_REPORT_ID, budi, 'c'))).toBeInstanceOf(NotFound);
    expect(await triage.runAsSystem(UNKNOWN_REPORT_ID, { type: 'ExpireLease', now: new Date() })).toBe(0);
  });

  it('refuses a rule with 409 naming it and the version it was judged against, appending nothing', async () => {
    const { store, triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    const refused = await rejectionOf(triage.execute(REPORT_ID, { type: 'Claim' }, sari, 'c'));
    expect(refused).toBeInstanceOf(IllegalState);
    expect(refused).toMatchObject({ rule: 'CASE_ALREADY_CLAIMED', state: { version: 2 } });
    expect(await rejectionOf(triage.execute(REPORT_ID, { type: 'Reassign', toOperatorId: sari.id }, budi, 'c'))).toMatchObject({ rule: 'SUPERVISOR_REQUIRED' });
    expect(await rejectionOf(triage.execute(REPORT_ID, { type: 'Forward' }, budi, 'c'))).toMatchObject({ rule: 'CLASSIFICATION_REQUIRED' });
    expect(store.typesOf(REPORT_ID)).toEqual(['TriageCaseOpened', 'ReportClaimed']);
  });

  it('answers a stale If-Match version with 409 (ConcurrencyConflict)', async () => {
    const { triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c', 1);
    expect(await rejectionOf(triage.execute(REPORT_ID, { type: 'AddNote', text: 'called back' }, budi, 'c', 1))).toBeInstanceOf(ConcurrencyConflict);
  });

  it('answers an unknown district with 400 naming the field', async () => {
    const { triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    const bad = await rejectionOf(triage.execute(REPORT_ID, { type: 'Classify', category: 'KEJAHATAN', priority: 'P2', district: 'ATLANTIS' }, budi, 'c'));
    expect(bad).toBeInstanceOf(ValidationFailed);
    expect(JSON.stringify(bad)).toContain('district');
  });

  it('marks a duplicate of a known report, judged on that report as its stream tells it', async () => {
    const { triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    expect(await rejectionOf(triage.execute(REPORT_ID, { type: 'MarkDuplicate', duplicateOf: REPORT_ID }, budi, 'c'))).toMatchObject({
      rule: 'DUPLICATE_OF_ITSELF',
    });
    expect((await triage.execute(REPORT_ID, { type: 'MarkDuplicate', duplicateOf: OTHER_REPORT_ID }, budi, 'c')).status).toBe('DUPLICATE');
  });

  it('escalates to a supervisor, who reassigns; notes, advice, release and rejection each append their event', async () => {
    const { store, triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    await triage.execute(REPORT_ID, { type: 'AddNote', text: 'caller calm' }, budi, 'c');
    await triage.execute(REPORT_ID, { type: 'Escalate', reason: 'unclear' }, budi, 'c');
    await triage.execute(REPORT_ID, { type: 'Claim' }, rina, 'c');
    await triage.execute(REPORT_ID, { type: 'Reassign', toOperatorId: sari.id }, rina, 'c');
    await triage.execute(REPORT_ID, { type: 'Release' }, sari, 'c');
    await triage.execute(OTHER_REPORT_ID, { type: 'Claim' }, budi, 'c');
    await triage.execute(OTHER_REPORT_ID, { type: 'GiveAdvice', advice: 'lapor ke RT' }, budi, 'c');
    const [types, other] = [store.typesOf(REPORT_ID), store.typesOf(OTHER_REPORT_ID)];
    expect(types).toEqual(['TriageCaseOpened', 'ReportClaimed', 'ReportNoteAdded', 'ReportEscalated', 'ReportClaimed', 'ReportReassigned', 'ReportReleased']);
    expect(other.slice(0, 3)).toEqual(['TriageCaseOpened', 'ReportClaimed', 'ReportAdviceGiven']);
    const rejectedCase = await setUp();
    await rejectedCase.triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    expect((await rejectedCase.triage.execute(REPORT_ID, { type: 'Reject', reason: 'PRANK', explanation: 'laughing' }, budi, 'c')).status).toBe('REJECTED');
  });

  it('refuses to split a report that is not merged into a group', async () => {
    const { triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, rina, 'c');
    expect(await rejectionOf(triage.execute(REPORT_ID, { type: 'SplitFromGroup', reason: 'another place' }, rina, 'c'))).toMatchObject({ rule: 'NOT_MERGED' });
  });

  it('shows the reporter only to the claim holder and supervisors, recording each view first', async () => {
    const { store, triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    expect(await rejectionOf(triage.revealReporter(REPORT_ID, sari, 'c'))).toBeInstanceOf(ForbiddenException);
    expect(await triage.revealReporter(REPORT_ID, budi, 'c')).toEqual({ reportId: REPORT_ID, name: 'Ani', phone: '0812' });
    expect(await triage.revealReporter(REPORT_ID, rina, 'c')).toMatchObject({ name: 'Ani' });
    expect((await triage.detail(REPORT_ID, sari)).reporterVisible).toBe(false);
    const views = store.streamIds().filter((id) => id.startsWith('identity-view-'));
    expect(views.map((id) => store.typesOf(id))).toEqual([['ReporterIdentityViewed'], ['ReporterIdentityViewed']]);
  });

  it('lets the timers expire a lapsed claim, and does nothing on a live one', async () => {
    const { store, triage } = await setUp();
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    expect(await triage.runAsSystem(REPORT_ID, { type: 'ExpireLease', now: new Date() })).toBe(0);
    expect(await triage.runAsSystem(REPORT_ID, { type: 'ExpireLease', now: new Date(Date.now() + 301_000) })).toBe(1);
    expect(store.typesOf(REPORT_ID).at(-1)).toBe('ReportReleased');
  });

  it('answers the queue and the supervisor statistics through their queries', async () => {
    const { triage, queries } = await setUp();
    // The index holds what the queue was shown: here, the cases the commands touched.
    await triage.execute(REPORT_ID, { type: 'Claim' }, budi, 'c');
    await triage.execute(OTHER_REPORT_ID, { type: 'Claim' }, sari, 'c');
    const page = await queries.execute(new QueueQuery({}, 0, 10));
    expect(page).toMatchObject({ total: 2, offset: 0, limit: 10 });
    expect(page.items.map((i) => i.reportId).sort()).toEqual([REPORT_ID, OTHER_REPORT_ID].sort());
    expect(page.items[0].summary).toContain('Motor dicuri');
    expect(await queries.execute(new SupervisorStatsQuery())).toMatchObject({ byStatus: { QUEUED: 0, IN_TRIAGE: 2 } });
  });
});
