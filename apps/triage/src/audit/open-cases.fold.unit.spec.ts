import { randomUUID } from 'node:crypto';
import { parsePriorityTargets } from '@callcenter/contracts';
import { EventEnvelope, toEnvelopes, TriageEnvelope } from '@callcenter/events';
import { openedCaseData } from '@callcenter/testing';
import { triageCaseDecider, TriageCaseState, TriageCommand } from '../case/triage-case.decider';
import { caseRecorder } from '../case/triage-case.testing';
import { QueueIndex } from '../queue/queue-index';
import { openCasesFold, queueIndexOf } from './open-cases.fold';

const T0 = Date.parse('2026-11-28T01:00:00Z');
const targets = parsePriorityTargets('P1=120/180/900,P2=600/600/1800,P3=1800/1800/3600,P4=3600/-/-');
const operators = ['op-budi', 'op-sari', 'op-dewi'].map((id) => ({ id, supervisor: false }));
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

/** Cases living their lives over an hour, made by the decider: every event as the store records it. */
function traffic(reports: number, steps = 4): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < reports; i++) {
    const reportId = randomUUID();
    let time = T0 + Math.random() * 3_600_000;
    const record = caseRecorder(reportId, events);
    const run = (command: TriageCommand) => record(command, new Date(time));
    const receivedAt = new Date(time).toISOString();
    run({
      type: 'OpenCase',
      data: openedCaseData(
        {
          reportId,
          trackingCode: reportId.slice(0, 10),
          sourceSystem: 'hotline',
          channel: pick(['HOTLINE', 'MOBILE_APP']),
          receivedAt,
          description: 'Motor dicuri di parkiran',
          location: { latitude: -6.24, longitude: 106.85, address: 'Jl. Tebet Raya', reportedDistrict: null },
        },
        { priority: pick(['P1', 'P2', 'P3']) },
      ),
    });
    const groupOf = randomUUID();
    for (let step = 0; step < steps && Math.random() < 0.8; step++) {
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
        // Merged into another report's group, and split out of it again (reversible merges).
        { type: 'MarkDuplicate', by: { ...by, supervisor: true }, now, duplicateOf: groupOf, original: { status: 'QUEUED', duplicateOf: null } },
        { type: 'SplitFromGroup', by: { ...by, supervisor: true }, now, reason: 'Lokasi berbeda', groupIncident: { unitArrivedAt: null, unitId: null } },
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

/**
 * The live queue (TriageQueue) over the same events: its index, and on a split of a case it let go
 * when the case closed as a duplicate, the case rebuilt from the store (the stream up to the split).
 */
function liveQueue(events: EventEnvelope[]): (event: EventEnvelope) => QueueIndex {
  const live = new QueueIndex();
  return (event) => {
    if (event.type === 'ReportSplitFromGroup' && !live.get(event.streamId)) {
      const stream = events.filter((e) => e.streamId === event.streamId && e.streamVersion <= event.streamVersion);
      const state = stream.reduce((s: TriageCaseState, e) => triageCaseDecider.evolve(s, e as TriageEnvelope), triageCaseDecider.initialState());
      if (state.status !== 'NONE') live.load({ case: state, version: event.streamVersion });
    } else live.apply(event as TriageEnvelope);
    return live;
  };
}

const filters = [{}, { status: ['IN_TRIAGE' as const] }, { status: ['QUEUED' as const] }, { overdue: true }, { priority: ['P1' as const, 'P2' as const] }];

/** Folds the events as the timeline does, through a checkpoint (save, JSON, load) every `every` events, comparing with the live queue. */
function compareWithLive(events: EventEnvelope[], every: number): QueueIndex {
  const follow = liveQueue(events);
  let live = new QueueIndex();
  let past = openCasesFold.initial();
  events.forEach((event, k) => {
    live = follow(event);
    openCasesFold.apply(past, event);
    if (k % every !== 0 && k !== events.length - 1) return;
    past = openCasesFold.load(JSON.parse(JSON.stringify(openCasesFold.save(past)))); // as a checkpoint stores it
    const at = new Date(Date.parse(event.recordedAt));
    for (const filter of filters) expect(queueIndexOf(past).list(filter, 0, 500, at, targets)).toEqual(live.list(filter, 0, 500, at, targets));
  });
  return live;
}

describe('the queue fold for time travel', () => {
  it('gives at every moment the list the live queue index gives after the same events, through save and load', () => {
    const live = compareWithLive(traffic(150), 25);
    expect(live.size).toBeGreaterThan(0);
  });

  it('shows a report split out of its group again after the split, as the live queue did, with merges and splits across checkpoints', () => {
    // 240 reports: with 120 the random traffic held 5 splits or fewer about one run in twenty.
    const events = traffic(240, 8);
    const splits = events.filter((e) => e.type === 'ReportSplitFromGroup');
    expect(splits.length).toBeGreaterThan(5); // the traffic does hold merge → split histories
    compareWithLive(events, 15);
  });

  it('reopens a merged report at its split with its classification and history, though the merge was before the checkpoint', () => {
    const events = traffic(1, 0); // one case, opened only
    const [opened] = events;
    const reportId = opened.streamId;
    const at = (minutes: number) => new Date(Date.parse(opened.recordedAt) + minutes * 60_000);
    const supervisor = { id: 'spv-rina', supervisor: true };
    let state = triageCaseDecider.evolve(triageCaseDecider.initialState(), opened as TriageEnvelope);
    const record = (command: TriageCommand, minutes: number) => {
      const made = triageCaseDecider.decide(command, state);
      const envelopes = toEnvelopes(
        reportId,
        events.length,
        made,
        { actor: supervisor.id, correlationId: 'c', now: at(minutes) },
        {
          producer: 'triage',
          recordedAt: at(minutes),
          schemaVersionOf: () => 1,
          newId: randomUUID,
        },
      );
      for (const e of envelopes) state = triageCaseDecider.evolve(state, e as TriageEnvelope);
      events.push(...envelopes);
    };
    record({ type: 'Classify', by: supervisor, now: at(1), category: 'KEJAHATAN', priority: 'P2', district: null }, 1);
    record({ type: 'MarkDuplicate', by: supervisor, now: at(2), duplicateOf: randomUUID(), original: { status: 'QUEUED', duplicateOf: null } }, 2);
    let past = openCasesFold.initial();
    for (const e of events) openCasesFold.apply(past, e);
    expect(queueIndexOf(past).list({}, 0, 10, at(2), targets).total).toBe(0); // merged: not in the queue
    past = openCasesFold.load(JSON.parse(JSON.stringify(openCasesFold.save(past)))); // the hour's checkpoint falls here
    record({ type: 'SplitFromGroup', by: supervisor, now: at(90), reason: 'Kejadian lain', groupIncident: { unitArrivedAt: null, unitId: null } }, 90);
    openCasesFold.apply(past, events[events.length - 1]);
    const shown = queueIndexOf(past).list({}, 0, 10, at(91), targets);
    expect(shown.items.map((i) => [i.reportId, i.status, i.priority])).toEqual([[reportId, 'QUEUED', 'P2']]);
    const live = liveQueue(events);
    let index = new QueueIndex();
    for (const e of events) index = live(e);
    expect(shown).toEqual(index.list({}, 0, 10, at(91), targets));
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
