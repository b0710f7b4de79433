import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { PersonalDataVault } from '@callcenter/events';
import { PERSONAL_DATA } from '@callcenter/platform';
import { TriageRules } from '../triage.rules';
import { QueueIndex, summaryOf } from './queue-index';
import { TriageQueue } from './triage-queue';

type QueueFilter = Parameters<QueueIndex['list']>[0];
type QueuePage = ReturnType<QueueIndex['list']> & { offset: number; limit: number; at: string };

/** Open cases, most urgent first, then longest waiting, as of now. */
export class QueueQuery extends Query<QueuePage> {
  constructor(
    readonly filter: QueueFilter,
    readonly offset: number,
    readonly limit: number,
  ) {
    super();
  }
}

/** Queue depth per priority, oldest waiting, overdue, operators active. */
export class SupervisorStatsQuery extends Query<ReturnType<QueueIndex['stats']>> {}

@QueryHandler(QueueQuery)
export class QueueQueryHandler implements IQueryHandler<QueueQuery> {
  constructor(
    private readonly queue: TriageQueue,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {}

  async execute({ filter, offset, limit }: QueueQuery): Promise<QueuePage> {
    // The moment the answer is for: GET /audit/queue?at= with it answers the same later (issue 17).
    const at = new Date();
    const page = this.queue.index.list(filter, offset, limit, at, this.rules.targets);
    // Summaries are the first words of sealed descriptions: opened here, "[dihapus]" once erased.
    const items = await Promise.all(page.items.map(async (item) => ({ ...item, summary: summaryOf(await this.personalData.open(item.summary)) })));
    return { ...page, items, offset, limit, at: at.toISOString() };
  }
}

@QueryHandler(SupervisorStatsQuery)
export class SupervisorStatsQueryHandler implements IQueryHandler<SupervisorStatsQuery> {
  constructor(
    private readonly queue: TriageQueue,
    private readonly rules: TriageRules,
  ) {}

  async execute(): Promise<ReturnType<QueueIndex['stats']>> {
    return this.queue.index.stats(new Date(), this.rules.targets);
  }
}

export const QUEUE_QUERY_HANDLERS = [QueueQueryHandler, SupervisorStatsQueryHandler];
