import type { Category, Priority } from '@callcenter/contracts';
import type { EventEnvelope, ReportClassifiedV1, ReportForwardedForDispatchV1, ReportMarkedDuplicateV1, TriageCaseOpenedV1 } from '@callcenter/events';
import type { RecentReport } from './find-duplicates';
import { LabelledReport } from './suggestion-model';

/** A case in the log: what was reported, and the last category and priority an operator set. */
export interface CaseSeen {
  reportId: string;
  openedAt: string;
  report: Omit<LabelledReport, 'category' | 'priority'>;
  /** What triage suggested when the case opened, and with which model (absent before issue 18). */
  live: { category: Category; priority: Priority; model: string | null; duplicates: string[] };
  label: { category: Category; priority: Priority } | null;
  /** Where, when and who, as duplicate detection reads them (category left to the replay). */
  incident: Omit<RecentReport, 'reportId' | 'category'>;
  /** The earlier report an operator marked this one a duplicate of, if any. */
  markedDuplicateOf: string | null;
}

/**
 * Folds the triage topic into labelled reports: every operator's classification is a label. The
 * operator's last decision counts (a reclassification corrects the first); a case nobody
 * classified teaches nothing. Only cases opened in [from, to) are kept. Pure: events in, reports out.
 */
export class TrainingLog {
  private readonly cases = new Map<string, CaseSeen>();

  constructor(private readonly period: { from: string; to: string }) {}

  add(event: EventEnvelope): void {
    switch (event.type) {
      case 'TriageCaseOpened': {
        const d = event.data as TriageCaseOpenedV1;
        const known = this.cases.get(d.reportId);
        this.cases.set(d.reportId, {
          reportId: d.reportId,
          openedAt: event.occurredAt,
          live: {
            category: d.suggestion.category,
            priority: d.suggestion.priority,
            model: d.suggestionModel ?? null,
            duplicates: d.suggestion.duplicateCandidates.map((c) => c.reportId),
          },
          report: { description: d.description, categoryHint: d.categoryHint, channel: d.channel, peopleInjured: d.peopleInjured },
          label: known?.label ?? null,
          incident: {
            latitude: d.location.latitude,
            longitude: d.location.longitude,
            callerRef: d.callerRef,
            receivedAt: d.receivedAt,
            occurredAt: d.occurredAt ?? null,
          },
          markedDuplicateOf: known?.markedDuplicateOf ?? null,
        });
        return;
      }
      case 'ReportMarkedDuplicate': {
        const d = event.data as ReportMarkedDuplicateV1;
        const known = this.cases.get(d.reportId);
        if (known) known.markedDuplicateOf = d.duplicateOf;
        return;
      }
      case 'ReportClassified':
      case 'ReportForwardedForDispatch': {
        const d = event.data as ReportClassifiedV1 | ReportForwardedForDispatchV1;
        const known = this.cases.get(d.reportId);
        // Partitions are read concurrently, but one report's events stay in order in its partition.
        if (known) known.label = { category: d.category, priority: d.priority };
        return;
      }
      default:
        return;
    }
  }

  /**
   * Descriptions travel sealed (personal data, docs/privacy.md); the reader opens those it will
   * use. A case whose reporter's data was erased is forgotten: there is nothing left to learn from.
   */
  async openDescriptions(open: (sealed: string) => Promise<string>, erased: string, batch = 200): Promise<void> {
    // Every case of the period: shadow mode replays duplicate detection over cases nobody classified too.
    const decided = this.casesInPeriod();
    for (let i = 0; i < decided.length; i += batch) {
      await Promise.all(
        decided.slice(i, i + batch).map(async (c) => {
          const text = await open(c.report.description);
          if (text === erased) this.cases.delete(c.reportId);
          else c.report.description = text;
        }),
      );
    }
  }

  /** Every case opened in the period, in the order triage received them. */
  casesInPeriod(): CaseSeen[] {
    const from = Date.parse(this.period.from);
    const to = Date.parse(this.period.to);
    return [...this.cases.values()]
      .filter((c) => Date.parse(c.openedAt) >= from && Date.parse(c.openedAt) < to)
      .sort((a, b) => Date.parse(a.incident.receivedAt) - Date.parse(b.incident.receivedAt) || (a.reportId < b.reportId ? -1 : 1));
  }

  /** The cases opened in the period that an operator classified, by report id. */
  decidedCases(): (CaseSeen & { label: NonNullable<CaseSeen['label']> })[] {
    const from = Date.parse(this.period.from);
    const to = Date.parse(this.period.to);
    return [...this.cases.values()]
      .filter(
        (c): c is CaseSeen & { label: NonNullable<CaseSeen['label']> } => c.label !== null && Date.parse(c.openedAt) >= from && Date.parse(c.openedAt) < to,
      )
      .sort((a, b) => (a.reportId < b.reportId ? -1 : a.reportId > b.reportId ? 1 : 0));
  }

  labelledReports(): LabelledReport[] {
    return this.decidedCases().map((c) => ({ ...c.report, ...c.label }));
  }
}
