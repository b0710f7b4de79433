import { createHash } from 'node:crypto';
import { AlreadyExists, Category, Channel } from '@callcenter/contracts';
import { Decider, IntakeEvent, ReportReceived, ReportReceivedV1 } from '@callcenter/events';

/** A validated submission; ids and the time come in with it (the decider reads no clock). */
export interface SubmitReport {
  type: 'SubmitReport';
  reportId: string;
  trackingCode: string;
  sourceSystem: string;
  externalId: string;
  channel: Channel;
  reporter: { name?: string; phone?: string; anonymous: boolean };
  categoryHint?: Category;
  description: string;
  location: { latitude?: number; longitude?: number; address?: string; district?: string };
  occurredAt?: Date;
  peopleInjured: number;
  peopleInvolved: number;
  receivedAt: Date;
}

export type IntakeCommand = SubmitReport;

export type ReportState =
  | { status: 'new' }
  | {
      status: 'received';
      reportId: string;
      trackingCode: string;
      receivedAt: string;
      sourceSystem: string;
      externalId: string;
      /** Absent for reports received before hashes were kept: any repeat of those is a duplicate. */
      contentHash?: string;
    };

const blankToNull = (s?: string) => (s && s.trim() ? s.trim() : null);

type ReportContent = Omit<ReportReceivedV1, 'reportId' | 'trackingCode' | 'receivedAt' | 'contentHash'>;

/** JSON with object keys sorted at every depth, so equal content has one spelling. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The hash of what was submitted, as it is kept (trimmed, blanks as null, an anonymous reporter's
 * identity dropped): the ids and times intake gives a report are left out, so a repeat of the same
 * submission hashes alike whenever it comes and however its whitespace is.
 */
export function contentHashOf(content: ReportContent): string {
  const { sourceSystem, externalId, channel, reporter, categoryHint, description, location, occurredAt, peopleInjured, peopleInvolved } = content;
  const canonical = canonicalJson({
    sourceSystem,
    externalId,
    channel,
    reporter,
    categoryHint,
    description,
    location,
    occurredAt,
    peopleInjured,
    peopleInvolved,
  });
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

function contentOf(command: SubmitReport): ReportContent {
  // An anonymous reporter's identity is not kept at all, not merely hidden.
  const anonymous = command.reporter.anonymous;
  return {
    sourceSystem: command.sourceSystem,
    externalId: command.externalId,
    channel: command.channel,
    reporter: {
      name: anonymous ? null : blankToNull(command.reporter.name),
      phone: anonymous ? null : blankToNull(command.reporter.phone),
      anonymous,
    },
    categoryHint: command.categoryHint ?? null,
    description: command.description.trim(),
    location: {
      latitude: command.location.latitude ?? null,
      longitude: command.location.longitude ?? null,
      address: blankToNull(command.location.address),
      district: blankToNull(command.location.district),
    },
    occurredAt: command.occurredAt?.toISOString() ?? null,
    peopleInjured: command.peopleInjured,
    peopleInvolved: command.peopleInvolved,
  };
}

export const reportDecider: Decider<IntakeCommand, IntakeEvent, ReportState> = {
  initialState: () => ({ status: 'new' }),

  decide(command, state) {
    switch (command.type) {
      case 'SubmitReport': {
        const content = contentOf(command);
        const contentHash = contentHashOf(content);
        if (state.status !== 'new') {
          // A repeat of the same submission records nothing (the caller gets the original ids);
          // the same external id with other content is refused, never answered with the old report.
          if (state.contentHash === undefined || state.contentHash === contentHash) return [];
          throw new AlreadyExists(
            'EXTERNAL_ID_REUSED',
            `external_id ${state.externalId} of ${state.sourceSystem} already names report ${state.reportId} ` +
              `(tracking code ${state.trackingCode}) with other content; give a new report a new external_id`,
            { reportId: state.reportId, trackingCode: state.trackingCode },
          );
        }
        return [
          ReportReceived({
            reportId: command.reportId,
            trackingCode: command.trackingCode,
            ...content,
            receivedAt: command.receivedAt.toISOString(),
            contentHash,
          }),
        ];
      }
      default: {
        const unknown: never = command.type;
        throw new Error(`unknown command ${unknown}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ReportReceived':
        return {
          status: 'received',
          reportId: event.data.reportId,
          trackingCode: event.data.trackingCode,
          receivedAt: event.data.receivedAt,
          sourceSystem: event.data.sourceSystem,
          externalId: event.data.externalId,
          ...(event.data.contentHash === undefined ? {} : { contentHash: event.data.contentHash }),
        };
      default: {
        const unknown: never = event.type;
        return unknown ? state : state;
      }
    }
  },
};
