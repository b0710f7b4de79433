import { EventEnvelope } from './envelope';

/** An envelope that is JSON and names its fields, but whose content no reader can trust. */
export class InvalidEvent extends Error {
  override name = 'InvalidEvent';
}

type Kind = 'string' | 'number' | 'time' | 'object' | 'array' | 'boolean';
/** Field path (dots into objects) → its kind; `?` after the kind: null or absent is allowed too. */
type Shape = Record<string, Kind | `${Kind}?`>;

const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const KINDS: Record<Kind, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  time: isTime,
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: Array.isArray,
  boolean: (v) => typeof v === 'boolean',
};

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

function problems(value: unknown, shape: Shape, prefix = ''): string[] {
  const found: string[] = [];
  for (const [path, spec] of Object.entries(shape)) {
    const optional = spec.endsWith('?');
    const kind = spec.replace('?', '') as Kind;
    const v = at(value, path);
    if (optional && (v === null || v === undefined)) continue;
    if (!KINDS[kind](v)) found.push(`${prefix}${path} must be ${optional ? `${kind} or null` : kind}`);
  }
  return found;
}

/**
 * What the in-memory views and the read models rely on in the events that open a stream or carry
 * its identity. Not a full schema: fields that only feed a display are left to the writer's types.
 * Personal fields (reporter, description) are not checked: they may be sealed (docs/privacy.md).
 */
const DATA_SHAPES: Record<string, Shape> = {
  ReportReceived: { reportId: 'string', trackingCode: 'string', channel: 'string', receivedAt: 'time', location: 'object' },
  TriageCaseOpened: {
    reportId: 'string',
    trackingCode: 'string',
    channel: 'string',
    receivedAt: 'time',
    location: 'object',
    suggestion: 'object',
    'suggestion.category': 'string',
    'suggestion.priority': 'string',
    'suggestion.duplicateCandidates': 'array',
  },
  ReportClassified: { category: 'string', priority: 'string' },
  ReportForwardedForDispatch: { category: 'string', priority: 'string' },
  IncidentOpened: {
    incidentId: 'string',
    reportId: 'string',
    category: 'string',
    priority: 'string',
    receivedAt: 'time',
    forwardedAt: 'time',
    location: 'object',
    'location.latitude': 'number',
    'location.longitude': 'number',
  },
  UnitRegistered: { unitId: 'string', callSign: 'string', homeDistrict: 'string', status: 'string', capabilities: 'array' },
};

const ENVELOPE_SHAPE: Shape = { eventId: 'string', type: 'string', streamId: 'string', occurredAt: 'time', producer: 'string', data: 'object' };

/**
 * Throws InvalidEvent for an envelope a view would choke on or be corrupted by: the consumers and
 * tails dead-letter it (reason `invalid`) and go on with the next event, rather than stop.
 */
export function assertValidEvent(event: EventEnvelope): void {
  const found = [...problems(event, ENVELOPE_SHAPE), ...(DATA_SHAPES[event.type] ? problems(event.data, DATA_SHAPES[event.type], 'data.') : [])];
  if (found.length) throw new InvalidEvent(`${event.type} ${event.streamId}@${event.streamVersion}: ${found.join('; ')}`);
}
