import { IllegalState, ValidationFailed } from '@callcenter/contracts';
import {
  EventDefinition,
  evolveGroupMembership,
  ReportClaimed,
  ReportClassified,
  ReportMarkedDuplicate,
  ReportSplitFromGroup,
  TriageCaseOpened,
  TriageEvent,
} from '@callcenter/events';
import { envelopeOf } from '@callcenter/testing';
import { GroupIncident, Operator, TriageCaseState, triageCaseDecider, TriageCommand } from './triage-case.decider';

// Merging and splitting a report in an incident group: given(events).when(command).then(events).

const REPORT_ID = '5c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e';
const GROUP_OF = '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';
const budi: Operator = { id: 'op-budi', supervisor: false };
const rina: Operator = { id: 'spv-rina', supervisor: true };
const NOW = new Date('2026-11-28T03:10:00Z');
const notAttended: GroupIncident = { unitArrivedAt: null, unitId: null };

const opened = TriageCaseOpened({
  reportId: REPORT_ID,
  trackingCode: 'M4RG3-5PL1T',
  sourceSystem: 'mobile-app',
  channel: 'MOBILE_APP',
  receivedAt: '2026-11-28T03:00:00.000Z',
  description: 'Tawuran pelajar di Jl. Margonda, batu dilempar ke jalan',
  categoryHint: 'GANGGUAN_KETERTIBAN',
  location: { latitude: -6.37, longitude: 106.83, address: 'Jl. Margonda', reportedDistrict: null },
  district: null,
  peopleInjured: 0,
  peopleInvolved: 20,
  callerRef: 'ref-1',
  suggestion: {
    category: 'GANGGUAN_KETERTIBAN',
    priority: 'P2',
    reasons: [],
    duplicateCandidates: [],
    lowTrust: { flagged: false, prankRejections: 0, reason: null },
  },
});
const claimed = ReportClaimed({ reportId: REPORT_ID, operatorId: budi.id, leaseExpiresAt: '2026-11-28T03:15:00.000Z' });
const classified = ReportClassified({ reportId: REPORT_ID, category: 'GANGGUAN_KETERTIBAN', priority: 'P2', district: null });
const merged = ReportMarkedDuplicate({ reportId: REPORT_ID, duplicateOf: GROUP_OF });
const split = (reason = 'Lokasi berbeda: Jl. Margonda Raya dan Jl. Akses UI') => ReportSplitFromGroup({ reportId: REPORT_ID, groupOf: GROUP_OF, reason });

const fold = (events: TriageEvent[]): TriageCaseState => events.reduce(triageCaseDecider.evolve, triageCaseDecider.initialState());
const splitBy = (by: Operator, groupIncident = notAttended, reason = 'Lokasi berbeda: Jl. Margonda Raya dan Jl. Akses UI'): TriageCommand => ({
  type: 'SplitFromGroup',
  by,
  now: NOW,
  reason,
  groupIncident,
});

