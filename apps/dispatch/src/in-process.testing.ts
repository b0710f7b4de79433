import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { DEFAULT_PRIORITY_TARGETS, incidentIdFor, Jurisdiction, parsePriorityTargets } from '@callcenter/contracts';
import { EVENT_STORE } from '@callcenter/platform';
import { InMemoryEventStore } from '@callcenter/testing';
import { DispatchBoard } from './board/dispatch-board';
import { DispatchBoardService } from './board/dispatch-board.service';
import { DISPATCH_HANDLERS } from './dispatch.handlers';
import { DispatchRules } from './dispatch.rules';
import { Dispatching } from './dispatching';
import { IncidentActor, IncidentState } from './incident/incident.decider';
import { UnitPositions } from './positions/unit-positions';
import { DEFAULT_SPEEDS_KMH } from './recommendation';
import { UnitState } from './unit/unit.decider';

export const TEST_JURISDICTION: Jurisdiction = {
  name: 'Polres Test',
  districts: [
    { code: 'TEBET', name: 'Tebet', latitude: -6.2264, longitude: 106.8584 },
    { code: 'MENTENG', name: 'Menteng', latitude: -6.1963, longitude: 106.8322 },
  ],
};

export const REPORT_ID = '3f2b8c1e-7a4d-4e9b-9c2a-5d8e1f6a7b01';
export const INCIDENT_ID = incidentIdFor(REPORT_ID);
export const UNIT = 'PATROL-TEBET-01';
export const OTHER_UNIT = 'PATROL-TEBET-02';
export const meta = { actor: 'dsp-andi', correlationId: 'corr-1' };
export const andi: IncidentActor = { kind: 'dispatcher', id: 'dsp-andi' };
/** A report triage forwarded without coordinates (the incident goes to its district's centre). */
export const FORWARDED = {
  reportId: REPORT_ID,
  trackingCode: 'PLR-0001',
  category: 'KEJAHATAN' as const,
  priority: 'P2' as 'P1' | 'P2',
  district: 'TEBET',
  location: { latitude: null as number | null, longitude: null as number | null, address: 'Jl. Tebet Raya 1' },
  description: 'Pencurian motor',
  peopleInjured: 0,
  receivedAt: '2026-12-02T10:00:00.000Z',
  forwardedAt: '2026-12-02T10:01:00.000Z',
};

/**
 * Dispatch's command and query handlers on Nest's real buses, in process and without I/O: the
 * in-memory event store and the board read model itself (its Kafka tail, snapshots and the
 * positions' database are the service's I/O, left out). The real ones are the e2e tests'.
 */
export async function dispatchInProcess(rules: Partial<DispatchRules> = {}) {
  const store = new InMemoryEventStore();
  const board = new DispatchBoard(TEST_JURISDICTION);
  const boards = {
    board,
    acceptUnit: (state: UnitState, version: number) => state.status !== 'UNREGISTERED' && board.loadUnit({ state, version }),
    acceptIncident: (state: IncidentState, version: number) => state.status !== 'NONE' && board.loadIncident({ state, version }),
  } as unknown as DispatchBoardService;
  const allRules = {
    targets: parsePriorityTargets(DEFAULT_PRIORITY_TARGETS),
    jurisdiction: TEST_JURISDICTION,
    speedsKmh: { ...DEFAULT_SPEEDS_KMH },
    acknowledgeSeconds: 120,
    autoAssignP1: false,
    orphanGraceMs: 1_000,
    ...rules,
  } as DispatchRules;
  const app = await NestFactory.createApplicationContext(
    {
      module: class DispatchInProcess {},
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: DispatchBoardService, useValue: boards },
        { provide: DispatchRules, useValue: allRules },
        { provide: UnitPositions, useValue: { record: async () => true } },
        Dispatching,
        ...DISPATCH_HANDLERS,
      ],
    },
    { logger: false },
  );
  return { store, board, app, commands: app.get(CommandBus), queries: app.get(QueryBus), dispatching: app.get(Dispatching) };
}
