import { createHash } from 'node:crypto';
import { REPORTLESS_TRIAGE_EVENT_TYPES, type EventEnvelope } from '@callcenter/events';
import { DailyAggregates } from './aggregates';
import { HourlyAggregates } from './hourly-aggregates';
import { emptyFact, EpochMs, evolveFact, factJson, ownStreamVersion, ReportFact, reportIdOf } from './report-fact';
import { UnsavedTimelines } from './unsaved-timelines';

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
    return {
      ...opened,
      suggestion: suggestion && { category: suggestion.category, priority: suggestion.priority, lowTrust: suggestion.lowTrust?.flagged ?? false },
    };
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

/** Puts an entry in its place in a timeline; mostly at the end (events of another topic may arrive earlier or later than their time). */
function insertByTime(timeline: TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  let at = timeline.length;
  while (at > 0 && byTime(entry, timeline[at - 1]) < 0) at--;
  timeline.splice(at, 0, entry);
  return timeline;
}

/**
 * How long a report may stay resolved and not closed before its timeline leaves memory too (a
 * dispatcher closes an incident within minutes or hours of its resolution, or never: one in ten in
 * the simulator's traffic, whose timelines would otherwise be held for good).
 */
export const QUIET_AFTER_RESOLUTION_MS = 24 * 3_600_000;

/**
 * When a report's timeline leaves memory: once its incident is closed, or triage settled it without
 * one (rejected, advice given, merged as a duplicate), or it was resolved `QUIET_AFTER_RESOLUTION_MS`
 * before `horizon` and not closed (`AnalyticsModel.settleQuiet`). A report split out of a group, or
 * closed, afterwards stays out of memory: its later entries are written as they come.
 */
export const timelineSettled = (f: ReportFact, horizon = -Infinity): boolean =>
  f.closedAt !== null ||
  f.decision === 'REJECTED' ||
  f.decision === 'ADVICE_GIVEN' ||
  f.decision === 'DUPLICATE' ||
  (f.resolvedAt !== null && f.resolvedAt + QUIET_AFTER_RESOLUTION_MS <= horizon);

/** A part of a settled report's timeline to write to the database: its whole timeline at closing, or one entry that came after. */
export interface TimelinePart {
  reportId: string;
  entries: TimelineEntry[];
}

/** The event an entry is of: a timeline holds each once. */
export const entryKey = (e: TimelineEntry) => `${e.producer}:${e.streamId}:${e.streamVersion}`;

/** One timeline from its parts (the database's and those not yet written): each event once, in order. */
export function mergeTimeline(parts: Iterable<TimelineEntry[]>): TimelineEntry[] {
  const byEvent = new Map<string, TimelineEntry>();
  for (const entries of parts) for (const e of entries) byEvent.set(entryKey(e), e);
  return [...byEvent.values()].sort(byTime);
}

/**
 * The last version applied of each stream that is not a report's own (a report's intake and triage
 * streams keep theirs on its fact): its incident's, units', by producer and stream id.
 */
export class StreamVersions {
  private readonly byProducer = new Map<string, Map<string, number>>();

  /** The last version applied of a stream; 0 when none was. */
  get(producer: string, streamId: string): number {
    return this.byProducer.get(producer)?.get(streamId) ?? 0;
  }

  set(producer: string, streamId: string, version: number): void {
    let versions = this.byProducer.get(producer);
    if (!versions) this.byProducer.set(producer, (versions = new Map()));
    versions.set(streamId, version);
  }

  /** Every stream as [producer, stream id, last version applied]. */
  *entries(): Iterable<[string, string, number]> {
    for (const [producer, versions] of this.byProducer) for (const [streamId, version] of versions) yield [producer, streamId, version];
  }

  /** Every producer's streams as a column of ids and one of versions: what a snapshot captures (tens of ms for millions, where a triple each took ten times as long). */
  columns(): [producer: string, streamIds: string[], versions: number[]][] {
    return Array.from(this.byProducer, ([producer, versions]) => [producer, [...versions.keys()], [...versions.values()]]);
  }

