import { IllegalState } from '@callcenter/contracts';
import { Decider, PublicWarningCancelled, PublicWarningEvent, PublicWarningIssued, PublicWarningIssuedV1 } from '@callcenter/events';
import { Incident, isActive } from '../incident/incident.decider';

/** The one stream that registers every public warning, so the public feed reads them in one go. */
export const PUBLIC_WARNINGS_STREAM = 'public-warnings';

export type WarningContent = Omit<PublicWarningIssuedV1, 'incidentId' | 'reportId' | 'category' | 'area'> & {
  area: { description: string; radiusKm: number };
};

export type PublicWarningCommand =
  { type: 'IssuePublicWarning'; incident: Incident; content: WarningContent } | { type: 'CancelPublicWarning'; incident: Incident; reason: string };

/** Each incident's warning: whether it is in force now. */
export type PublicWarnings = Record<string, { active: boolean }>;

/** ~100 m: the circle says where, without pointing at the reporter's door. */
const rounded = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The register of public warnings. A warning is issued for an incident that is still being handled;
 * issuing again revises it (a CAP Update); a cancelled warning may be issued afresh (a new Alert).
 */
export const publicWarningDecider: Decider<PublicWarningCommand, PublicWarningEvent, PublicWarnings> = {
  initialState: () => ({}),

  decide(command, state) {
    const { incidentId, reportId, category, location } = command.incident.incident;
    switch (command.type) {
      case 'IssuePublicWarning': {
        if (!isActive(command.incident)) throw new IllegalState('INCIDENT_CLOSED', `the incident is ${command.incident.status}: no new warning`);
        const { area, ...content } = command.content;
        return [
          PublicWarningIssued({
            incidentId,
            reportId,
            category,
            ...content,
            area: { description: area.description, radiusKm: area.radiusKm, latitude: rounded(location.latitude), longitude: rounded(location.longitude) },
          }),
        ];
      }
      case 'CancelPublicWarning':
        if (!state[incidentId]?.active) throw new IllegalState('NO_PUBLIC_WARNING', 'the incident has no public warning in force');
        return [PublicWarningCancelled({ incidentId, reportId, reason: command.reason })];
      default: {
        const unknown: never = command;
        throw new Error(`unknown command ${(unknown as PublicWarningCommand).type}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PublicWarningIssued':
        return { ...state, [event.data.incidentId]: { active: true } };
      case 'PublicWarningCancelled':
        return { ...state, [event.data.incidentId]: { active: false } };
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${(unknown as PublicWarningEvent).type}`);
      }
    }
  },
};
