import fc from 'fast-check';
import * as ev from '@callcenter/events';
import type { EventDefinition, EventEnvelope } from '@callcenter/events';
import { assignedData, forwardedData, openedCaseData, receivedReportData } from '@callcenter/testing';
import { deliveredInAnyOrder, generatedHistory } from '../../test/scripted-lifecycles';
import { hotspotsByWalking, loadByWalking, staffingByWalking, volumeByWalking, workloadByWalking } from '../../test/walking-queries';
import { hotspots, load, staffing, StatsFilter, volume, workload } from '../queries/analytics-queries';
import { AnalyticsModel } from './analytics-model';
import { ActorCell, CellGroup, HourlyAggregates } from './hourly-aggregates';

const CATEGORIES = ['KEJAHATAN', 'KEBAKARAN', 'KECELAKAAN_LALU_LINTAS'] as const;
const PRIORITIES = ['P1', 'P2', 'P3'] as const;
const CHANNELS = ['HOTLINE', 'SMS', 'WEB'] as const;
const DISTRICTS = ['TEBET', 'CILANDAK', 'MENTENG'] as const;
const OPERATORS = ['op-1', 'op-2', 'system'] as const;
const UNITS = ['u-1', 'u-2'] as const;
/** Local 07:00 on 30 April: reports received from 23:00 on run into May, so histories cross the end of a month (whole months are remembered apart). */
const T0 = Date.parse('2024-04-30T00:00:00Z');

/** What may happen to a report, in any order (the fold tolerates it), each by one of a few actors. */
const ACTIONS = [
  'claim',
  'claim',
  'claim',
  'release',
  'classify',
  'note',
  'escalate',
  'reject',
  'prank',
  'duplicate',
  'advice',
  'forward',
  'split',
  'overdue',
  'assign',
  'acknowledge',
  'decline',
  'arrive',
  'resolve',
  'close',
] as const;

/** Two values of each dimension in reports (filters ask for three), so that reports share cells. */
const dimensionsArb = fc.record({
  category: fc.constantFrom(...CATEGORIES.slice(0, 2)),
  priority: fc.constantFrom(...PRIORITIES.slice(0, 2)),
  district: fc.constantFrom(...DISTRICTS.slice(0, 2)),
});

/** One generated report: when it came in (to the millisecond) and happened, where, its dimensions, and what happened to it. */
const reportArb = fc.record({
  /** Within a few hours, so that reports share cells (and a window's edge falls among them), on either side of a local midnight (T0 + 17 h). */
  receivedAfterMs: fc.oneof(fc.integer({ min: 0, max: 3 * 3_600_000 }), fc.integer({ min: 16 * 3_600_000, max: 19 * 3_600_000 })),
  occurredBeforeS: fc.option(fc.integer({ min: -600, max: 2 * 86_400 })),
  channel: fc.constantFrom(...CHANNELS.slice(0, 2)),
  place: fc.option(fc.record({ latitude: fc.constantFrom(-6.2, -6.215, -6.3001), longitude: fc.constantFrom(106.8, 106.8049, 106.9) })),
  suggested: dimensionsArb,
  classified: dimensionsArb,
  triageSeen: fc.constantFrom(true, true, true, false),
  /** Whole seconds between actions (handling averages stay exact in floating point). */
  actions: fc.array(
    fc.record({
      action: fc.constantFrom(...ACTIONS),
      actor: fc.constantFrom(...OPERATORS),
      unit: fc.constantFrom(...UNITS),
      gapS: fc.integer({ min: 0, max: 2_400 }),
    }),
    { maxLength: 8, size: 'medium' },
  ),
});

type GeneratedReport = typeof reportArb extends fc.Arbitrary<infer T> ? T : never;

