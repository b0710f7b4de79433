import { assertTopicOwner, ForeignProducer } from './ownership';
import { TOPIC_OWNERS, TOPICS } from './topics';

describe('one writer per topic: a consumer refuses events whose producer is not the topic’s owner', () => {
  it('knows the owner of every event topic', () => {
    expect(TOPIC_OWNERS).toEqual({ [TOPICS.intake]: 'intake', [TOPICS.triage]: 'triage', [TOPICS.dispatch]: 'dispatch' });
  });

  it.each([
    [TOPICS.intake, 'intake'],
    [TOPICS.triage, 'triage'],
    [TOPICS.dispatch, 'dispatch'],
  ])('accepts %s from %s', (topic, producer) => {
    expect(() => assertTopicOwner(topic, { producer }, producer)).not.toThrow();
    expect(() => assertTopicOwner(topic, { producer })).not.toThrow(); // no header: the envelope decides
  });

  it.each([
    [TOPICS.dispatch, 'triage', undefined],
    [TOPICS.intake, 'analytics', undefined],
    [TOPICS.triage, 'Triage', undefined],
    [TOPICS.triage, undefined, undefined],
    [TOPICS.intake, 'intake', 'triage'], // the header names another writer
    [TOPICS.intake, 'triage', 'intake'], // the header is right but the envelope is not
  ])('refuses on %s an event naming %j (header %j), saying why', (topic, producer, header) => {
    let error: unknown;
    try {
      assertTopicOwner(topic, { producer: producer as string }, header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForeignProducer);
    expect((error as Error).message).toContain(`${topic} is written only by ${TOPIC_OWNERS[topic]}`);
    expect((error as Error).message).toContain('refused, not applied');
  });

  it('does not check topics outside the catalogue (tests’ own topics), or follows the owners given', () => {
    expect(() => assertTopicOwner('test-topic', { producer: 'test' })).not.toThrow();
    expect(() => assertTopicOwner('test-topic', { producer: 'test' }, undefined, { 'test-topic': 'writer' })).toThrow(ForeignProducer);
  });
});
