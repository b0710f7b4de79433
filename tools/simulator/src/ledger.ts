import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { REPORT_STATES } from '@callcenter/contracts';
import type { Category, Priority, RejectionReason, ReportState, ResolutionOutcome } from '@callcenter/contracts';
import type { ExpectedDecision, GeneratedReport, ReportKind } from './traffic/generate';

/** The lifecycle state the simulator drove a report to, in the shared vocabulary of report states (REPORT_STATES in libs/contracts). */
export type LedgerState = 'NOT_SENT' | 'REFUSED' | ReportState;

const ORDER: LedgerState[] = ['NOT_SENT', 'REFUSED', ...REPORT_STATES];

export interface LedgerEntry {
  seq: number;
  kind: ReportKind;
  externalId: string;
  sourceSystem: string;
  channel: string;
  phone: string | null;
  anonymous: boolean;
  category: Category;
  district: string;
  priority: Priority | null;
  duplicateOfSeq: number | null;
  /** As sent. */
  description: string;
  location: GeneratedReport['request']['location'];
  /** The simulated instant the report was due. */
  simulatedAt: string;
  /** What triage should end it as, and where the bots should take it. */
  expected: ExpectedDecision;
  expectedFinal: 'REJECTED' | 'DUPLICATE' | 'ADVICE_GIVEN' | 'FORWARDED' | 'CLOSED';
  /** What intake answered. */
  submission: {
    sentAt: string | null;
    answeredAt: string | null;
    attempts: number;
    /** Attempts that failed with a retryable code before the last one. */
    retries: { code: string; message: string }[];
    reportId: string | null;
    trackingCode: string | null;
    receivedAt: string | null;
    duplicate: boolean | null;
    error: { code: string; message: string } | null;
    /** Attempts ran out on a retryable code, so it was submitted once more at the end of the arrivals. */
    reconciled?: { outcome: 'HAD_BEEN_STORED' | 'STORED_NOW' | 'STILL_FAILING'; earlierError: { code: string; message: string } };
  };
  /** The furthest the simulation took it (the state analytics should show). */
  state: LedgerState;
  triage: {
    operatorId: string | null;
    claimedAt: string | null;
    decision: ExpectedDecision | null;
    decidedAt: string | null;
    rejectionReason: RejectionReason | null;
    duplicateOf: string | null;
    classified: { category: Category; priority: Priority; district: string } | null;
    /** What triage suggested when the operator opened the case. */
    suggestion: { category: string | null; priority: string | null; duplicateOfOriginal: boolean; duplicateCandidates: number; lowTrust: boolean } | null;
  } | null;
  dispatch: {
    incidentId: string | null;
    unitId: string | null;
    assignedAt: string | null;
    acknowledgedAt: string | null;
    arrivedAt: string | null;
    resolvedAt: string | null;
    outcome: ResolutionOutcome | null;
    closedAt: string | null;
  } | null;
  /** Unexpected answers of the services while driving this report. */
  problems: string[];
}

export interface LedgerSummary {
  sent: number;
  acknowledged: number;
  uniqueReports: number;
  notSent: number;
  refused: Record<string, number>;
  /** Intake answered duplicate=true (an earlier attempt of the same external id had been stored). */
  duplicateAnswers: number;
  retriedReports: number;
  retries: number;
  retriedCodes: Record<string, number>;
  /** Attempts ran out on a retryable code; resubmitted once at the end: what that showed. */
  reconciled: Record<string, number>;
  byKind: Record<string, number>;
  byChannel: Record<string, number>;
  byExpected: Record<string, number>;
  byState: Record<string, number>;
  decisions: Record<string, number>;
  rejectionReasons: Record<string, number>;
  resolutions: Record<string, number>;
  /** Acknowledged reports whose state is the expected final one. */
  settled: number;
  unsettled: number;
  /** Decisions different from what the ledger expected. */
  wrongDecisions: number;
  triageSuggestions: {
    sameCategory: number;
    opened: number;
    duplicatesSuggested: number;
    duplicatesOpened: number;
    pranksFlaggedLowTrust: number;
    pranksOpened: number;
  };
  problems: number;
  /** Analytics' window: first and last receivedAt (UTC). */
  receivedFrom: string | null;
  receivedTo: string | null;
}

const count = (into: Record<string, number>, key: string | null | undefined) => {
  if (key === null || key === undefined) return;
  into[key] = (into[key] ?? 0) + 1;
};

export class Ledger {
  readonly entries: LedgerEntry[] = [];
  private readonly bySeq = new Map<number, LedgerEntry>();
  private readonly byReportId = new Map<string, LedgerEntry>();

  constructor(private readonly bots: boolean) {}

  add(report: GeneratedReport): LedgerEntry {
    const entry: LedgerEntry = {
      seq: report.seq,
      kind: report.kind,
      externalId: report.request.external_id,
      sourceSystem: report.sourceSystem,
      channel: report.channel,
      phone: report.request.reporter.phone || null,
      anonymous: report.request.reporter.anonymous,
      category: report.category,
      district: report.district,
      priority: report.priority,
      duplicateOfSeq: report.duplicateOfSeq,
      description: report.request.description,
      location: report.request.location,
      simulatedAt: new Date(report.atMs).toISOString(),
      expected: report.expected,
      expectedFinal: report.expected === 'FORWARDED' && this.bots ? 'CLOSED' : report.expected,
      submission: {
        sentAt: null,
        answeredAt: null,
        attempts: 0,
        retries: [],
        reportId: null,
        trackingCode: null,
        receivedAt: null,
        duplicate: null,
        error: null,
      },
      state: 'NOT_SENT',
      triage: null,
      dispatch: null,
      problems: [],
    };
    this.entries.push(entry);
    this.bySeq.set(entry.seq, entry);
    return entry;
  }

