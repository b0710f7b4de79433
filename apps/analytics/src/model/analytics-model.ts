import { createHash } from 'node:crypto';
import { REPORTLESS_TRIAGE_EVENT_TYPES, type EventEnvelope } from '@callcenter/events';
import { DailyAggregates } from './aggregates';
import { emptyFact, evolveFact, ReportFact, reportIdOf } from './report-fact';

/** One line of a report's audit trail: what happened, when, by whom, from which service. */
export interface TimelineEntry {
  at: string;
  type: string;
  actor: string;
  producer: string;
  streamId: string;
  streamVersion: number;
  data: Record<string, unknown>;
}

/** Unit roster facts, for workload by unit and the commander's units busy or free. */
export interface UnitFact {
  unitId: string;
  callSign: string;
  type: string;
  homeDistrict: string;
  /** The last status the unit reported (AVAILABLE … OFF_DUTY). */
  status: string;
  /** The incident the unit is committed to, if any. */
  committedTo: string | null;
}

/**
 * Data that must never reach an analyst: the reporter's identity, the caller reference that links a
 * person's reports, and the address details. Removed before an event enters any read model. The
 * description stays sealed (personal data): the timeline opens it only for roles allowed to read it.
 */
function analystSafe(event: EventEnvelope): Record<string, unknown> {
  const { reporter, callerRef, reportId, ...rest } = withoutAddress((event.data ?? {}) as Record<string, unknown>);
  if (event.type === 'TriageCaseOpened') {
    const { suggestion, ...opened } = rest as Record<string, any>;
    return { ...opened, suggestion: suggestion && { category: suggestion.category, priority: suggestion.priority, lowTrust: suggestion.lowTrust?.flagged ?? false } };
  }
  return rest;
}

function withoutAddress(data: Record<string, unknown>): Record<string, unknown> {
  const location = data.location as Record<string, unknown> | undefined;
  if (!location || typeof location !== 'object' || !('address' in location)) return data;
  const { address, ...kept } = location;
  return { ...data, location: kept };
}

/** At the same instant, the lifecycle's order: what intake did comes before triage, triage before dispatch. */
const STAGE: Record<string, number> = { intake: 0, triage: 1, dispatch: 2 };
const byTime = (a: TimelineEntry, b: TimelineEntry) =>
  a.at.localeCompare(b.at) || (STAGE[a.producer] ?? 3) - (STAGE[b.producer] ?? 3) || a.streamId.localeCompare(b.streamId) || a.streamVersion - b.streamVersion;

/**
 * Every analytics read model, in memory, fed by the events of all three topics. `apply` is
 * idempotent per stream (it remembers the last version applied of each stream) and tolerant of
 * streams interleaving in any order, so replaying from offset 0 gives the same model as following
 * live, and a redelivered event changes nothing.
 */
export class AnalyticsModel {
  readonly facts = new Map<string, ReportFact>();
  readonly timelines = new Map<string, TimelineEntry[]>();
  readonly units = new Map<string, UnitFact>();
  /** Stream (`producer:streamId`) → the last version applied: what makes `apply` idempotent. */
  readonly applied = new Map<string, number>();
  /** Counts and duration histograms per day and dimension, kept as facts change (whole-history queries sum them). */
  readonly aggregates = new DailyAggregates();
  eventsApplied = 0;

  apply(event: EventEnvelope): boolean {
    const stream = `${event.producer}:${event.streamId}`;
    if (event.streamVersion <= (this.applied.get(stream) ?? 0)) return false;
    this.applied.set(stream, event.streamVersion);
    this.eventsApplied++;
    // Audit records of personal data (erasures, identity views) and model switches are no report's history.
    if (REPORTLESS_TRIAGE_EVENT_TYPES.has(event.type)) return true;
    this.applyToUnit(event);
    const reportId = reportIdOf(event);
    if (!reportId) return true;
    const before = this.facts.get(reportId);
    const after = evolveFact(before ?? emptyFact(reportId), event);
    this.facts.set(reportId, after);
    this.aggregates.replace(before, after);
    const entry: TimelineEntry = {
      at: event.occurredAt,
      type: event.type,
      actor: event.actor,
      producer: event.producer,
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      data: analystSafe(event),
    };
    const timeline = this.timelines.get(reportId);
    if (!timeline) this.timelines.set(reportId, [entry]);
    else {
      // Mostly appends; events of another topic may arrive earlier or later than their time.
      let at = timeline.length;
      while (at > 0 && byTime(entry, timeline[at - 1]) < 0) at--;
      timeline.splice(at, 0, entry);
    }
    return true;
  }

  private applyToUnit(event: EventEnvelope): void {
    const d = event.data as any;
    const known = this.units.get(d?.unitId ?? event.streamId);
    switch (event.type) {
      case 'UnitRegistered':
      case 'UnitUpdated':
        this.units.set(d.unitId, {
          unitId: d.unitId,
          callSign: d.callSign ?? known?.callSign ?? d.unitId,
          type: d.type ?? known?.type,
          homeDistrict: d.homeDistrict ?? known?.homeDistrict,
          status: d.status ?? known?.status ?? 'OFF_DUTY',
          committedTo: known?.committedTo ?? null,
        });
        return;
      case 'UnitStatusChanged':
        if (known) known.status = d.status;
        return;
      case 'UnitCommitted':
        if (known) known.committedTo = d.incidentId;
        return;
      case 'UnitReleased':
        if (known && known.committedTo === d.incidentId) known.committedTo = null;
        return;
    }
  }

  /** Facts of reports that were received (a report seen only through later streams waits for its receipt). */
  *receivedFacts(): Iterable<ReportFact> {
    for (const f of this.facts.values()) if (f.receivedAt) yield f;
  }

  /** A digest of every read model's content, to prove a rebuilt model equals the live one. */
  digest(): string {
    const hash = createHash('sha256');
    for (const id of [...this.facts.keys()].sort()) {
      hash.update(JSON.stringify(this.facts.get(id)));
      hash.update(JSON.stringify(this.timelines.get(id) ?? []));
    }
    for (const id of [...this.units.keys()].sort()) hash.update(JSON.stringify(this.units.get(id)));
    return hash.digest('hex');
  }
}
