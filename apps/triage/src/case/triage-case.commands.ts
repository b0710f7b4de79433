import { ForbiddenException, Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { v4 as uuidv4 } from 'uuid';
import { districtNamed, NotFound, ValidationFailed } from '@callcenter/contracts';
import { identityViewStreamId, PersonalDataVault, ReporterIdentityViewed, SYSTEM_ACTOR } from '@callcenter/events';
import { AuthenticatedUser, PERSONAL_DATA } from '@callcenter/platform';
import { CallersStore, ReporterIdentity } from '../callers/callers.store';
import { IncidentGroups } from '../incident-groups/incident-groups';
import { TriageQueue } from '../queue/triage-queue';
import { TriageRules } from '../triage.rules';
import { foldCase, GroupIncident, OriginalReport, TriageCommand } from './triage-case.decider';
import { CaseDetail, CaseDetailQuery, identityBasis, OperatorCommand, operatorOf, TriageCases } from './triage-cases';

/** An operator's (or supervisor's) command on one case, as the request gave it; answered with the case as it now is. */
abstract class CaseCommand<C extends OperatorCommand> extends Command<CaseDetail> {
  constructor(
    readonly reportId: string,
    readonly command: C,
    readonly user: AuthenticatedUser,
    readonly correlationId: string,
    /** The client's If-Match: act only on this version. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

/** Claim, release, note, reject, advice, escalate, forward, reassign: decided on the case alone. */
export class DecideOnCase extends CaseCommand<Exclude<OperatorCommand, { type: 'Classify' | 'MarkDuplicate' | 'SplitFromGroup' }>> {}
/** Category, priority and a district of the jurisdiction. */
export class ClassifyReport extends CaseCommand<Extract<OperatorCommand, { type: 'Classify' }>> {}
/** Merges the case into the incident group of another report, judged on that report's stream. */
export class MarkDuplicate extends CaseCommand<Extract<OperatorCommand, { type: 'MarkDuplicate' }>> {}
/** Takes a merged report out of its group again, unless a unit has been on scene at the group's incident. */
export class SplitFromGroup extends CaseCommand<Extract<OperatorCommand, { type: 'SplitFromGroup' }>> {}

/** A timer's command (actor `system`): the number of events it appended (0 when nothing was due or the case is gone). */
export class RunCaseTimer extends Command<number> {
  constructor(
    readonly reportId: string,
    readonly command: Extract<TriageCommand, { type: 'MarkOverdue' | 'ExpireLease' }>,
  ) {
    super();
  }
}

/**
 * The reporter's identity, for the operator holding the claim (who may call back) and supervisors,
 * nobody else; every view is recorded as ReporterIdentityViewed before it is shown.
 */
export class RevealReporter extends Command<ReporterIdentity & { reportId: string }> {
  constructor(
    readonly reportId: string,
    readonly user: AuthenticatedUser,
    readonly correlationId: string,
  ) {
    super();
  }
}

/** Decides the full command on the case, then answers with the case as this person now sees it. */
async function decideAndShow(
  cases: TriageCases,
  queries: QueryBus,
  rules: TriageRules,
  c: CaseCommand<OperatorCommand>,
  gathered: Partial<TriageCommand> = {},
): Promise<CaseDetail> {
  const full = { ...c.command, ...gathered, by: operatorOf(c.user), now: new Date(), leaseSeconds: rules.leaseSeconds } as TriageCommand;
  await cases.decide(c.reportId, full, c.user.id, c.correlationId, c.expectedVersion);
  return queries.execute(new CaseDetailQuery(c.reportId, c.user));
}

@CommandHandler(DecideOnCase)
export class DecideOnCaseHandler implements ICommandHandler<DecideOnCase> {
  constructor(
    private readonly cases: TriageCases,
    private readonly queries: QueryBus,
    private readonly rules: TriageRules,
  ) {}

  execute(command: DecideOnCase): Promise<CaseDetail> {
    return decideAndShow(this.cases, this.queries, this.rules, command);
  }
}

@CommandHandler(ClassifyReport)
export class ClassifyReportHandler implements ICommandHandler<ClassifyReport> {
  constructor(
    private readonly cases: TriageCases,
    private readonly queries: QueryBus,
    private readonly rules: TriageRules,
  ) {}

  async execute(command: ClassifyReport): Promise<CaseDetail> {
    const { district } = command.command;
    if (district && !districtNamed(this.rules.jurisdiction, district)) {
      const known = this.rules.jurisdiction.districts.map((d) => d.code).join(', ');
      throw new ValidationFailed([{ field: 'district', message: `district must be one of ${known}` }]);
    }
    return decideAndShow(this.cases, this.queries, this.rules, command);
  }
}

@CommandHandler(MarkDuplicate)
export class MarkDuplicateHandler implements ICommandHandler<MarkDuplicate> {
  constructor(
    private readonly cases: TriageCases,
    private readonly queries: QueryBus,
    private readonly rules: TriageRules,
  ) {}

  async execute(command: MarkDuplicate): Promise<CaseDetail> {
    return decideAndShow(this.cases, this.queries, this.rules, command, { original: await this.originalReport(command.command.duplicateOf) });
  }

  /** The report a duplicate would point at, as its stream tells it; the decider judges it. */
  private async originalReport(reportId: string): Promise<OriginalReport | null> {
    const { events } = await this.cases.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE') return null;
    const marked = events.filter((e) => e.type === 'ReportMarkedDuplicate').at(-1);
    return { status: state.status, duplicateOf: marked ? String((marked.data as { duplicateOf: string }).duplicateOf) : null };
  }
}

@CommandHandler(SplitFromGroup)
export class SplitFromGroupHandler implements ICommandHandler<SplitFromGroup> {
  constructor(
    private readonly cases: TriageCases,
    private readonly queries: QueryBus,
    private readonly rules: TriageRules,
    private readonly groups: IncidentGroups,
  ) {}

  async execute(command: SplitFromGroup): Promise<CaseDetail> {
    return decideAndShow(this.cases, this.queries, this.rules, command, { groupIncident: await this.groupIncidentOf(command.reportId) });
  }

  /** Whether a unit has reached the incident of the group the report is merged into (the split rule's input). */
  private async groupIncidentOf(reportId: string): Promise<GroupIncident> {
    const { events } = await this.cases.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE' || !state.mergedInto) return { unitArrivedAt: null, unitId: null };
    return this.groups.incidentOf(state.mergedInto);
  }
}

@CommandHandler(RunCaseTimer)
export class RunCaseTimerHandler implements ICommandHandler<RunCaseTimer> {
  constructor(
    private readonly cases: TriageCases,
    private readonly queue: TriageQueue,
  ) {}

  async execute({ reportId, command }: RunCaseTimer): Promise<number> {
    try {
      const result = await this.cases.decide(reportId, command, SYSTEM_ACTOR, `timer-${command.type}-${reportId}`);
      return result.events.length;
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
      this.queue.index.forget(reportId);
      return 0;
    }
  }
}

@CommandHandler(RevealReporter)
export class RevealReporterHandler implements ICommandHandler<RevealReporter> {
  constructor(
    private readonly cases: TriageCases,
    private readonly callers: CallersStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {}

  async execute({ reportId, user, correlationId }: RevealReporter): Promise<ReporterIdentity & { reportId: string }> {
    const { events } = await this.cases.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE') throw new NotFound('report', reportId);
    const now = new Date();
    const basis = identityBasis(state, user, now);
    if (!basis) {
      throw new ForbiddenException({
        code: 'FORBIDDEN',
        message: "the reporter's identity is shown only to the operator holding the claim and to supervisors",
      });
    }
    await this.cases.store.append(identityViewStreamId(uuidv4()), 0, [ReporterIdentityViewed({ reportId, basis })], { actor: user.id, correlationId, now });
    const identity = (await this.callers.reporterOf(reportId)) ?? { name: null, phone: null };
    return { reportId, name: await this.personalData.open(identity.name), phone: await this.personalData.open(identity.phone) };
  }
}

export const CASE_COMMAND_HANDLERS = [
  DecideOnCaseHandler,
  ClassifyReportHandler,
  MarkDuplicateHandler,
  SplitFromGroupHandler,
  RunCaseTimerHandler,
  RevealReporterHandler,
];