  seq(seq: number): LedgerEntry | undefined {
    return this.bySeq.get(seq);
  }

  report(reportId: string): LedgerEntry | undefined {
    return this.byReportId.get(reportId);
  }

  acknowledged(entry: LedgerEntry, answer: { reportId: string; trackingCode: string; receivedAt: string | null; duplicate: boolean }): void {
    Object.assign(entry.submission, { answeredAt: new Date().toISOString(), ...answer, error: null });
    this.byReportId.set(answer.reportId, entry);
    this.advance(entry, 'RECEIVED');
  }

  refused(entry: LedgerEntry, code: string, message: string): void {
    Object.assign(entry.submission, { answeredAt: new Date().toISOString(), error: { code, message } });
    entry.state = 'REFUSED';
  }

  /** Moves the entry forward in the lifecycle (never back: events of the past stay true). */
  advance(entry: LedgerEntry, state: LedgerState): void {
    // The four decisions are alternatives, all after IN_TRIAGE and before DISPATCHED: the order holds.
    if (ORDER.indexOf(state) > ORDER.indexOf(entry.state)) entry.state = state;
  }

  triageOf(entry: LedgerEntry): NonNullable<LedgerEntry['triage']> {
    entry.triage ??= {
      operatorId: null,
      claimedAt: null,
      decision: null,
      decidedAt: null,
      rejectionReason: null,
      duplicateOf: null,
      classified: null,
      suggestion: null,
    };
    return entry.triage;
  }

  dispatchOf(entry: LedgerEntry): NonNullable<LedgerEntry['dispatch']> {
    entry.dispatch ??= {
      incidentId: null,
      unitId: null,
      assignedAt: null,
      acknowledgedAt: null,
      arrivedAt: null,
      resolvedAt: null,
      outcome: null,
      closedAt: null,
    };
    return entry.dispatch;
  }

  problem(entry: LedgerEntry | undefined, text: string): void {
    if (entry && entry.problems.length < 20) entry.problems.push(`${new Date().toISOString()} ${text}`);
  }

  isSettled(entry: LedgerEntry): boolean {
    return entry.state === entry.expectedFinal;
  }

  /** Acknowledged reports not yet at their expected final state. */
  unsettled(): LedgerEntry[] {
    return this.entries.filter((e) => e.submission.reportId && !this.isSettled(e));
  }

  summary(): LedgerSummary {
    const s: LedgerSummary = {
      sent: 0,
      acknowledged: 0,
      uniqueReports: 0,
      notSent: 0,
      refused: {},
      duplicateAnswers: 0,
      retriedReports: 0,
      retries: 0,
      retriedCodes: {},
      reconciled: {},
      byKind: {},
      byChannel: {},
      byExpected: {},
      byState: {},
      decisions: {},
      rejectionReasons: {},
      resolutions: {},
      settled: 0,
      unsettled: 0,
      wrongDecisions: 0,
      triageSuggestions: { sameCategory: 0, opened: 0, duplicatesSuggested: 0, duplicatesOpened: 0, pranksFlaggedLowTrust: 0, pranksOpened: 0 },
      problems: 0,
      receivedFrom: null,
      receivedTo: null,
    };
    const ids = new Set<string>();
    for (const e of this.entries) {
      count(s.byKind, e.kind);
      count(s.byChannel, e.channel);
      count(s.byExpected, e.expected);
      if (e.submission.attempts === 0) s.notSent++;
      else s.sent++;
      if (e.submission.retries.length) s.retriedReports++;
      s.retries += e.submission.retries.length;
      for (const r of e.submission.retries) count(s.retriedCodes, r.code);
      if (e.submission.error) count(s.refused, e.submission.error.code);
      count(s.reconciled, e.submission.reconciled?.outcome);
      if (e.submission.reportId) {
        s.acknowledged++;
        ids.add(e.submission.reportId);
        if (e.submission.duplicate) s.duplicateAnswers++;
        count(s.byState, e.state);
        if (this.isSettled(e)) s.settled++;
        else s.unsettled++;
        const at = e.submission.receivedAt;
        if (at && (!s.receivedFrom || at < s.receivedFrom)) s.receivedFrom = at;
        if (at && (!s.receivedTo || at > s.receivedTo)) s.receivedTo = at;
      }
      if (e.triage?.decision) {
        count(s.decisions, e.triage.decision);
        if (e.triage.decision !== e.expected) s.wrongDecisions++;
      }
      count(s.rejectionReasons, e.triage?.rejectionReason);
      count(s.resolutions, e.dispatch?.outcome);
      const suggestion = e.triage?.suggestion;
      if (suggestion) {
        s.triageSuggestions.opened++;
        if (suggestion.category === e.category) s.triageSuggestions.sameCategory++;
        if (e.expected === 'DUPLICATE') {
          s.triageSuggestions.duplicatesOpened++;
          if (suggestion.duplicateOfOriginal) s.triageSuggestions.duplicatesSuggested++;
        }
        if (e.kind === 'PRANK') {
          s.triageSuggestions.pranksOpened++;
          if (suggestion.lowTrust) s.triageSuggestions.pranksFlaggedLowTrust++;
        }
      }
      s.problems += e.problems.length;
    }
    s.uniqueReports = ids.size;
    return s;
  }

  async write(file: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(file, { encoding: 'utf8' });
      out.on('error', reject);
      for (const e of this.entries) out.write(`${JSON.stringify(e)}\n`);
      out.end(resolve);
    });
  }
}
