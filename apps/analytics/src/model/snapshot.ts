import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AnalyticsModel, TimelineEntry, TimelinePart, UnitFact } from './analytics-model';
import { factFromJson, factJson, ReportFact, ReportFactJson } from './report-fact';

/**
 * The shape of a snapshot's content. Raise it whenever the model's shape or meaning changes (a
 * field of ReportFact, what `apply` does with an event): a snapshot of another version is ignored
 * and the service rebuilds from offset 0, which stays the source of truth.
 * 2: timelines of open reports only (settled ones are in the database), and the parts not yet written.
 * 3: a fact's times (and its steps') in epoch ms, not ISO 8601 text; applied versions as [producer, stream id, version].
 * 4: a fact's steps as one run `[actor, kind, at, …]`, not an object each; the model's clock in the header.
 * 5: a report's id once (its fact's); the versions of a report's streams and of its incident's by the report's place, not by id.
 * 6: the versions of a report's own streams (intake's, triage's) in its fact; its incident's still by the report's place.
 */
export const SNAPSHOT_SCHEMA_VERSION = 6;

/** A part of a snapshot, compressed, with the SHA-256 of its compressed bytes. */
export interface SnapshotChunk {
  index: number;
  data: Buffer;
  sha256: string;
}

/** A chunk whose hash was checked, inflated: what the decoder reads. */
export interface InflatedChunk {
  index: number;
  sha256: string;
  /** The chunk's content as JSON text (UTF-8). */
  json: Buffer;
}

/** What a snapshot holds beside its chunks: which events it includes, and how to check it is whole. */
export interface SnapshotHeader {
  schemaVersion: number;
  generation: number;
  takenAt: string;
  /** "topic/partition" → the next offset to read: every event before it is in the snapshot. */
  offsets: Record<string, string>;
  eventsApplied: number;
  /** The model's clock: the latest time of an event it applied (epoch ms). */
  clock: number;
  reports: number;
  chunks: number;
  /** SHA-256 over the chunks' hashes in order. */
  sha256: string;
}

/** A report: its fact (whose `reportId` is the report's id) and open timeline, or, with no fact, its timeline and id. */
type ReportItem = [ReportFactJson, TimelineEntry[] | null] | [null, TimelineEntry[] | null, string];

/** Incidents' streams named by their report's place in the reports chunks: [places, versions]. */
type ByPlace = [number[], number[]];

type ChunkContent =
  | { kind: 'reports'; items: ReportItem[] }
  | { kind: 'units'; items: UnitFact[] }
  | { kind: 'unsaved'; items: [string, TimelinePart][] }
  /**
   * The last version applied of a producer's streams other than reports' own (their facts hold
   * those): an incident's (dispatch's) by its report's place in the reports chunks, so a restore
   * parses no id for it and files it under the string the fact already holds; the others (units',
   * the public warnings' register, the suggestion model's…) by id.
   */
  | { kind: 'versions'; producer: string; byIncident: ByPlace; byId: [string, number][] };

export class CorruptSnapshot extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptSnapshot';
  }
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const headerHash = (chunks: { sha256: string }[]) => sha256(chunks.map((c) => c.sha256).join('\n'));

function checked(chunk: SnapshotChunk): SnapshotChunk {
  if (sha256(chunk.data) !== chunk.sha256) throw new CorruptSnapshot(`chunk ${chunk.index} does not match its hash`);
  return chunk;
}
const unreadable = (chunk: { index: number }, e: unknown) => new CorruptSnapshot(`chunk ${chunk.index} is unreadable: ${(e as Error).message}`);

/** A chunk checked against its hash and inflated, at once; CorruptSnapshot when it is altered or not gzip. */
export function inflateChunk(chunk: SnapshotChunk): InflatedChunk {
  try {
    return { index: chunk.index, sha256: chunk.sha256, json: gunzipSync(checked(chunk).data) };
  } catch (e) {
    throw e instanceof CorruptSnapshot ? e : unreadable(chunk, e);
  }
}

