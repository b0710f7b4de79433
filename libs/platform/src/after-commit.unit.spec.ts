import { NestFactory } from '@nestjs/core';
import { CqrsModule, EventBus } from '@nestjs/cqrs';
import type { CommitDocument } from '@callcenter/events';
import { CountAppendedEvents, EventsCommitted } from './after-commit';
import { backboneMetrics } from './metrics';

async function appendedOf(type: string): Promise<number> {
  return (await backboneMetrics.appended.get()).values.find((v) => v.labels.type === type)?.value ?? 0;
}

describe('EventsCommitted on the EventBus', () => {
  it('counts each committed event once, by type, as soon as the commit is published', async () => {
    const app = await NestFactory.createApplicationContext(
      { module: class AfterCommit {}, imports: [CqrsModule.forRoot()], providers: [CountAppendedEvents] },
      { logger: false },
    );
    try {
      const before = [await appendedOf('ReportClaimed'), await appendedOf('ReportClassified')];
      const commit = {
        _id: 'r-1#1',
        events: [{ type: 'ReportClaimed' }, { type: 'ReportClassified' }, { type: 'ReportClaimed' }],
      } as unknown as CommitDocument;
      app.get(EventBus).publish(new EventsCommitted(commit));
      // Synchronous: the relay's queue and the counter know of a commit before the command answers.
      expect([await appendedOf('ReportClaimed'), await appendedOf('ReportClassified')]).toEqual([before[0] + 2, before[1] + 1]);
    } finally {
      await app.close();
    }
  });
});