  clear(): void {
    this.byProducer.clear();
  }
}

/**
 * Every analytics read model, in memory, fed by the events of all three topics, except settled
 * reports' timelines: a report's timeline is resident while it is open; once settled
 * (`timelineSettled`: closed, rejected, advice given, merged as a duplicate, resolved a day ago on
 * the model's clock and not closed) it moves to `unsaved`
 * (and every entry that comes after, on its own), which the generation writes to the database in
 * one batch per Kafka batch and then forgets (TimelineStore). So the timelines held are those of
 * open reports only. `apply` is
 * idempotent per stream (it remembers the last version applied of each stream) and tolerant of
 * streams interleaving in any order, so replaying from offset 0 gives the same model as following
 * live, and a redelivered event changes nothing.
 */
export class AnalyticsModel {
  readonly facts = new Map<string, ReportFact>();
  /** Open reports' timelines (a settled report's is in the database, or in `unsaved` until written). */
  readonly timelines = new Map<string, TimelineEntry[]>();
  /** Settled reports' timeline parts not yet written, by part id: the report id (its timeline when settled), or `report|stream|version` (an entry after). */
  readonly unsaved = new UnsavedTimelines();
  readonly units = new Map<string, UnitFact>();
  /** The last version applied of every stream but reports' own (their facts hold those): with them, what makes `apply` idempotent. */
  readonly applied = new StreamVersions();
  /** Counts and duration histograms per day and dimension, kept as facts change (whole-history queries sum them). */
  readonly aggregates = new DailyAggregates();
  /** Counts per hour and dimension for volume, load, staffing, hotspots and workload, kept as facts change. */
  readonly hourly = new HourlyAggregates();
  eventsApplied = 0;
  /**
   * The latest time of an event applied (epoch ms; 0 before any): the model's own clock, the same
   * whatever order the topics were read in, what a caught-up generation settles quiet reports by.
   */
  clock = 0;
  /** Open reports that were resolved: settled once `settleQuiet` is given a time QUIET_AFTER_RESOLUTION_MS past their resolution. */
  private readonly resolvedOpen = new Set<string>();
  /** The earliest time that settles one of `resolvedOpen`. */
  private nextQuiet = Infinity;

  /** Folds an event in (`at`: its time, epoch ms, when the caller has parsed it already); false when its stream had it already. */
  apply(event: EventEnvelope, at = Date.parse(event.occurredAt)): boolean {
    // Audit records of personal data (erasures, identity views) and model switches are no report's history.
    const reportless = REPORTLESS_TRIAGE_EVENT_TYPES.has(event.type);
    const reportId = reportless ? null : reportIdOf(event);
    const before = reportId === null ? undefined : this.facts.get(reportId);
    const own = reportId === null ? null : ownStreamVersion(event);
    if (event.streamVersion <= (own ? (before?.[own] ?? 0) : this.applied.get(event.producer, event.streamId))) return false;
    if (!own) this.applied.set(event.producer, event.streamId, event.streamVersion);
    this.eventsApplied++;
    if (at > this.clock) this.clock = at;
    if (reportless) return true;
    this.applyToUnit(event);
    if (reportId === null) return true;
    let after = evolveFact(before ?? emptyFact(reportId), event, at);
    if (own) {
      if (after === before) after = { ...after };
      after[own] = event.streamVersion;
    }
    this.facts.set(reportId, after);
    this.aggregates.replace(before, after);
    this.hourly.replace(before, after);
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
    if (!timeline) {
      const whole = this.unsaved.get(reportId);
      // Settled, its whole timeline not written yet (held back while another partition may still bring an entry of it):
      // the entry joins it, in a new array (a write in flight holds the old one, and writes it again if it changed).
      if (whole) this.unsaved.set(reportId, { reportId, entries: insertByTime(whole.entries.slice(), entry) });
      // New and not settled: resident. Otherwise its timeline has left memory (or never enters it): the entry is a part to write.
      else if (!before && !timelineSettled(after)) this.timelines.set(reportId, [entry]);
      else this.unsaved.set(`${reportId}|${event.producer}:${event.streamId}|${event.streamVersion}`, { reportId, entries: [entry] });
    } else {
      insertByTime(timeline, entry);
      if (timelineSettled(after)) this.settle(reportId, timeline);
    }
    if (after.resolvedAt !== null && this.timelines.has(reportId)) this.awaitQuiet(reportId, after.resolvedAt);
    return true;
  }

