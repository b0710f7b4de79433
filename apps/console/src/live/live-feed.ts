import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, TopicTail } from '@callcenter/events';
import { KAFKA, kafkaLogger } from '@callcenter/platform';
import { LiveEvent, toLiveEvent } from './live-event';

type Listener = (events: LiveEvent[]) => void;

const SOURCE_OF: Record<string, LiveEvent['source']> = { [TOPICS.triage]: 'triage', [TOPICS.dispatch]: 'dispatch' };

/**
 * Every console instance tails the triage and dispatch topics from the moment it starts and fans
 * each fetched batch out to the screens connected to it. A screen that connects later reads the
 * current state through the API first, then applies what arrives here by stream version.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listeners = new Set<Listener>();
  private tail?: TopicTail;
  private lastEventAt: string | null = null;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async onApplicationBootstrap() {
    this.tail = new TopicTail({
      kafka: this.kafka,
      topic: [TOPICS.triage, TOPICS.dispatch],
      since: new Date(),
      groupPrefix: 'console-live',
      handle: (events, position) => {
        const source = SOURCE_OF[position.topic];
        if (!source || events.length === 0) return;
        const live = events.map((e) => toLiveEvent(source, e));
        this.lastEventAt = live[live.length - 1].at;
        for (const listener of this.listeners) listener(live);
      },
      logger: kafkaLogger('LiveFeed'),
    });
    await this.tail.start();
  }

  async onApplicationShutdown() {
    await this.tail?.stop().catch(() => undefined);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get connections(): number {
    return this.listeners.size;
  }

  get latest(): string | null {
    return this.lastEventAt;
  }
}
