import { randomUUID } from 'node:crypto';
import { parsePriorityTargets } from '@callcenter/contracts';
import { EventEnvelope, toEnvelopes, TriageEnvelope } from '@callcenter/events';
import { triageCaseDecider, TriageCaseState, TriageCommand } from '../case/triage-case.decider';
import { QueueIndex } from '../queue/queue-index';
import { openCasesFold, queueIndexOf } from './open-cases.fold';

const T0 = Date.parse('2026-11-28T01:00:00Z');
const targets = parsePriorityTargets('P1=120/180/900,P2=600/600/1800,P3=1800/1800/3600,P4=3600/-/-');
const operators = ['op-budi', 'op-sari', 'op-dewi'].map((id) => ({ id, supervisor: false }));
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

/** Cases living their lives over an hour, made by the decider: every event as the store records it. */
function traffic(reports: number): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < reports; i++) {
    const reportId = randomUUID();
    let time = T0 + Math.random() * 3_600_000;
    let state: TriageCaseState = triageCaseDecider.initialState();
    let version = 0;
    const run = (command: TriageCommand) => {
      const made = triageCaseDecider.decide(command, state);
      const envelopes = toEnvelopes(reportId, version, made, { actor: 'by' in command ? command.by.id : 'system', correlationId: 'c', now: new Date(time) }, {
        producer: 'triage',
        recordedAt: new Date(time),
        schemaVersionOf: () => 1,
        newId: randomUUID,
      });
      for (const e of envelopes) state = triageCaseDecider.evolve(state, e as TriageEnvelope);
      version += envelopes.length;
      events.push(...envelopes);
    };
    const receivedAt = new Date(time).toISOString();
    run({
      type: 'OpenCase',
      data: {
        reportId, trackingCode: reportId.slice(0, 10), sourceSystem: 'hotline', channel: pick(['HOTLINE', 'MOBILE_APP']), receivedAt,
        description: 'Motor dicuri di parkiran', categoryHint: null,
        location: { latitude: -6.24, longitude: 106.85, address: 'Jl. Tebet Raya', reportedDistrict: null }, district: 'TEBET',
        peopleInjured: 0, peopleInvolved: 1, callerRef: null,
        suggestion: { category: 'KEJAHATAN', priority: pick(['P1', 'P2', 'P3']), reasons: [], duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } },
      },
    });
    for (let step = 0; step < 4 && Math.random() < 0.8; step++) {
      time += Math.random() * 600_000;
      const by = pick(operators);
      const now = new Date(time);
      const command = pick<TriageCommand>([
        { type: 'Claim', by, now, leaseSeconds: 300 },
        { type: 'Classify', by: { ...by, supervisor: true }, now, category: 'KEJAHATAN', priority: pick(['P1', 'P2', 'P3', 'P4']), district: null },
        { type: 'Release', by: { ...by, supervisor: true } },
        { type: 'Escalate', by: { ...by, supervisor: true }, now, reason: 'Perlu supervisor' },
        { type: 'MarkOverdue', now, targets },
        { type: 'GiveAdvice', by: { ...by, supervisor: true }, now, advice: 'Lapor ke RT' },
      ]);
      try {
        run(command);
      } catch {
        /* refused by the rules: nothing recorded, as in the service */
      }
    }
  }
  return events.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.streamVersion - b.streamVersion));
}

describe('the queue fold for time travel', () => {
  it('gives at every moment the list the live queue index gives after the same events, through save and load', () => {
    const events = traffic(150);
    const live = new QueueIndex();
    let past = openCasesFold.initial();
    events.forEach((event, k) => {
      live.apply(event as TriageEnvelope);
      openCasesFold.apply(past, event);
      if (k % 25 !== 0) return;
      past = openCasesFold.load(JSON.parse(JSON.stringify(openCasesFold.save(past)))); // as a checkpoint stores it
      const at = new Date(Date.parse(event.recordedAt));
      for (const filter of [{}, { status: ['IN_TRIAGE' as const] }, { overdue: true }, { priority: ['P1' as const, 'P2' as const] }]) {
        expect(queueIndexOf(past).list(filter, 0, 500, at, targets)).toEqual(live.list(filter, 0, 500, at, targets));
      }
    });
    expect(live.size).toBeGreaterThan(0);
  });

  it('changes nothing on a repeated or out-of-date event', () => {
    const events = traffic(20);
    const once = openCasesFold.initial();
    const twice = openCasesFold.initial();
    for (const e of events) openCasesFold.apply(once, e);
    for (const e of [...events, ...events]) openCasesFold.apply(twice, e);
    expect(twice).toEqual(once);
  });
});
