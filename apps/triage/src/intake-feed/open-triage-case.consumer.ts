import { Inject, Injectable } from '@nestjs/common';
import { ConcurrencyConflict } from '@callcenter/contracts';
import {
  EventEnvelope,
  ERASED,
  EventRegistry,
  intakeEvents,
  MongoEventStore,
  PersonalDataVault,
  ReportReceivedV1,
  SYSTEM_ACTOR,
  TOPICS,
  TriageCaseOpenedV1,
} from '@callcenter/events';
import { EVENT_STORE, PERSONAL_DATA, ServiceConsumer } from '@callcenter/platform';
import { caseOpenedFrom, recentReportFrom, reportForSuggestion } from '../case/case-opening';
import { triageCaseDecider } from '../case/triage-case.decider';
import { callerRefOf, CallersStore } from '../callers/callers.store';
import { TriageQueue } from '../queue/triage-queue';
import { TriageRules } from '../triage.rules';

export const CASE_OPENER_GROUP = 'triage-case-opener';

/**
 * Opens a triage case for every received report, with the suggestions an operator starts from.
 * Idempotent: a redelivered report finds its case open and nothing is appended.
 */
@Injectable()
export class OpenTriageCaseConsumer extends ServiceConsumer {
  constructor(
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly callers: CallersStore,
    private readonly queue: TriageQueue,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {
    super({ group: CASE_OPENER_GROUP, topics: [TOPICS.intake], registry: new EventRegistry(intakeEvents), streamsConcurrently: 50 });
  }

  protected async handle(event: EventEnvelope) {
    if (event.type === 'ReportReceived') await this.handleBatch([event]);
  }

  /**
   * A fetched batch of reports with one write of their reporters' identities and one read of their
   * callers' prank counts; the cases' appends go to the event store together (its group commit
   * makes them one insert). Suggestions are made in offset order, so each report's duplicate
   * candidates include the reports before it.
   */
  protected override async handleBatch(events: EventEnvelope[]) {
    const received = events.filter((e): e is EventEnvelope<'ReportReceived', ReportReceivedV1> => e.type === 'ReportReceived');
    if (received.length === 0) return;
    // Identity before the case: once the case is open a redelivery stops here, so it must not be
    // left out. It is kept sealed, so its write needs no key and runs while the fields are opened.
    const identities = this.callers.keepReporters(
      received.map(({ data }) => ({ reportId: data.reportId, name: data.reporter.name, phone: data.reporter.phone })),
    );
    // Personal fields come sealed (ReportReceived v2): triage opens the phone and the description to
    // suggest, and passes the sealed values on, so they stay erasable wherever they are copied.
    const [, { opened, pranks }] = await Promise.all([identities, this.openWithPranks(received)]);
    const cases = opened.map((o) => ({ event: o.event, data: this.suggest(o.event.data, o.description, o.callerRef, pranks.get(o.callerRef ?? '') ?? 0) }));
    await Promise.all(cases.map(({ event, data }) => this.open(event, data)));
  }

  /** The reports' phones and descriptions opened with their keys (one read for the batch), then their callers' prank counts. */
  private async openWithPranks(received: EventEnvelope<'ReportReceived', ReportReceivedV1>[]) {
    const opened = await Promise.all(
      received.map(async (event) => {
        const [phone, description] = await Promise.all([this.personalData.open(event.data.reporter.phone), this.personalData.open(event.data.description)]);
        return { event, description, callerRef: phone === ERASED ? null : callerRefOf(phone, this.rules.callerRefKey) };
      }),
    );
    return { opened, pranks: await this.callers.prankRejectionsOf(opened.map((o) => o.callerRef)) };
  }

  /** The case a report opens: the model's classification and the recent reports are this process's state. */
  private suggest(report: ReportReceivedV1, description: string, callerRef: string | null, prankRejections: number): TriageCaseOpenedV1 {
    const classification = this.rules.suggestions.suggest(reportForSuggestion(report, description));
    const recent = recentReportFrom(report, classification.category, callerRef);
    const duplicateCandidates = this.queue.recent.candidatesFor(recent);
    // At once, so reports handled alongside this one compare with it.
    this.queue.recent.add(recent);
    return caseOpenedFrom({ report, callerRef, classification, duplicateCandidates, prankRejections }, this.rules);
  }

  private async open(event: EventEnvelope<'ReportReceived', ReportReceivedV1>, data: TriageCaseOpenedV1): Promise<void> {
    // Appending at version 0 is the idempotency check: a redelivered report conflicts with its open case.
    const initial = triageCaseDecider.initialState();
    const opened = triageCaseDecider.decide({ type: 'OpenCase', data }, initial);
    try {
      await this.store.append(data.reportId, 0, opened, {
        actor: SYSTEM_ACTOR,
        correlationId: event.correlationId,
        causationId: event.eventId,
        now: new Date(),
      });
    } catch (e) {
      if (e instanceof ConcurrencyConflict) return;
      throw e;
    }
    this.queue.accept(opened.reduce(triageCaseDecider.evolve, initial), 1);
  }
}
