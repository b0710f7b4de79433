import fc from 'fast-check';
import { DEFAULT_PRIORITY_TARGETS, parsePriorityTargets } from '@callcenter/contracts';
import * as ev from '@callcenter/events';
import type { EventDefinition, EventEnvelope } from '@callcenter/events';
import { assignedData, forwardedData, openedCaseData, openedIncidentData, receivedReportData } from '@callcenter/testing';
import { deliveredInAnyOrder, generatedHistory } from '../../test/scripted-lifecycles';
import { durationsFromAggregates, durationsOfFacts, volume } from '../queries/analytics-queries';
import { DailyAggregates, HISTOGRAM_RELATIVE_ERROR } from './aggregates';
import { AnalyticsModel } from './analytics-model';

const targets = parsePriorityTargets(DEFAULT_PRIORITY_TARGETS);
const CATEGORIES = ['KEJAHATAN', 'KEBAKARAN', 'KECELAKAAN_LALU_LINTAS'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const CHANNELS = ['HOTLINE', 'SMS', 'WEB'] as const;
const DISTRICTS = ['TEBET', 'CILANDAK', 'MENTENG'] as const;
/** Reports come in over five days from here, so histories cross the end of a month (whole months are remembered apart). */
const T0 = Date.parse('2024-04-28T00:00:00Z');

/** One generated report: when it came in, its dimensions, and how far (and how fast) its lifecycle went. */
const reportArb = fc.record({
  receivedAfterS: fc.integer({ min: 0, max: 5 * 86_400 }),
  channel: fc.constantFrom(...CHANNELS),
  suggested: fc.record({ category: fc.constantFrom(...CATEGORIES), priority: fc.constantFrom(...PRIORITIES), district: fc.constantFrom(...DISTRICTS) }),
  classified: fc.option(
    fc.record({ category: fc.constantFrom(...CATEGORIES), priority: fc.constantFrom(...PRIORITIES), district: fc.constantFrom(...DISTRICTS) }),
  ),
  /** Seconds between successive steps: claim, classification, decision, assignment, arrival, resolution. */
  gaps: fc.array(fc.integer({ min: 0, max: 7_200 }), { minLength: 0, maxLength: 6 }),
  triageSeen: fc.boolean(),
});

type GeneratedReport = typeof reportArb extends fc.Arbitrary<infer T> ? T : never;

const eventsOf = (reports: GeneratedReport[]) =>
  generatedHistory(reports, (r, { reportId, incidentId }, write) => {
    let t = T0 + r.receivedAfterS * 1000;
    const receivedAt = new Date(t).toISOString();
    const emit = <Type extends string, Data>(producer: string, streamId: string, definition: EventDefinition<Type, Data>, data: NoInfer<Data>) =>
      write(producer, streamId, definition, new Date(t).toISOString(), 'op-1', data);
    const [location, placed] = [
      { latitude: -6.2, longitude: 106.8, address: null },
      { reportId, receivedAt, channel: r.channel },
    ];
    const report = { ...placed, sourceSystem: 'test', categoryHint: null, peopleInjured: 0 };
    emit('intake', reportId, ev.ReportReceived, receivedReportData({ ...report, location: { ...location, district: null } }));
    if (!r.triageSeen) return;
    emit(
      'triage',
      reportId,
      ev.TriageCaseOpened,
      openedCaseData({ ...report, district: r.suggested.district }, { category: r.suggested.category, priority: r.suggested.priority }),
    );
    const decided = r.classified ?? r.suggested;
    const unit = { reportId, incidentId, unitId: 'u-1' };
    const steps: (() => void)[] = [
      () => emit('triage', reportId, ev.ReportClaimed, { reportId, operatorId: 'op-1', leaseExpiresAt: new Date(t + 300_000).toISOString() }),
      () => r.classified && emit('triage', reportId, ev.ReportClassified, { reportId, ...r.classified }),
      () => emit('triage', reportId, ev.ReportForwardedForDispatch, forwardedData({ ...placed, ...decided, location })),
      () => {
        emit(
          'dispatch',
          incidentId,
          ev.IncidentOpened,
          openedIncidentData({
            reportId,
            receivedAt,
            ...decided,
            incidentId,
            location: { ...location, approximate: false },
            forwardedAt: new Date(t).toISOString(),
          }),
        );
        emit('dispatch', incidentId, ev.UnitAssigned, assignedData({ ...unit, acknowledgeBy: new Date(t + 60_000).toISOString() }));
      },
      () => emit('dispatch', incidentId, ev.UnitArrived, unit),
      () => emit('dispatch', incidentId, ev.IncidentResolved, { ...unit, outcome: 'HANDLED_ON_SCENE', summary: 'selesai' }),
    ];
    r.gaps.forEach((gap, i) => {
      t += gap * 1000;
      steps[i]();
    });
  });

/** Streams interleaved in any order, each in its own order (what Kafka guarantees), some events twice. */
const historyArb = fc.array(reportArb, { minLength: 1, maxLength: 40 }).chain((reports) => deliveredInAnyOrder(eventsOf(reports)));

const modelOf = (events: EventEnvelope[]) => {
  const model = new AnalyticsModel();
  for (const e of events) model.apply(e);
  return model;
};
/** The cells by day (a day's version is when it last changed, so not compared). */
const cellsOf = (a: DailyAggregates) => new Map([...a.days].map(([day, { cells }]) => [day, cells]));
const recount = (model: AnalyticsModel) => {
  const fresh = new DailyAggregates();
  for (const f of model.facts.values()) fresh.count(f, 1);
  return cellsOf(fresh);
};
const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= HISTOGRAM_RELATIVE_ERROR * Math.abs(b) + 0.001);

