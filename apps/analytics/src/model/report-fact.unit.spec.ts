import fc from 'fast-check';
import { ActorStep, forEachStepChanged, StepKind, stepsFromJson, stepsJson, stepsOf, Steps, withStep } from './report-fact';

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
