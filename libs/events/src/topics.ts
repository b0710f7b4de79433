/**
 * The topic catalogue (docs/architecture.md). Each service writes only its own topics, so
 * broker ACLs can grant one writer per topic. Retention is unlimited: read models are rebuilt
 * from offset 0.
 */
export const TOPICS = {
  intake: 'callcenter.intake.events.v1',
  triage: 'callcenter.triage.events.v1',
  dispatch: 'callcenter.dispatch.events.v1',
} as const;

export type ServiceName = 'intake' | 'triage' | 'dispatch' | 'analytics' | 'console' | 'portal';

/** Where a consumer group parks what it could not process, with the error. */
export function deadLetterTopic(consumerGroup: string): string {
  return `callcenter.${consumerGroup}.dead-letter.v1`;
}

/** Who may write each event topic: the one writer its ACLs allow, and the `producer` its events must name. */
export const TOPIC_OWNERS: Readonly<Record<string, ServiceName>> = {
  [TOPICS.intake]: 'intake',
  [TOPICS.triage]: 'triage',
  [TOPICS.dispatch]: 'dispatch',
};