/** A worker thread's code: gunzip each chunk it is handed, and hand the result back (both moved, not copied). */
const INFLATE_IN_WORKER = `
const { parentPort } = require('node:worker_threads');
const { gunzipSync } = require('node:zlib');
parentPort.on('message', ({ id, data }) => {
  try {
    const out = gunzipSync(new Uint8Array(data));
    const json = out.byteOffset === 0 && out.length === out.buffer.byteLength ? out.buffer : out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
    parentPort.postMessage({ id, json }, [json]);
  } catch (e) {
    parentPort.postMessage({ id, error: e.message });
  }
});`;

/**
 * Inflates chunks in a worker thread, so a restore inflates the chunks it reads ahead on the other
 * core while it decodes one (inflating was a fifth of a restore's CPU at 3 M events; zlib's own
 * asynchronous gunzip, in 16 KiB steps through the event loop, made a restore half as slow again).
 * The hash is checked here (a hundredth of it). `close` when done.
 */
export class ChunkInflater {
  private readonly worker = new Worker(INFLATE_IN_WORKER, { eval: true });
  private readonly waiting = new Map<number, { chunk: SnapshotChunk; resolve: (c: InflatedChunk) => void; reject: (e: Error) => void }>();
  private ids = 0;
  /** Why the thread stopped (closed, or failed): what a chunk handed over afterwards is refused with. */
  private stopped?: Error;

  constructor() {
    this.worker.on('message', ({ id, json, error }: { id: number; json?: ArrayBuffer; error?: string }) => {
      const { chunk, resolve, reject } = this.waiting.get(id)!;
      this.waiting.delete(id);
      if (json) resolve({ index: chunk.index, sha256: chunk.sha256, json: Buffer.from(json) });
      else reject(unreadable(chunk, new Error(error)));
    });
    this.worker.on('error', (e) => this.stop(e));
    this.worker.on('exit', () => this.stop(new Error('the inflating thread stopped')));
  }