const eventsOf = (reports: GeneratedReport[]) =>
  generatedHistory(reports, (r, { reportId, incidentId }, write) => {
    let t = T0 + r.receivedAfterMs;
    const [receivedAt, iso] = [new Date(t).toISOString(), (ms: number) => new Date(ms).toISOString()];
    const occurredAt = r.occurredBeforeS === null ? null : iso(t - r.occurredBeforeS * 1000);
    const emit = <Type extends string, Data>(producer: string, streamId: string, definition: EventDefinition<Type, Data>, actor: string, data: NoInfer<Data>) =>
      write(producer, streamId, definition, iso(t), actor, data);
    const [latitude, longitude] = [r.place?.latitude ?? null, r.place?.longitude ?? null];
    const report = { reportId, receivedAt, occurredAt, channel: r.channel, sourceSystem: 'test', categoryHint: null, peopleInjured: 0 };
    emit('intake', reportId, ev.ReportReceived, 'system', receivedReportData({ ...report, location: { latitude, longitude, address: null, district: null } }));
    if (!r.triageSeen) return;
    const { category, priority, district } = r.suggested;
    const opened = openedCaseData({ ...report, location: { latitude, longitude, address: null, reportedDistrict: null }, district }, { category, priority });
    emit('triage', reportId, ev.TriageCaseOpened, 'system', opened);
    const triage = <Type extends string, Data extends { reportId: string }>(
      definition: EventDefinition<Type, Data>,
      actor: string,
      data: NoInfer<Omit<Data, 'reportId'>>,
    ) => emit('triage', reportId, definition, actor, { reportId, ...data } as Data);
    const dispatch = <Type extends string, Data extends { reportId: string; incidentId: string }>(
      definition: EventDefinition<Type, Data>,
      actor: string,
      data: NoInfer<Omit<Data, 'reportId' | 'incidentId'>>,
    ) => emit('dispatch', incidentId, definition, actor, { reportId, incidentId, ...data } as Data);
    const group = '00000000-0000-4000-8000-000000000000';
    for (const { action, actor, unit, gapS } of r.actions) {
      t += gapS * 1000;
      const act: Record<(typeof ACTIONS)[number], () => void> = {
        claim: () => triage(ev.ReportClaimed, actor, { operatorId: actor, leaseExpiresAt: iso(t + 300_000) }),
        release: () => triage(ev.ReportReleased, actor, { operatorId: actor, reason: 'LEASE_EXPIRED' }),
        classify: () => triage(ev.ReportClassified, actor, r.classified),
        note: () => triage(ev.ReportNoteAdded, actor, { text: 'catatan' }),
        escalate: () => triage(ev.ReportEscalated, actor, { reason: 'mohon arahan' }),
        reject: () => triage(ev.ReportRejected, actor, { reason: 'NOT_POLICE_MATTER', explanation: 'perdata', callerRef: null }),
        prank: () => triage(ev.ReportRejected, actor, { reason: 'PRANK', explanation: 'iseng', callerRef: null }),
        duplicate: () => triage(ev.ReportMarkedDuplicate, actor, { duplicateOf: group }),
        advice: () => triage(ev.ReportAdviceGiven, actor, { advice: 'ke Polsek' }),
        forward: () =>
          triage(
            ev.ReportForwardedForDispatch,
            actor,
            forwardedData({ reportId, receivedAt, channel: r.channel, ...r.classified, location: { latitude, longitude, address: null } }),
          ),
        split: () => triage(ev.ReportSplitFromGroup, actor, { groupOf: group, reason: 'other' }),
        overdue: () => triage(ev.TriageOverdue, 'system', { priority, targetSeconds: 60, dueAt: iso(t) }),
        assign: () => dispatch(ev.UnitAssigned, actor, assignedData({ reportId, incidentId, unitId: unit, acknowledgeBy: iso(t + 60_000) })),
        acknowledge: () => dispatch(ev.AssignmentAcknowledged, unit, { unitId: unit }),
        decline: () => dispatch(ev.AssignmentDeclined, unit, { unitId: unit, reason: 'ban kempes' }),
        arrive: () => dispatch(ev.UnitArrived, unit, { unitId: unit }),
        resolve: () => dispatch(ev.IncidentResolved, actor, { outcome: 'HANDLED_ON_SCENE', unitId: unit, summary: 'selesai' }),
        close: () => dispatch(ev.IncidentClosed, actor, {}),
      };
      act[action]();
    }
  });

/** Streams interleaved in any order, each in its own order (what Kafka guarantees), some events twice. */
const historyArb = fc
  .array(reportArb, { minLength: 1, maxLength: 30, size: 'large' })
  // Some reports again under other ids: they share cells, where a count taken out wrongly would stay.
  .chain((reports) => fc.subarray(reports).map((again) => [...reports, ...again]))
  .chain((reports) => deliveredInAnyOrder(eventsOf(reports)));

const modelOf = (events: EventEnvelope[]) => {
  const model = new AnalyticsModel();
  for (const e of events) model.apply(e);
  return model;
};

const at = (hoursAfterT0: number, ms = 0) => new Date(T0 + hoursAfterT0 * 3_600_000 + ms);
/** Whole-hour windows (answered from the model's cells) and one that is not (counted on the spot from the reports in it). */
const windowArb = fc.oneof(
  fc.constant({}),
  fc.record({ from: fc.integer({ min: -1, max: 4 }).map((h) => at(h)), to: fc.integer({ min: 4, max: 9 }).map((h) => at(h)) }),
  fc.record({ from: fc.integer({ min: 0, max: 5 }).map((h) => at(h)) }),
  fc.record({ from: fc.integer({ min: 0, max: 3 }).map((h) => at(h, 1_234)), to: fc.integer({ min: 3, max: 9 }).map((h) => at(h, 59_999)) }),
  // Whole local days (from local midnight, T0 − 7 h) and a window that takes one whole day and cuts the next.
  fc.constantFrom({ from: at(-7), to: at(17) }, { from: at(17) }, { to: at(17) }, { from: at(-7), to: at(18) }),
);
const filterArb = fc
  .record({
    window: windowArb,
    district: fc.option(fc.subarray([...DISTRICTS], { minLength: 1 }), { nil: undefined }),
    category: fc.option(fc.subarray([...CATEGORIES], { minLength: 1 }), { nil: undefined }),
    channel: fc.option(fc.subarray([...CHANNELS], { minLength: 1 }), { nil: undefined }),
    priority: fc.option(fc.subarray([...PRIORITIES], { minLength: 1 }), { nil: undefined }),
    basis: fc.constantFrom('received' as const, 'occurred' as const, undefined),
  })
  .map(({ window, ...dimensions }) => ({ ...window, ...dimensions }) as StatsFilter);

