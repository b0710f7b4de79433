import { Category, Channel, IllegalState } from '@callcenter/contracts';
import { Decider, IntakeEvent, ReportReceived } from '@callcenter/events';

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
  | { status: 'received'; reportId: string; trackingCode: string; receivedAt: string; sourceSystem: string; externalId: string };

const blankToNull = (s?: string) => (s && s.trim() ? s.trim() : null);

export const reportDecider: Decider<IntakeCommand, IntakeEvent, ReportState> = {
  initialState: () => ({ status: 'new' }),

  decide(command, state) {
    switch (command.type) {
      case 'SubmitReport': {
        if (state.status !== 'new') {
          throw new IllegalState('REPORT_ALREADY_RECEIVED', `report ${state.reportId} was already received`, state);
        }
        // An anonymous reporter's identity is not kept at all, not merely hidden.
        const anonymous = command.reporter.anonymous;
        return [
          ReportReceived({
            reportId: command.reportId,
            trackingCode: command.trackingCode,
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
            receivedAt: command.receivedAt.toISOString(),
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
        };
      default: {
        const unknown: never = event.type;
        return unknown ? state : state;
      }
    }
  },
};