  inflate(chunk: SnapshotChunk): Promise<InflatedChunk> {
    return new Promise((resolve, reject) => {
      if (this.stopped) throw this.stopped;
      const data = new Uint8Array(checked(chunk).data).buffer; // a copy to move: the driver's buffer may share its memory
      const id = this.ids++;
      this.waiting.set(id, { chunk, resolve, reject });
      this.worker.postMessage({ id, data }, [data]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private stop(e: Error): void {
    this.stopped ??= e;
    for (const { reject } of this.waiting.values()) reject(e);
    this.waiting.clear();
  }
}

function* slices<T>(items: Iterable<T>, size: number): Iterable<T[]> {
  let slice: T[] = [];
  for (const item of items) {
    slice.push(item);
    if (slice.length === size) {
      yield slice;
      slice = [];
    }
  }
  if (slice.length) yield slice;
}

/**
 * The model as it is at this instant: its maps copied shallowly, in one synchronous step, so the
 * offsets recorded beside it name exactly what it includes. Cheap (references only): facts and
 * timeline entries are never changed in place (a fact changes by replacement, a timeline by
 * insertion into its array, which is copied), so encoding can follow later without holding the
 * event loop while events go on applying.
 */
export interface CapturedModel {
  meta: Pick<SnapshotHeader, 'generation' | 'takenAt' | 'offsets'>;
  eventsApplied: number;
  clock: number;
  reports: [string, ReportFact | null, TimelineEntry[] | null][];
  units: UnitFact[];
  /** Settled reports' timeline parts not yet in the database when captured: restored, they are written with the next batch. */
  unsaved: [string, TimelinePart][];
  /** The last version applied of every stream: a producer's stream ids and their versions. */
  applied: [producer: string, streamIds: string[], versions: number[]][];
}

export function captureModel(model: AnalyticsModel, meta: Pick<SnapshotHeader, 'generation' | 'takenAt' | 'offsets'>): CapturedModel {
  const ids = new Set([...model.facts.keys(), ...model.timelines.keys()]);
  return {
    meta,
    eventsApplied: model.eventsApplied,
    clock: model.clock,
    reports: [...ids].map((id) => [id, model.facts.get(id) ?? null, model.timelines.get(id)?.slice() ?? null]),
    units: [...model.units.values()].map((u) => ({ ...u })),
    unsaved: [...model.unsaved].map(([id, part]) => [id, { reportId: part.reportId, entries: part.entries.slice() }]),
    applied: model.applied.columns(),
  };
}

/**
 * Reports a chunk holds: restoring one takes the event loop for a few tens of milliseconds at most, so a service
 * restoring a snapshot of millions of reports still answers its health checks (and 503 to queries) between chunks.
 */
const REPORTS_PER_CHUNK = 500;

/** Encodes a captured model chunk by chunk, yielding to the event loop after each chunk of reports and of applied versions. */
export async function* encodeChunks(captured: CapturedModel, reportsPerChunk = REPORTS_PER_CHUNK): AsyncGenerator<SnapshotChunk> {
  let index = 0;
  const encode = (content: ChunkContent): SnapshotChunk => {
    const data = gzipSync(JSON.stringify(content), { level: 1 });
    return { index: index++, data, sha256: sha256(data) };
  };
  const turn = () => new Promise((r) => setImmediate(r));
  // Each report's incident by the report's place, filed as its chunk is encoded: what the versions name incidents' streams by.
  const incidentAt = new Map<string, number>();
  let place = 0;
  for (const reports of slices(captured.reports, reportsPerChunk)) {
    for (const [, fact] of reports) {
      if (fact?.incidentId) incidentAt.set(fact.incidentId, place);
      place++;
    }
    yield encode({ kind: 'reports', items: reports.map(([id, fact, timeline]): ReportItem => (fact ? [factJson(fact), timeline] : [null, timeline, id])) });
    await turn();
  }
  yield encode({ kind: 'units', items: captured.units });
  for (const items of slices(captured.unsaved, reportsPerChunk)) yield encode({ kind: 'unsaved', items });
  for (const [producer, streamIds, versions] of captured.applied) {
    for (let from = 0; from < streamIds.length; from += reportsPerChunk * 10) {
      const content = { kind: 'versions' as const, producer, byIncident: [[], []] as ByPlace, byId: [] as [string, number][] };
      for (let i = from; i < Math.min(streamIds.length, from + reportsPerChunk * 10); i++) {
        const [id, version] = [streamIds[i], versions[i]];
        const place = incidentAt.get(id);
        if (place === undefined) content.byId.push([id, version]);
        else (content.byIncident[0].push(place), content.byIncident[1].push(version));
      }
      yield encode(content);
      await turn();
    }
  }
}

/** The header of a captured model once all its chunks are encoded. */
export function headerOf(captured: CapturedModel, chunks: { sha256: string }[]): SnapshotHeader {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    ...captured.meta,
    eventsApplied: captured.eventsApplied,
    clock: captured.clock,
    reports: captured.reports.filter(([, fact]) => fact).length,
    chunks: chunks.length,
    sha256: headerHash(chunks),
  };
}

/** The model as it is now, encoded at once (tests; the service uses captureModel + encodeChunks). */
export async function encodeSnapshot(
  model: AnalyticsModel,
  meta: Pick<SnapshotHeader, 'generation' | 'takenAt' | 'offsets'>,
  reportsPerChunk = REPORTS_PER_CHUNK,
): Promise<{ header: SnapshotHeader; chunks: SnapshotChunk[] }> {
  const captured = captureModel(model, meta);
  const chunks: SnapshotChunk[] = [];
  for await (const chunk of encodeChunks(captured, reportsPerChunk)) chunks.push(chunk);
  return { header: headerOf(captured, chunks), chunks };
}

/**
 * Rebuilds the model a snapshot holds from its chunks (inflated) in index order, one at a time as they arrive
 * (each decoded and counted into the aggregates at once, so reading the next can go on meanwhile);
 * `finish` checks that they were all there and the ones the header names. Throws CorruptSnapshot
 * when any part is missing, altered, out of order or unreadable.
 */
export class SnapshotDecoder {
  private readonly model = new AnalyticsModel();
  private readonly hashes: string[] = [];
  /** The reports' facts in the order of the chunks (null: a timeline alone): what `versions` chunks name incidents' streams by. */
  private facts: (ReportFact | null)[] = [];

  constructor(private readonly header: SnapshotHeader) {
    const offsets = Object.values(header.offsets ?? { missing: '' });
    if (!offsets.every((o) => typeof o === 'string' && /^\d+$/.test(o))) throw new CorruptSnapshot('its offsets are not offsets');
    if (!Number.isFinite(header.clock)) throw new CorruptSnapshot('its clock is not a time');
  }

  add(chunk: InflatedChunk): void {
    if (chunk.index !== this.hashes.length) throw new CorruptSnapshot(`chunk ${chunk.index} came where chunk ${this.hashes.length} belongs`);
    if (chunk.index >= this.header.chunks) throw new CorruptSnapshot(`chunk ${chunk.index} of ${this.header.chunks}`);
    let content: ChunkContent;
    try {
      content = JSON.parse(chunk.json.toString('utf8')) as ChunkContent;
    } catch (e) {
      throw unreadable(chunk, e);
    }
    const model = this.model;
    switch (content.kind) {
      case 'reports':
        for (const [json, timeline, orId] of content.items) {
          const id = json ? json.reportId : orId;
          if (typeof id !== 'string') throw new CorruptSnapshot(`chunk ${chunk.index} has a report with no id`);
          // The aggregates are derived from the facts, so not stored: counted as each fact comes.
          const fact = json && factFromJson(json);
          if (fact) {
            model.facts.set(id, fact);
            model.aggregates.count(fact, 1);
            model.hourly.count(fact, 1);
          }
          if (timeline) model.timelines.set(id, timeline);
          this.facts.push(fact);
        }
        break;
      case 'versions': {
        const { producer, byIncident, byId } = content;
        for (let i = 0; i < byIncident[0].length; i++) {
          const incidentId = this.facts[byIncident[0][i]]?.incidentId;
          if (!incidentId) throw new CorruptSnapshot(`chunk ${chunk.index} names a report's incident it does not hold`);
          model.applied.set(producer, incidentId, byIncident[1][i]);
        }
        for (const [streamId, version] of byId) model.applied.set(producer, streamId, version);
        break;
      }
      case 'units':
        for (const unit of content.items) model.units.set(unit.unitId, unit);
        break;
      case 'unsaved':
        for (const [id, part] of content.items) model.unsaved.set(id, part);
        break;
      default:
        throw new CorruptSnapshot(`chunk ${chunk.index} is of no known kind`);
    }
    this.hashes.push(chunk.sha256);
  }

  finish(): AnalyticsModel {
    if (this.hashes.length !== this.header.chunks) throw new CorruptSnapshot(`${this.hashes.length} of ${this.header.chunks} chunks`);
    if (headerHash(this.hashes.map((sha256) => ({ sha256 }))) !== this.header.sha256) throw new CorruptSnapshot('the chunks are not the ones the header names');
    this.facts = [];
    this.model.eventsApplied = this.header.eventsApplied;
    this.model.restoreClock(this.header.clock);
    return this.model;
  }
}

/** The model a snapshot holds, from all its chunks at once (in any order). */
export function decodeSnapshot(header: SnapshotHeader, chunks: SnapshotChunk[]): AnalyticsModel {
  const decoder = new SnapshotDecoder(header);
  for (const chunk of [...chunks].sort((a, b) => a.index - b.index)) decoder.add(inflateChunk(chunk));
  return decoder.finish();
}
