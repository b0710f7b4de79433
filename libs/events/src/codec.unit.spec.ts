import { fromKafkaMessage, HEADERS, toKafkaMessage, UndecodableMessage } from './codec';
import { EventEnvelope } from './envelope';

const envelope: EventEnvelope = {
  eventId: '3f0c1c36-1111-4a8e-9a55-2b8b3c8f0001',
  type: 'ReportReceived',
  schemaVersion: 2,
  streamId: 'report-1',
  streamVersion: 1,
  occurredAt: '2026-11-28T01:00:00.000Z',
  recordedAt: '2026-11-28T01:00:00.123Z',
  producer: 'intake',
  actor: 'mobile-app',
  correlationId: 'corr-1',
  causationId: null,
  data: { description: 'begal di Jl. Sudirman' },
};

describe('kafka codec', () => {
  it('keys by stream id and carries type, schema version and ids in headers', () => {
    const message = toKafkaMessage(envelope);
    expect(message.key).toBe('report-1');
    expect(message.timestamp).toBe(String(Date.parse(envelope.recordedAt)));
    expect(message.headers).toMatchObject({
      [HEADERS.type]: 'ReportReceived',
      [HEADERS.schemaVersion]: '2',
      [HEADERS.eventId]: envelope.eventId,
      [HEADERS.correlationId]: 'corr-1',
      [HEADERS.producer]: 'intake',
    });
  });

  it('round-trips the whole envelope', () => {
    const message = toKafkaMessage(envelope);
    expect(fromKafkaMessage({ value: Buffer.from(message.value as string) })).toEqual(envelope);
  });

  it.each([
    ['empty', null],
    ['not JSON', Buffer.from('{nope')],
    ['not an envelope', Buffer.from('{"hello":"world"}')],
    ['bad stream version', Buffer.from(JSON.stringify({ ...envelope, streamVersion: 0 }))],
  ])('rejects a message that is %s', (_name, value) => {
    expect(() => fromKafkaMessage({ value: value as Buffer | null })).toThrow(UndecodableMessage);
  });
});
