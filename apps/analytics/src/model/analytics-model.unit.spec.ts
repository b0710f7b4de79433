import { parsePriorityTargets, DEFAULT_PRIORITY_TARGETS } from '@callcenter/contracts';
import {
  EventDefinition,
  EventEnvelope,
  PastStateViewed,
  PastStateViewedV1,
  ReportReceived,
  SuggestionModelActivated,
  TriageCaseOpened,
} from '@callcenter/events';
import { envelopeOf, openedCaseData, receivedReportData } from '@callcenter/testing';
import { SCRIPTED_EXPECTATIONS as X, scriptedLifecycles } from '../../test/scripted-lifecycles';
import fc from 'fast-check';
import { arrivalCounts, durations, hotspots, load, loadAnswer, overview, reports, staffing, runOf, volume, workload } from '../queries/analytics-queries';
import { AnalyticsModel } from './analytics-model';

const targets = parsePriorityTargets(DEFAULT_PRIORITY_TARGETS);
const script = () => scriptedLifecycles('2021-03-01', 'unit').map((s) => s.event);
const modelOf = (events: EventEnvelope[]) => {
  const model = new AnalyticsModel();
  for (const e of events) model.apply(e);
  return model;
};

/** Interleaves streams at random while keeping each stream's own order (what Kafka guarantees). */
function interleave(events: EventEnvelope[], seed: number): EventEnvelope[] {
  const streams = new Map<string, EventEnvelope[]>();
  for (const e of events) streams.set(`${e.producer}:${e.streamId}`, [...(streams.get(`${e.producer}:${e.streamId}`) ?? []), e]);
  const queues = [...streams.values()];
  const out: EventEnvelope[] = [];
  let s = seed;
  while (queues.some((q) => q.length)) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const open = queues.filter((q) => q.length);
    out.push(open[s % open.length].shift()!);
  }
  return out;
}

describe('analytics and a switch of the suggestion model', () => {
  it('counts no report for SuggestionModelActivated, whose triage stream is not a report', () => {
    const model = new AnalyticsModel();
    const activated = envelopeOf(
      SuggestionModelActivated,
      { fromVersion: null, toVersion: '20261202-7d4c748c6ce0', reason: 'shadow run' },
      { streamId: 'suggestion-model', streamVersion: 1, producer: 'triage', actor: 'adm-wati', at: new Date('2026-12-02T08:00:00.000Z') },
    );
    expect(model.apply(activated)).toBe(true);
    expect(model.facts.size).toBe(0);
    expect(model.timelines.size).toBe(0);
  });

  it('counts no report for PastStateViewed (a look at a past moment, on the triage or dispatch topic), even one naming a report', () => {
    const model = new AnalyticsModel();
    for (const [producer, view] of [
      ['triage', { view: 'REPORT', at: '2026-12-01T08:00:00.000Z', reportId: 'rep-9', filter: null }],
      ['dispatch', { view: 'BOARD', at: '2026-12-01T08:00:00.000Z', reportId: null, filter: null }],
    ] satisfies [string, PastStateViewedV1][]) {
      const viewed = envelopeOf(PastStateViewed, view, {
        streamId: `audit-view-${producer}`,
        streamVersion: 1,
        producer,
        actor: 'spv-rina',
        at: new Date('2026-12-02T08:00:00.000Z'),
      });
      expect(model.apply(viewed)).toBe(true);
    }
    expect(model.facts.size).toBe(0);
    expect(model.timelines.size).toBe(0);
  });
});