function refusal(history: TriageEvent[], command: TriageCommand): IllegalState {
  try {
    triageCaseDecider.decide(command, fold(history));
  } catch (e) {
    if (e instanceof IllegalState) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('incident groups: merge (MarkDuplicate) and split (SplitFromGroup)', () => {
  it('a merged report remembers the group it belongs to', () => {
    const state = fold([opened, claimed, classified, merged]);
    expect(state).toMatchObject({ status: 'DUPLICATE', mergedInto: GROUP_OF, claim: null });
  });

  it('a supervisor splits a merged report out with a reason, naming the group it leaves', () => {
    expect(triageCaseDecider.decide(splitBy(rina), fold([opened, claimed, classified, merged]))).toEqual([split()]);
  });

  it('the split report is back in the queue as its own report, its classification kept', () => {
    const state = fold([opened, claimed, classified, merged, split()]);
    expect(state).toMatchObject({ status: 'QUEUED', claim: null, escalated: false, classification: { category: 'GANGGUAN_KETERTIBAN', priority: 'P2' } });
    expect(state).not.toHaveProperty('mergedInto');
  });

  it('the reason is trimmed, and an empty one is refused naming the field', () => {
    expect(triageCaseDecider.decide(splitBy(rina, notAttended, '  beda kejadian '), fold([opened, merged]))).toEqual([split('beda kejadian')]);
    expect(() => triageCaseDecider.decide(splitBy(rina, notAttended, '   '), fold([opened, merged]))).toThrow(ValidationFailed);
  });

  it('only a supervisor splits', () => {
    expect(refusal([opened, claimed, merged], splitBy(budi)).rule).toBe('SUPERVISOR_REQUIRED');
  });

  it('a report that is not merged, or already split, cannot be split', () => {
    expect(refusal([opened, claimed], splitBy(rina)).rule).toBe('NOT_MERGED');
    expect(refusal([opened, merged, split()], splitBy(rina)).rule).toBe('NOT_MERGED');
  });

  it('is refused once a unit has been on scene at the group incident, naming the rule, the unit and the time', () => {
    const e = refusal([opened, merged], splitBy(rina, { unitArrivedAt: '2026-11-28T03:08:00.000Z', unitId: 'PATROLI-07' }));
    expect(e.rule).toBe('GROUP_INCIDENT_ATTENDED');
    expect(e.message).toContain('PATROLI-07');
    expect(e.message).toContain('2026-11-28T03:08:00.000Z');
    expect(e.message).toContain('only before any unit arrives');
  });

  it('a split report can be merged again, into the same or another group', () => {
    const state = fold([opened, merged, split(), claimed]);
    const command: TriageCommand = { type: 'MarkDuplicate', by: budi, now: NOW, duplicateOf: GROUP_OF, original: { status: 'FORWARDED', duplicateOf: null } };
    const events = triageCaseDecider.decide(command, state);
    expect(events).toEqual([merged]);
    expect(events.reduce(triageCaseDecider.evolve, state)).toMatchObject({ status: 'DUPLICATE', mergedInto: GROUP_OF });
  });
});

describe('group membership (the read model triage and dispatch keep of who is in which group)', () => {
  const envelope = <Type extends string, Data>(
    event: EventDefinition<Type, Data>,
    data: NoInfer<Data>,
    streamVersion: number,
    actor: string,
    occurredAt: string,
  ) => envelopeOf(event, data, { streamId: REPORT_ID, streamVersion, producer: 'triage', actor, at: new Date(occurredAt) });

  it('records who merged and who split, when and why', () => {
    const m = evolveGroupMembership(null, envelope(ReportMarkedDuplicate, merged.data, 4, 'op-budi', '2026-11-28T03:05:00.000Z'));
    expect(m).toEqual({
      reportId: REPORT_ID,
      groupOf: GROUP_OF,
      state: 'MERGED',
      mergedAt: '2026-11-28T03:05:00.000Z',
      mergedBy: 'op-budi',
      splitAt: null,
      splitBy: null,
      splitReason: null,
    });
    const s = evolveGroupMembership(m, envelope(ReportSplitFromGroup, split('beda lokasi').data, 5, 'spv-rina', '2026-11-28T03:09:00.000Z'));
    expect(s).toEqual({ ...m, state: 'SPLIT', splitAt: '2026-11-28T03:09:00.000Z', splitBy: 'spv-rina', splitReason: 'beda lokasi' });
  });

  it('leaves the document as it is for other events', () => {
    const m = evolveGroupMembership(null, envelope(ReportMarkedDuplicate, merged.data, 4, 'op-budi', '2026-11-28T03:05:00.000Z'));
    expect(evolveGroupMembership(m, envelope(ReportClassified, classified.data, 5, 'op-budi', '2026-11-28T03:06:00.000Z'))).toBe(m);
    expect(evolveGroupMembership(null, envelope(ReportClaimed, claimed.data, 2, 'op-budi', '2026-11-28T03:01:00.000Z'))).toBeNull();
  });
});
