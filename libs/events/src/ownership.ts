import { EventEnvelope } from './envelope';
import { TOPIC_OWNERS } from './topics';

/** An event whose `producer` is not its topic's owner: refused, dead-lettered, never applied. */
export class ForeignProducer extends Error {
  override readonly name = 'ForeignProducer';
  constructor(
    readonly topic: string,
    readonly owner: string,
    readonly producer: unknown,
    readonly headerProducer?: string,
  ) {
    super(
      `${topic} is written only by ${owner}, but this event names producer ${JSON.stringify(producer)}` +
        (headerProducer !== undefined && headerProducer !== producer ? ` (header producer ${JSON.stringify(headerProducer)})` : '') +
        '; refused, not applied',
    );
  }
}

/**
 * Refuses an event whose envelope (or `producer` header) names another writer than the topic's
 * owner. Topics outside `owners` (tests' own topics) are not checked. Broker ACLs already keep
 * other services' credentials off a topic; this keeps a forged or misrouted event out of every
 * read model even if the broker were misconfigured.
 */
export function assertTopicOwner(
  topic: string,
  event: Pick<EventEnvelope, 'producer'>,
  headerProducer?: string,
  owners: Readonly<Record<string, string>> = TOPIC_OWNERS,
): void {
  const owner = owners[topic];
  if (owner === undefined) return;
  if (event.producer !== owner || (headerProducer !== undefined && headerProducer !== owner)) {
    throw new ForeignProducer(topic, owner, event.producer, headerProducer);
  }
}
