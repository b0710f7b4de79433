import type { Category, Priority } from '@callcenter/contracts';
import type { EventEnvelope, ReportClassifiedV1, ReportForwardedForDispatchV1, TriageCaseOpenedV1 } from '@callcenter/events';
import { LabelledReport } from './suggestion-model';

/** A case in the log: what was reported, and the last category and priority an operator set. */
interface CaseSeen {
  openedAt: string;
  report: Omit<LabelledReport, 'category' | 'priority'>;
  label: { category: Category; priority: Priority } | null;
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
          openedAt: event.occurredAt,
          report: { description: d.description, categoryHint: d.categoryHint, channel: d.channel, peopleInjured: d.peopleInjured },
          label: known?.label ?? null,
        });
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

  labelledReports(): LabelledReport[] {
    const from = Date.parse(this.period.from);
    const to = Date.parse(this.period.to);
    const out: LabelledReport[] = [];
    for (const [, c] of [...this.cases.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const at = Date.parse(c.openedAt);
      if (c.label && at >= from && at < to) out.push({ ...c.report, ...c.label });
    }
    return out;
  }
}