describe('daily aggregates (property: equal to a brute-force recomputation on generated histories)', () => {
  it('hold exactly what counting every final fact once gives, whatever the interleaving and repeats', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const model = modelOf(events);
        expect(cellsOf(model.aggregates)).toEqual(recount(model));
      }),
      { numRuns: 150 },
    );
  });

  it('answer durations as walking the reports does: the same counts and shares, percentiles within the stated bound', () => {
    fc.assert(
      fc.property(historyArb, fc.constantFrom(undefined, 'TEBET'), fc.constantFrom(undefined, 'P1', 'P3'), (events, district, priority) => {
        const model = modelOf(events);
        const localDays = (from: string, to: string) => ({
          from: new Date(`${from}T00:00:00+07:00`),
          to: new Date(`${to}T00:00:00+07:00`),
          days: { from, to },
        });
        // The whole history, two days of one month, and two days either side of the end of April.
        const windows = [{ days: { from: null, to: null } }, localDays('2024-05-02', '2024-05-04'), localDays('2024-04-30', '2024-05-02')];
        for (const { days, ...period } of windows) {
          const filter = { ...period, district: district && [district], priority: priority && [priority as 'P1'] };
          const fast = durationsFromAggregates(model, filter, days, targets);
          const exact = durationsOfFacts(model, filter, targets);
          fast.forEach((row, i) => {
            const ref = exact[i];
            expect({ measure: row.measure, count: row.count, within: row.withinTargetShare }).toEqual({
              measure: ref.measure,
              count: ref.count,
              within: ref.withinTargetShare,
            });
            for (const p of ['p50Seconds', 'p90Seconds', 'p99Seconds'] as const)
              if (!close(row[p], ref[p])) throw new Error(`${row.measure} ${p}: ${row[p]} vs exact ${ref[p]}`);
          });
          // The days' report counts add up to the volume walked over the same period.
          const cells = [...model.aggregates.cells()].filter(
            (c) => (!days.from || (c.day >= days.from && c.day < days.to!)) && (!district || c.district === district) && (!priority || c.priority === priority),
          );
          expect(cells.reduce((n, c) => n + c.reports, 0)).toBe(volume(model, filter).total);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('answer durations as a fresh count does when more events apply after an answer, whose day parts were remembered', () => {
    fc.assert(
      fc.property(historyArb, fc.constantFrom(undefined, 'TEBET'), fc.nat(), (events, district, cut) => {
        const [model, filter] = [new AnalyticsModel(), { district: district && [district] }];
        const split = cut % (events.length + 1);
        const ask = (m: AnalyticsModel) => durationsFromAggregates(m, filter, { from: null, to: null }, targets);
        for (const e of events.slice(0, split)) model.apply(e);
        expect(ask(model)).toEqual(ask(modelOf(events.slice(0, split))));
        for (const e of events.slice(split)) model.apply(e);
        expect(ask(model)).toEqual(ask(modelOf(events)));
      }),
      { numRuns: 100 },
    );
  });
});