  /** Settled: the report's timeline leaves memory once written, for good (what comes after is written on its own). */
  private settle(reportId: string, timeline: TimelineEntry[]): void {
    this.timelines.delete(reportId);
    this.resolvedOpen.delete(reportId);
    this.unsaved.set(reportId, { reportId, entries: timeline });
  }

  private awaitQuiet(reportId: string, resolvedAt: EpochMs): void {
    this.resolvedOpen.add(reportId);
    this.nextQuiet = Math.min(this.nextQuiet, resolvedAt + QUIET_AFTER_RESOLUTION_MS);
  }

  /**
   * Settles the open reports resolved QUIET_AFTER_RESOLUTION_MS before `horizon` (epoch ms) and not
   * closed. A generation passes the model's clock once no partition is behind, and while it catches
   * up the time the partitions still behind have been read to: a closing still to come on one of
   * them then joins the report's timeline instead of being added after it. Once caught up, the
   * reports held are the same whatever order the topics were read in.
   */
  settleQuiet(horizon: EpochMs): void {
    if (horizon < this.nextQuiet) return;
    this.nextQuiet = Infinity;
    for (const reportId of this.resolvedOpen) {
      const fact = this.facts.get(reportId)!;
      if (timelineSettled(fact, horizon)) this.settle(reportId, this.timelines.get(reportId)!);
      else this.nextQuiet = Math.min(this.nextQuiet, fact.resolvedAt! + QUIET_AFTER_RESOLUTION_MS);
    }
  }

  /** A restored model's clock (the snapshot's), and the resolved reports it holds open, to settle as the clock goes on. */
  restoreClock(clock: number): void {
    this.clock = clock;
    for (const reportId of this.timelines.keys()) {
      const resolvedAt = this.facts.get(reportId)?.resolvedAt ?? null;
      if (resolvedAt !== null) this.awaitQuiet(reportId, resolvedAt);
    }
  }

  /** What the model holds of a report's timeline: all of it while open; once settled, the parts not yet written (the rest is in the database). */
  heldTimeline(reportId: string): TimelineEntry[] {
    const resident = this.timelines.get(reportId);
    if (resident) return resident;
    const parts = this.unsaved.ofReport(reportId);
    return parts.length ? mergeTimeline(parts) : [];
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
    for (const f of this.facts.values()) if (f.receivedAt !== null) yield f;
  }

  /**
   * A digest of every read model's content held in memory (settled reports' timelines are in the database), to prove a rebuilt
   * model equals the live one, whatever order each took its reports in: the XOR of each report's and each unit's SHA-256 (their
   * ids make every item unique). Of the model as it is when called (what changes in place is copied at once: open timelines,
   * units; a fact changes by replacement), then hashed yielding to the event loop every `slice` reports: at millions of reports
   * hashing takes seconds, which queries and events would otherwise wait for.
   */
  async digest(slice = 250): Promise<string> {
    const reports = Array.from(this.facts, ([id, fact]) => [fact, this.timelines.get(id)?.slice() ?? []] as const);
    const units = Array.from(this.units.values(), (unit) => ({ ...unit }));
    // A fact as a snapshot writes it: its steps name actors by id, not by this process's numbers.
    const parts = (i: number) => (i < reports.length ? [factJson(reports[i][0]), reports[i][1]] : [units[i - reports.length]]);
    const digest = Buffer.alloc(32);
    for (let i = 0; i < reports.length + units.length; i++) {
      const hash = createHash('sha256');
      for (const part of parts(i)) hash.update(JSON.stringify(part));
      hash.digest().forEach((byte, at) => (digest[at] ^= byte));
      if (i % slice === slice - 1) await new Promise((r) => setImmediate(r));
    }
    return digest.toString('hex');
  }
}
