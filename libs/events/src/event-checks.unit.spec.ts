import { assertValidEvent, InvalidEvent } from './event-checks';
import { EventEnvelope } from './envelope';

function envelope(type: string, data: unknown, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    eventId: 'e1',
    type,
    schemaVersion: 1,
    streamId: 'r1',
    streamVersion: 1,
    occurredAt: '2026-12-02T01:00:00.000Z',
    recordedAt: '2026-12-02T01:00:00.000Z',
    producer: 'triage',
    actor: 'system',
    correlationId: 'c',
    causationId: null,
    data,
    ...overrides,
  };
}

const opened = {
  reportId: 'r1',
  trackingCode: 'LP-1',
  sourceSystem: 'hotline-110',
  channel: 'HOTLINE',
  receivedAt: '2026-12-02T01:00:00.000Z',
  description: 'x',
  categoryHint: null,
  location: { latitude: null, longitude: null, address: null, reportedDistrict: 'Tebet' },
  district: 'TEBET',
  peopleInjured: 0,
  peopleInvolved: 1,
  callerRef: null,
  suggestion: { category: 'KEJAHATAN', priority: 'P3', reasons: [], duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } },
};

describe('assertValidEvent: what a view may trust', () => {
  it('accepts a complete event, and any event type it has no shape for', () => {
    expect(() => assertValidEvent(envelope('TriageCaseOpened', opened))).not.toThrow();
    expect(() => assertValidEvent(envelope('SomethingNew', { anything: 1 }))).not.toThrow();
  });

  it('refuses an envelope that is JSON but empty inside, naming every field at fault', () => {
    expect(() => assertValidEvent(envelope('TriageCaseOpened', {}))).toThrow(InvalidEvent);
    expect(() => assertValidEvent(envelope('TriageCaseOpened', {}))).toThrow(/data\.reportId must be string; .*data\.suggestion must be object/);
    expect(() => assertValidEvent(envelope('TriageCaseOpened', { ...opened, receivedAt: 'yesterday' }))).toThrow(/data\.receivedAt must be time/);
    expect(() => assertValidEvent(envelope('TriageCaseOpened', { ...opened, suggestion: { ...opened.suggestion, duplicateCandidates: null } }))).toThrow(
      /data\.suggestion\.duplicateCandidates must be array/,
    );
  });

  it('refuses an envelope whose own fields are not what they must be', () => {
    expect(() => assertValidEvent(envelope('Counted', {}, { occurredAt: 'not a time' }))).toThrow(/occurredAt must be time/);
    expect(() => assertValidEvent(envelope('Counted', null))).toThrow(/data must be object/);
  });
});