const recount = (model: AnalyticsModel) => {
  const fresh = new HourlyAggregates();
  for (const f of model.facts.values()) fresh.count(f, 1);
  return fresh;
};
const level = { share: 0.8, withinSeconds: 20 };

describe('hourly aggregates (property: equal to a brute-force recomputation on generated histories)', () => {
  it('hold exactly what counting every final fact once gives, whatever the interleaving and repeats', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const { hourly, facts } = modelOf(events);
        const fresh = recount({ facts } as AnalyticsModel);
        // The same days with the same cells (each day's version is when it last changed, so not compared): a group's cells in any
        // order, a step counted out to 0 as one never counted.
        const inAnyOrder = (cells: readonly object[]) => cells.map((c) => JSON.stringify(c)).sort();
        const steps = (c: ActorCell) => ({
          ...c,
          steps: Object.fromEntries(
            Object.entries(c.steps)
              .filter(([, n]) => n !== 0)
              .sort(),
          ),
        });
        const group = (g: CellGroup) => ({
          ...g,
          ...{ reportCells: inAnyOrder(g.reportCells), spotCells: inAnyOrder(g.spotCells), actorCells: inAnyOrder(g.actorCells.map(steps)) },
        });
        const cellsOf = (a: HourlyAggregates) => new Map([...a.days].map(([day, { groups }]) => [day, new Map([...groups].map(([k, g]) => [k, group(g)]))]));
        expect(cellsOf(hourly)).toEqual(cellsOf(fresh));
      }),
      { numRuns: 100 },
    );
  });

  it('move a day’s version whenever one of its cells changes, daily and hourly (what keeps a remembered day part true)', () => {
    // Cells as text (maps as their entries), to compare a day's cells before and after an event.
    const text = (cells: unknown) => JSON.stringify(cells, (_, v) => (v instanceof Map ? [...v] : v));
    const held = (days: Map<string, { version: number }>) => new Map([...days].map(([day, { version, ...cells }]) => [day, { version, cells: text(cells) }]));
    fc.assert(
      fc.property(historyArb, (events) => {
        const model = new AnalyticsModel();
        for (const e of events) {
          const kinds = [model.hourly.days, model.aggregates.days] as Map<string, { version: number }>[];
          const before = kinds.map(held);
          model.apply(e);
          kinds.forEach((days, i) => {
            for (const [day, { version, ...cells }] of days) {
              const was = before[i].get(day);
              if (was && was.cells !== text(cells)) expect(version).not.toBe(was.version);
            }
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('answer volume, load, staffing, hotspots and workload exactly as walking every report does', () => {
    fc.assert(
      fc.property(historyArb, filterArb, (events, filter) => {
        const model = modelOf(events);
        expect(volume(model, filter)).toEqual(volumeByWalking(model, filter));
        expect(load(model, filter)).toEqual(loadByWalking(model, filter));
        expect(staffing(model, filter, level)).toEqual(staffingByWalking(model, filter, level));
        expect(hotspots(model, filter, 5)).toEqual(hotspotsByWalking(model, filter, 5));
        expect(hotspots(model, filter, 5, 0.05)).toEqual(hotspotsByWalking(model, filter, 5, 0.05));
        expect(workload(model, filter)).toEqual(workloadByWalking(model, filter));
      }),
      { numRuns: 100 },
    );
  });

  it('answer as walking does when more events apply after an answer, whose day parts were remembered', () => {
    fc.assert(
      fc.property(historyArb, filterArb, fc.nat(), (events, filter, cut) => {
        const model = new AnalyticsModel();
        const asWalking = () => {
          expect(volume(model, filter)).toEqual(volumeByWalking(model, filter));
          expect(load(model, filter)).toEqual(loadByWalking(model, filter));
          expect(staffing(model, filter, level)).toEqual(staffingByWalking(model, filter, level));
          expect(hotspots(model, filter, 5)).toEqual(hotspotsByWalking(model, filter, 5));
          expect(workload(model, filter)).toEqual(workloadByWalking(model, filter));
        };
        const split = cut % (events.length + 1);
        for (const e of events.slice(0, split)) model.apply(e);
        asWalking();
        for (const e of events.slice(split)) model.apply(e);
        asWalking();
      }),
      { numRuns: 100 },
    );
  });
});
