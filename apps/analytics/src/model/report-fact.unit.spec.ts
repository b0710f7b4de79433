import fc from 'fast-check';
import * as ev from '@callcenter/events';
import { assignedData, envelopeOf, openedIncidentData } from '@callcenter/testing';
import { interleavedStreams } from '../../test/scripted-lifecycles';
import { ActorStep, emptyFact, evolveFact, factJson, forEachStepChanged, StepKind, stepsFromJson, stepsJson, stepsOf, Steps, withStep } from './report-fact';

const KINDS: StepKind[] = ['CLAIMED', 'CLASSIFIED', 'DECIDED', 'NOTED', 'ASSIGNED', 'ARRIVED', 'TIMED_OUT'];
const T0 = Date.parse('2026-03-01T00:00:00Z');
/** Steps of a few actors and kinds at a few instants, so that ties on time (and whole repeats) are common. */
const stepArb = fc.record({
  actor: fc.constantFrom('op-budi', 'op-sari', 'unit-R2-07', 'unit-R2-10', 'system'),
  step: fc.constantFrom(...KINDS),
  at: fc.integer({ min: 0, max: 3 }).map((m) => T0 + m * 60_000),
});
const packed = (steps: ActorStep[]): Steps => steps.reduce((run, s) => withStep(run, s.actor, s.step, s.at), [] as Steps);
/** The order steps are kept in: time, kind, actor. */
const byOrder = (a: ActorStep, b: ActorStep) => a.at - b.at || a.step.localeCompare(b.step) || a.actor.localeCompare(b.actor);
const key = (s: ActorStep) => `${s.actor}|${s.step}|${s.at}`;

describe("a report's packed steps", () => {
  it('keep every step, in time, kind and actor order, whatever order they were added in', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 12 }), fc.nat(), (steps, seed) => {
        const shuffled = steps
          .map((s, i) => [s, (seed * (i + 7)) % 13] as const)
          .sort((a, b) => a[1] - b[1])
          .map(([s]) => s);
        expect(stepsOf(packed(steps))).toEqual([...steps].sort(byOrder));
        expect(packed(shuffled)).toEqual(packed(steps));
      }),
    );
  });

  it('name the steps one run has and the other has not, as many times as it has them more', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 10 }), fc.array(stepArb, { maxLength: 10 }), (before, after) => {
        const changes = new Map<string, number>();
        const add = (s: ActorStep, n: number) => changes.set(key(s), (changes.get(key(s)) ?? 0) + n);
        before.forEach((s) => add(s, -1));
        after.forEach((s) => add(s, 1));
        const named: string[] = [];
        forEachStepChanged(packed(before), packed(after), (sign, actor, step, at) => named.push(`${sign} ${key({ actor, step, at })}`));
        const expected = [...changes].flatMap(([k, n]) => Array.from({ length: Math.abs(n) }, () => `${Math.sign(n)} ${k}`));
        expect(named.sort()).toEqual(expected.sort());
      }),
    );
  });

  it('leave a run unchanged when a step is added (a new run), and name nothing changed between a run and itself', () => {
    const run = packed([{ actor: 'op-budi', step: 'CLAIMED', at: T0 }]);
    const more = withStep(run, 'op-budi', 'DECIDED', T0 + 60_000);
    expect(stepsOf(run)).toHaveLength(1);
    expect(stepsOf(more)).toHaveLength(2);
    const visited: unknown[] = [];
    forEachStepChanged(more, more.slice(), (...step) => visited.push(step));
    expect(visited).toEqual([]);
  });

  it("are written with the actors' ids and read back to the same steps", () => {
    const run = packed([
      { actor: 'unit-R2-07', step: 'ARRIVED', at: T0 + 120_000 },
      { actor: 'op-sari', step: 'CLAIMED', at: T0 },
    ]);
    const json = stepsJson(run);
    expect(json).toEqual(['op-sari', 'CLAIMED', T0, 'unit-R2-07', 'ARRIVED', T0 + 120_000]);
    expect(stepsFromJson(JSON.parse(JSON.stringify(json)))).toEqual(run);
  });
});

describe("a report's fact", () => {
  // In service a report has one incident (its id derived from the report's). Another dispatcher on
  // the same topics (a test's, a second deployment's) may open a second: the fact must still be
  // the same whatever order the two incident streams are read in.
  const reportId = 'r0000000-0000-4000-8000-000000000001';
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);
  const incident = (incidentId: string, events: [ev.EventDefinition<string, any>, number, object][]) =>
    events.map(([definition, minutes, data], i) =>
      envelopeOf(definition, { reportId, incidentId, ...data }, { streamId: incidentId, streamVersion: i + 1, producer: 'dispatch', at: at(minutes) }),
    );
  const opened = (incidentId: string) => openedIncidentData({ reportId, incidentId, forwardedAt: at(1).toISOString() });
  const streams = [
    ...incident('b-incident', [
      [ev.IncidentOpened, 2, opened('b-incident')],
      [ev.UnitAssigned, 4, assignedData({ reportId, incidentId: 'b-incident', unitId: 'U1', acknowledgeBy: at(5).toISOString() })],
      [ev.UnitArrived, 9, { unitId: 'U1' }],
      [ev.IncidentResolved, 20, { unitId: 'U1', outcome: 'HANDLED_ON_SCENE', summary: 'selesai' }],
      [ev.IncidentClosed, 25, {}],
    ]),
    ...incident('a-incident', [
      [ev.IncidentOpened, 3, opened('a-incident')],
      [ev.DispatchOverdue, 6, { priority: 'P2', targetSeconds: 180, dueAt: at(5).toISOString() }],
      [ev.IncidentResolved, 20, { unitId: null, outcome: 'FALSE_ALARM', summary: 'tidak ada' }],
      [ev.IncidentClosed, 30, {}],
    ]),
  ];
  const foldedIn = (events: ev.EventEnvelope[]) => factJson(events.reduce((f, e) => evolveFact(f, e), emptyFact(reportId)));

  it('is the same whatever order two incidents of one report are read in', () => {
    const expected = foldedIn(streams);
    expect(expected).toMatchObject({ incidentId: 'a-incident', resolvedAt: at(20).getTime(), outcome: 'FALSE_ALARM', closedAt: at(25).getTime() });
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: streams.length, maxLength: streams.length }), (keys) => {
        expect(foldedIn(interleavedStreams(streams, keys))).toEqual(expected);
      }),
    );
  });
});
