import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { ConcurrencyConflict, SubmitReportDto } from '@callcenter/contracts';
import { ERASED, IntakeEvent, MongoEventStore, PersonalDataVault, ReportReceivedV1, ReportSealer } from '@callcenter/events';
import { EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { reportDecider, ReportState } from './report.decider';
import { TrackingCodeReservations } from './tracking-code-reservations';

/** Namespace of report ids derived from (source system, external id). */
const REPORT_ID_NAMESPACE = '6f1d4a52-2c0e-4b8e-9a3c-5d0f7e1b9c11';

export function reportIdFor(sourceSystem: string, externalId: string): string {
  return uuidv5(`${sourceSystem}\n${externalId}`, REPORT_ID_NAMESPACE);
}

export interface SubmissionReceipt {
  reportId: string;
  trackingCode: string;
  receivedAt: string;
  duplicate: boolean;
}

/**
 * Idempotent acceptance. The report id is derived from (source system, external id), so every
 * repeat of a submission, however concurrent, addresses the same stream: the first append wins and
 * the others read back the original receipt when their content is the same (ALREADY_EXISTS when it
 * is not). The receipt is returned only once ReportReceived is stored; the relay then puts it on
 * Kafka.
 */
@Injectable()
export class SubmitReportHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly trackingCodes: TrackingCodeReservations,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {}

  async submit(dto: SubmitReportDto, correlationId: string): Promise<SubmissionReceipt> {
    const reportId = reportIdFor(dto.source_system, dto.external_id);
    // No read first: appending at version 0 is the idempotency check (a repeat conflicts).
    const receivedAt = new Date();
    // Reserved before the report is stored, so no two reports ever share a code. The report's data
    // key is made at the same time (both single writes): it is stored before the event that needs
    // it, and a repeat finds the key of the first. The phone as the decider keeps it (erasure by phone).
    const phone = dto.reporter.anonymous ? null : dto.reporter.phone?.trim() || null;
    const [trackingCode, sealer] = await Promise.all([
      this.trackingCodes.reserve(reportId, receivedAt),
      this.personalData.sealerFor(reportId, phone, receivedAt),
    ]);
    const command = {
      type: 'SubmitReport' as const,
      reportId,
      trackingCode,
      sourceSystem: dto.source_system,
      externalId: dto.external_id,
      channel: dto.channel,
      reporter: dto.reporter,
      categoryHint: dto.category_hint,
      description: dto.description,
      location: dto.location,
      occurredAt: dto.occurred_at,
      peopleInjured: dto.people_injured,
      peopleInvolved: dto.people_involved,
      receivedAt,
    };
    try {
      const decided = reportDecider.decide(command, reportDecider.initialState());
      // No key: the report id was erased, and its personal data is never written again in clear.
      const erased: ReportSealer = { keyId: reportId, seal: ((t: string | null) => (t === null ? null : ERASED)) as ReportSealer['seal'] };
      await this.store.append(
        reportId,
        0,
        decided.map((e) => sealPersonalData(e, sealer ?? erased)),
        {
          actor: dto.source_system,
          correlationId,
          now: receivedAt,
        },
      );
      return { reportId, trackingCode: command.trackingCode, receivedAt: receivedAt.toISOString(), duplicate: false };
    } catch (e) {
      if (!(e instanceof ConcurrencyConflict)) throw e;
      // Someone was first: the decider, given the stored report, tells a repeat (no events: answer
      // the original ids) from a reused external id with other content (AlreadyExists).
      const state = await this.stateOf(reportId);
      if (state.status !== 'received') throw e;
      reportDecider.decide(command, state);
      return { reportId, trackingCode: state.trackingCode, receivedAt: state.receivedAt, duplicate: true };
    }
  }

  /** The report as stored, for a status asked before the status consumer has caught up. */
  async received(reportId: string): Promise<ReportReceivedV1 | null> {
    const { events } = await this.store.readStream(reportId);
    const first = events.find((e) => e.type === 'ReportReceived');
    return first ? (first.data as ReportReceivedV1) : null;
  }

  private async stateOf(reportId: string): Promise<ReportState> {
    const { events } = await this.store.readStream(reportId);
    return events.reduce((s, e) => reportDecider.evolve(s, e as any), reportDecider.initialState()) as ReportState;
  }
}

/** The received report with its personal fields sealed by the report's key (ReportReceived v2). */
export function sealPersonalData(event: IntakeEvent, sealer: ReportSealer): IntakeEvent {
  const d = event.data;
  return {
    ...event,
    data: {
      ...d,
      reporter: { ...d.reporter, name: sealer.seal(d.reporter.name), phone: sealer.seal(d.reporter.phone) },
      description: sealer.seal(d.description),
      location: { ...d.location, address: sealer.seal(d.location.address) },
    },
  };
}