describe('analytics read models over a scripted day', () => {
  const model = modelOf(script());

  it('counts volume, outcomes and what could not be acted on', () => {
    const v = volume(model, {});
    expect(v.total).toBe(X.total);
    expect(v.byState).toEqual(X.byState);
    expect(v.byChannel).toEqual(X.byChannel);
    expect(v.byCategory).toEqual(X.byCategory);
    expect(v.byPriority).toEqual(X.byPriority);
    expect(v.byDistrict).toEqual(X.byDistrict);
    expect(v.rejectionReasons).toEqual(X.rejectionReasons);
    expect(v.notActionable).toEqual(X.notActionable);
  });

  it('gives volume over time and what could not be acted on by channel and district, adding up to the totals', () => {
    const v = volume(model, {});
    expect(v.overTime.map((d) => d.day)).toEqual([...new Set(v.overTime.map((d) => d.day))].sort());
    expect(v.overTime.reduce((sum, d) => sum + d.total, 0)).toBe(X.total);
    for (const [channel, count] of Object.entries(X.byChannel)) {
      expect(v.overTime.reduce((sum, d) => sum + (d.byChannel[channel] ?? 0), 0)).toBe(count);
      expect(v.notActionableByChannel[channel].total).toBe(count);
    }
    const rejected = Object.values(v.notActionableByDistrict).reduce((sum, g) => sum + g.rejected, 0);
    const duplicates = Object.values(v.notActionableByChannel).reduce((sum, g) => sum + g.duplicates, 0);
    expect({ rejected, duplicates }).toEqual({ rejected: X.notActionable.rejected, duplicates: X.notActionable.duplicates });
  });

  it('lists the reports behind a count for drill-down, newest first, without personal data', () => {
    const all = reports(model, {});
    expect(all.total).toBe(X.total);
    const rejected = reports(model, { state: 'REJECTED' });
    expect(rejected.total).toBe(X.notActionable.rejected);
    expect(rejected.items.every((r) => r.state === 'REJECTED')).toBe(true);
    const tebet = reports(model, { district: ['TEBET'] }, 0, 1);
    expect({ total: tebet.total, shown: tebet.items.length }).toEqual({ total: 2, shown: 1 });
    expect(Object.keys(all.items[0]).sort()).toEqual([
      'category',
      'channel',
      'district',
      'occurredAt',
      'priority',
      'receivedAt',
      'rejectionReason',
      'reportId',
      'state',
    ]);
    const times = all.items.map((r) => r.receivedAt!);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("gives the commander what is open, overdue and today's load beside the same weekday", () => {
    const end = new Date('2021-03-01T16:59:00Z'); // 23:59 WIB on the scripted Monday
    const o = overview(model, end);
    const v = volume(model, {});
    const openStates = ['RECEIVED', 'IN_TRIAGE', 'FORWARDED', 'DISPATCHED', 'ON_SCENE'];
    expect(o.open.total).toBe(openStates.reduce((sum, s) => sum + (v.byState[s] ?? 0), 0));
    expect(Object.values(o.open.byDistrict).reduce((sum, d) => sum + d.total, 0)).toBe(o.open.total);
    expect(o.today.day).toBe('2021-03-01');
    expect(o.today.arrivalsByHour.reduce((a, b) => a + b, 0)).toBe(X.total);
    expect(o.today.weeksCompared).toBe(0);
    // A week later the scripted Monday is the typical Monday.
    const nextMonday = overview(model, new Date('2021-03-08T05:00:00Z'));
    expect(nextMonday.today.weeksCompared).toBe(1);
    expect(nextMonday.today.typicalByHour.reduce((a, b) => a + b, 0)).toBe(X.total);
    const units = o.units.available + o.units.committed + o.units.busy + o.units.offDuty;
    expect(units).toBe(model.units.size);
  });

  it('filters by district, channel, category, priority and time', () => {
    expect(volume(model, { district: ['TEBET'] }).total).toBe(2);
    expect(volume(model, { channel: ['HOTLINE'] }).total).toBe(4);
    expect(volume(model, { category: ['KEBAKARAN'], priority: ['P1'] }).total).toBe(2);
    expect(volume(model, { from: new Date('2021-03-01T02:00:00Z'), to: new Date('2021-03-01T03:30:00Z') }).total).toBe(3);
    expect(volume(model, { from: new Date('2021-03-02T00:00:00Z') }).total).toBe(0);
  });

  it('measures durations with percentiles and the share within each priority target', () => {
    const rows = durations(model, {}, targets);
    expect(rows.find((r) => r.measure === 'received_to_claimed')).toMatchObject({ ...X.receivedToClaimed, withinTargetShare: X.receivedToClaimedWithin });
    expect(rows.find((r) => r.measure === 'received_to_assigned')).toMatchObject(X.receivedToAssigned);
    // R2: first assigned at 100 s, arrived at 500 s (400); R1: 150 → 600 (450)
    expect(rows.find((r) => r.measure === 'assigned_to_arrived')).toMatchObject({ count: 2, p50Seconds: 400, p99Seconds: 450 });
  });

  it('shows load by hour of day in Asia/Jakarta and queue depth', () => {
    const l = load(model, {});
    const byHour = Object.fromEntries(l.arrivalsByHourOfDay.filter((h) => h.arrivals).map((h) => [h.hour, h.arrivals]));
    expect(byHour).toEqual(X.arrivalsByHourOfDayWib);
    expect(l.arrivalsByDayOfWeek.find((d) => d.day === 'MON')!.arrivals).toBe(8); // 2021-03-01 was a Monday
    expect(l.peaks[0]).toEqual({ hourStarting: '2021-03-01T08:00:00+07:00', arrivals: 3 });
    expect(l.queueDepth.at(-1)!.waiting).toBe(1); // R8 was never taken
    // The heat map holds the same arrivals, by day of week and hour.
    const monday = l.arrivalsByDayAndHour.find((d) => d.day === 'MON')!.hours;
    expect(Object.fromEntries(monday.flatMap((n, hour) => (n ? [[hour, n]] : [])))).toEqual(X.arrivalsByHourOfDayWib);
  });

  it('samples queue depth as counting each arrival and first take at or before the instant does (property)', () => {
    // Whole seconds: the depth's instants are shown to the second.
    const second = fc.integer({ min: 0, max: 10_000 }).map((t) => t * 1000);
    const times = fc.array(fc.tuple(second, fc.integer({ min: 1, max: 3 })), { maxLength: 60 });
    const window = fc.record({ from: fc.option(second), stepMinutes: fc.integer({ min: 1, max: 30 }) });
    fc.assert(
      fc.property(times, times, window, (arrived, took, { from, stepMinutes }) => {
        const counts = (pairs: [number, number][]) => pairs.reduce((m, [t, n]) => m.set(t, (m.get(t) ?? 0) + n), new Map<number, number>());
        const filter = from === null ? {} : { from: new Date(from) };
        // In three runs that overlap in time, as days' first takes do.
        const runs = (pairs: [number, number][]) => [0, 1, 2].map((r) => runOf([counts(pairs.filter((_, i) => i % 3 === r))]));
        const { queueDepth } = loadAnswer(arrivalCounts(), runs(arrived), runs(took), filter, stepMinutes);
        const upTo = (pairs: [number, number][], at: number) => pairs.reduce((n, [t, k]) => n + (t <= at ? k : 0), 0);
        const expected = queueDepth.map(({ at }) => upTo(arrived, Date.parse(at)) - upTo(took, Date.parse(at)));
        expect(queueDepth.map((d) => d.waiting)).toEqual(expected);
        if (arrived.length && from === null) expect(Date.parse(queueDepth[0].at)).toBe(Math.min(...arrived.map(([t]) => t)));
      }),
    );
  });

  it('counts workload per operator and per unit', () => {
    const w = workload(model, {});
    for (const [operatorId, expected] of Object.entries(X.operators)) expect(w.operators.find((o) => o.operatorId === operatorId)).toMatchObject(expected);
    for (const [unitId, expected] of Object.entries(X.units)) expect(w.units.find((u) => u.unitId === unitId)).toMatchObject(expected);
    expect(w.operators.map((o) => o.operatorId).sort()).toEqual(['op-a', 'op-b']);
  });

  it('puts hotspots by district and grid cell', () => {
    const h = hotspots(model, {}, 3);
    expect(
      h.byDistrict
        .slice(0, 2)
        .map((d) => [d.district, d.total])
        .sort(),
    ).toEqual([
      ['CILANDAK', 2],
      ['TEBET', 2],
    ]);
    expect(h.byDistrict.find((d) => d.district === 'CILANDAK')!.byCategory.KEBAKARAN).toBe(2);
    expect(h.topCells[0].total).toBe(2);
  });

  it('derives staffing from arrivals and handling time', () => {
    const s = staffing(model, {}, { share: 0.9, withinSeconds: 15 });
    expect(s.days).toBe(1);
    const eight = s.hours[8];
    expect(eight.arrivalsPerHour).toBe(3);
    expect(eight.operatorsNeeded).toBeGreaterThanOrEqual(1);
    expect(eight.operatorsActive).toBe(2);
    expect(s.hours[3]).toMatchObject({ arrivalsPerHour: 0, operatorsNeeded: 0 });
  });

  it('keeps a timeline per report across all three services, without personal data', () => {
    const r7 = [...model.timelines.values()].find((t) => t.some((e) => e.type === 'DispatchOverdue'))!;
    expect(r7.map((e) => e.producer)).toEqual(expect.arrayContaining(['intake', 'triage', 'dispatch']));
    expect(r7.map((e) => e.at)).toEqual([...r7.map((e) => e.at)].sort());
    const text = JSON.stringify([...model.timelines.values()]);
    expect(text).not.toContain('Siti Aminah');
    expect(text).not.toContain('+6281234567890');
    expect(text).not.toContain('caller-ref-secret');
  });

  it.each([1, 2, 3, 4, 5])('gives the same models whatever order the streams interleave in (seed %i)', async (seed) => {
    expect(await modelOf(interleave(script(), seed)).digest()).toBe(await model.digest());
  });

  it('gives the same models with every event delivered twice', async () => {
    const events = script();
    const twice = modelOf([...events, ...events, ...interleave(events, 9)]);
    expect(await twice.digest()).toBe(await model.digest());
    expect(twice.eventsApplied).toBe(events.length);
  });

  it('digests the model as it was when asked, though events apply while it hashes, and lets other work run meanwhile', async () => {
    const events = scriptedLifecycles('2021-03-01', 'digest').map((s) => s.event);
    const [half, whole] = [modelOf(events.slice(0, 40)), modelOf(events.slice(0, 40))];
    const expected = await half.digest();
    let ranMeanwhile = false;
    const during = whole.digest(2); // yields after every 2 reports
    setImmediate(() => (ranMeanwhile = true));
    for (const e of events.slice(40)) whole.apply(e); // facts replaced, open timelines and units changed in place
    expect(await during).toBe(expected);
    expect(ranMeanwhile).toBe(true);
    expect(await whole.digest()).not.toBe(expected);
  });
});

describe('time basis (issue 18): when it happened or when it was received', () => {
  const DAY_MS = 86_400_000;
  const FLUSHED_AT = Date.parse('2021-03-08T03:00:00Z'); // Monday 10:00 WIB: a gateway's backlog arrives
  const WEEK_START = Date.parse('2021-03-01T02:00:00Z'); // the Monday before, 09:00 WIB
  /** The first event of a report's stream at intake or triage, sent by the SMS gateway. */
  const envelope = <Type extends string, Data extends { reportId: string }>(
    event: EventDefinition<Type, Data>,
    producer: string,
    data: NoInfer<Data>,
    at: string,
  ) => envelopeOf(event, data, { streamId: data.reportId, streamVersion: 1, producer, actor: 'sms-gateway', at: new Date(at) });
  /** A report received at `receivedAt` that its reporter says happened at `occurredAt`. */
  const report = (reportId: string, receivedAt: number, occurredAt: string | null, district = 'TEBET'): EventEnvelope[] => {
    const at = new Date(receivedAt).toISOString();
    const location = { latitude: -6.2265, longitude: 106.8519 };
    return [
      envelope(
        ReportReceived,
        'intake',
        receivedReportData({
          reportId,
          channel: 'SMS',
          sourceSystem: 'sms-gateway',
          location: { ...location, address: null, district: null },
          occurredAt,
          peopleInjured: 0,
          categoryHint: null,
          receivedAt: at,
        }),
        at,
      ),
      envelope(
        TriageCaseOpened,
        'triage',
        openedCaseData({ reportId, receivedAt: at, occurredAt, location: { ...location, address: null, reportedDistrict: null }, district }),
        at,
      ),
    ];
  };
  // 70 reports of the week before (10 a day), flushed within one minute; one stated in the future,
  // one stated 40 days back (both implausible), one that states nothing.
  const events = [
    ...Array.from({ length: 70 }, (_, i) =>
      report(`backlog-${i}`, FLUSHED_AT + i * 800, new Date(WEEK_START + (i % 7) * DAY_MS + i * 60_000).toISOString()),
    ).flat(),
    ...report('future', FLUSHED_AT + 58_000, new Date(FLUSHED_AT + 3_600_000).toISOString()),
    ...report('long-ago', FLUSHED_AT + 58_500, new Date(FLUSHED_AT - 40 * DAY_MS).toISOString()),
    ...report('unstated', FLUSHED_AT + 59_000, null),
  ];
  const model = modelOf(events);

  it('places volume by receipt unless asked, and says so', () => {
    const v = volume(model, {});
    expect(v.basis).toBe('received');
    expect(v.overTime.map((d) => [d.day, d.total])).toEqual([['2021-03-08', 73]]);
  });

  it('places volume by when it happened with basis=occurred, and the receipt where the stated time is missing or implausible', () => {
    const v = volume(model, { basis: 'occurred' });
    expect(v.basis).toBe('occurred');
    expect(v.total).toBe(73);
    expect(v.overTime.map((d) => [d.day, d.total])).toEqual([
      ['2021-03-01', 10],
      ['2021-03-02', 10],
      ['2021-03-03', 10],
      ['2021-03-04', 10],
      ['2021-03-05', 10],
      ['2021-03-06', 10],
      ['2021-03-07', 10],
      ['2021-03-08', 3],
    ]);
  });

  it('selects the period by the basis', () => {
    const wednesday = { from: new Date('2021-03-03T00:00:00+07:00'), to: new Date('2021-03-04T00:00:00+07:00') };
    expect(volume(model, wednesday).total).toBe(0);
    expect(volume(model, { ...wednesday, basis: 'occurred' }).total).toBe(10);
    expect(hotspots(model, { ...wednesday, basis: 'occurred' })).toMatchObject({ basis: 'occurred', byDistrict: [{ district: 'TEBET', total: 10 }] });
    const drill = reports(model, { ...wednesday, basis: 'occurred' });
    expect(drill).toMatchObject({ basis: 'occurred', total: 10 });
    const stated = drill.items.map((r) => r.occurredAt!);
    expect(stated.every((t) => t.startsWith('2021-03-03T'))).toBe(true);
    expect(stated).toEqual([...stated].sort().reverse());
  });

  it('keeps load, staffing and workload on receipt whatever the basis asked, and says so', () => {
    const byHour = (l: ReturnType<typeof load>) => l.arrivalsByHourOfDay.filter((h) => h.arrivals).map((h) => [h.hour, h.arrivals]);
    const asked = load(model, { basis: 'occurred' });
    expect(asked.basis).toBe('received');
    expect(byHour(asked)).toEqual([[10, 73]]);
    expect(byHour(asked)).toEqual(byHour(load(model, {})));
    const s = staffing(model, { basis: 'occurred' }, { share: 0.8, withinSeconds: 20 });
    expect({ basis: s.basis, days: s.days }).toEqual({ basis: 'received', days: 1 });
    expect(workload(model, { basis: 'occurred' }).basis).toBe('received');
  });
});
