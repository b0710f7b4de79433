import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ConcurrencyConflict, districtNamed, haversineMeters, nearestDistrict } from '@callcenter/contracts';
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
import { EVENT_STORE, KAFKA, PERSONAL_DATA, ServiceConsumer } from '@callcenter/platform';
import { triageCaseDecider } from '../case/triage-case.decider';
import { callerRefOf, CallersStore } from '../callers/callers.store';
import { TriageQueue } from '../queue/triage-queue';
import { lowTrustFlag } from '../suggestions';
import { TriageRules } from '../triage.rules';

export const CASE_OPENER_GROUP = 'triage-case-opener';

/** Farther than this from every district centre, a report is probably outside the jurisdiction. */
const OUT_OF_JURISDICTION_METERS = 10_000;

/**
 * Opens a triage case for every received report, with the suggestions an operator starts from.
 * Idempotent: a redelivered report finds its case open and nothing is appended.
 */
@Injectable()
export class OpenTriageCaseConsumer extends ServiceConsumer {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly callers: CallersStore,
    private readonly queue: TriageQueue,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {
    super(kafka, { group: CASE_OPENER_GROUP, topics: [TOPICS.intake], registry: new EventRegistry(intakeEvents), streamsConcurrently: 50 });
  }

  protected async handle(event: EventEnvelope) {
    if (event.type === 'ReportReceived') await this.open(event as EventEnvelope<'ReportReceived', ReportReceivedV1>);
  }

  private async open(event: EventEnvelope<'ReportReceived', ReportReceivedV1>): Promise<void> {
    const report = event.data;
    // Personal fields come sealed (ReportReceived v2): triage opens the phone and the description to
    // suggest, and passes the sealed values on, so they stay erasable wherever they are copied.
    const [phone, description] = await Promise.all([this.personalData.open(report.reporter.phone), this.personalData.open(report.description)]);
    const callerRef = phone === ERASED ? null : callerRefOf(phone, this.rules.callerRefKey);
    // Identity first: once the case is open a redelivery stops here, so it must not be left out.
    await this.callers.keepReporter(report.reportId, { name: report.reporter.name, phone: report.reporter.phone });
    const prankRejections = await this.callers.prankRejections(callerRef);

    const classification = this.rules.suggestions.suggest({
      categoryHint: report.categoryHint,
      description,
      channel: report.channel,
      peopleInjured: report.peopleInjured,
    });
    const { latitude, longitude } = report.location;
    const point = latitude !== null && longitude !== null ? { latitude, longitude } : null;
    const reasons = [...classification.reasons];
    let district = districtNamed(this.rules.jurisdiction, report.location.district);
    if (!district && point) {
      district = nearestDistrict(this.rules.jurisdiction, point);
      const km = haversineMeters(point, district) / 1000;
      reasons.push(
        km * 1000 > OUT_OF_JURISDICTION_METERS
          ? `location is ${km.toFixed(1)} km from the nearest district (${district.name}): possibly out of jurisdiction`
          : `district ${district.name} from the coordinates`,
      );
    }
    const recent = {
      reportId: report.reportId,
      category: classification.category,
      latitude,
      longitude,
      callerRef,
      receivedAt: report.receivedAt,
      occurredAt: report.occurredAt,
    };
    const lowTrust = lowTrustFlag(prankRejections, this.rules.prankThreshold);
    const duplicateCandidates = this.queue.recent.candidatesFor(recent);
    // At once, so reports handled alongside this one compare with it.
    this.queue.recent.add(recent);
    const data: TriageCaseOpenedV1 = {
      reportId: report.reportId,
      trackingCode: report.trackingCode,
      sourceSystem: report.sourceSystem,
      channel: report.channel,
      receivedAt: report.receivedAt,
      occurredAt: report.occurredAt,
      description: report.description,
      categoryHint: report.categoryHint,
      location: { latitude, longitude, address: report.location.address, reportedDistrict: report.location.district },
      district: district?.code ?? null,
      peopleInjured: report.peopleInjured,
      peopleInvolved: report.peopleInvolved,
      callerRef,
      suggestion: {
        category: classification.category,
        priority: classification.priority,
        reasons: lowTrust.reason ? [...reasons, lowTrust.reason] : reasons,
        duplicateCandidates,
        lowTrust,
        categories: classification.categories,
        words: classification.words,
      },
      suggestionModel: classification.modelVersion,
    };
    // Appending at version 0 is the idempotency check: a redelivered report conflicts with its open case.
    const initial = triageCaseDecider.initialState();
    const opened = triageCaseDecider.decide({ type: 'OpenCase', data }, initial);
    try {
      await this.store.append(report.reportId, 0, opened, {
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
