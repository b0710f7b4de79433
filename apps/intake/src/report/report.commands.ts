import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { reportIdFor, SubmitReportDto } from '@callcenter/contracts';
import { ERASED, EventStore, handleCommand, IntakeEvent, PersonalDataVault, ReportSealer } from '@callcenter/events';
import { EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { IntakeCommand, reportDecider } from './report.decider';
import { TrackingCodeReservations } from './tracking-code-reservations';

export interface SubmissionReceipt {
  reportId: string;
  trackingCode: string;
  receivedAt: string;
  duplicate: boolean;
}

/** A calling system's submission, validated by the gRPC edge; answered once ReportReceived is stored. */
export class SubmitReport extends Command<SubmissionReceipt> {
  constructor(
    readonly dto: SubmitReportDto,
    readonly correlationId: string,
  ) {
    super();
  }
}

/**
 * Idempotent acceptance. The report id is derived from (source system, external id), so every
 * repeat of a submission, however concurrent, addresses the same stream: the first append wins and
 * the others read back the original receipt when their content is the same (ALREADY_EXISTS when it
 * is not). The receipt is returned only once ReportReceived is stored; the relay then puts it on
 * Kafka.
 */
@CommandHandler(SubmitReport)
export class SubmitReportHandler implements ICommandHandler<SubmitReport> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly trackingCodes: TrackingCodeReservations,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {}

  async execute({ dto, correlationId }: SubmitReport): Promise<SubmissionReceipt> {
    const reportId = reportIdFor(dto.source_system, dto.external_id);
    const receivedAt = new Date();
    // Reserved before the report is stored, so no two reports ever share a code. The report's data
    // key is made at the same time (both single writes): it is stored before the event that needs
    // it, and a repeat finds the key of the first. The phone as the decider keeps it (erasure by phone).
    const phone = dto.reporter.anonymous ? null : dto.reporter.phone?.trim() || null;
    const [trackingCode, sealer] = await Promise.all([
      this.trackingCodes.reserve(reportId, receivedAt),
      this.personalData.sealerFor(reportId, phone, receivedAt),
    ]);
    const command: IntakeCommand = {
      type: 'SubmitReport',
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
    // No key: the report id was erased, and its personal data is never written again in clear.
    const erased: ReportSealer = { keyId: reportId, seal: ((t: string | null) => (t === null ? null : ERASED)) as ReportSealer['seal'] };
    // No read first (assumeNew): appending at version 0 is the idempotency check. A repeat conflicts,
    // and the decider, given the stored report, tells a repeat (no events: answer the original ids)
    // from a reused external id with other content (AlreadyExists).
    const { state, events } = await handleCommand(
      this.store,
      reportDecider,
      reportId,
      command,
      { actor: dto.source_system, correlationId, now: receivedAt },
      { assumeNew: true, toStored: (decided) => decided.map((e) => sealPersonalData(e, sealer ?? erased)) },
    );
    // Unreachable: the decider records the report or refuses, and only ReportReceived starts a stream.
    if (state.status !== 'received') throw new Error(`report ${reportId} has no ReportReceived after its submission`);
    return { reportId, trackingCode: state.trackingCode, receivedAt: state.receivedAt, duplicate: events.length === 0 };
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

export const REPORT_COMMAND_HANDLERS = [SubmitReportHandler];
