import { create } from 'xmlbuilder2';
import { Category, CATEGORY_LABELS } from '@callcenter/contracts';
import { EventEnvelope, IncidentEnvelope, IncidentOpenedV1 } from '@callcenter/events';
import { Incident, incidentDecider, IncidentState, IncidentStatus } from '../incident/incident.decider';

/** The agency that owns the incidents and issues the documents (NENA: a globally unique agency id). */
export interface EidoIssuer {
  agencyId: string;
  /** The functional element that makes the document. */
  element: string;
}

/** NENA's Incident Type registry names for our categories. */
const INCIDENT_TYPE: Record<Category, string> = {
  KEJAHATAN: 'Law Enforcement',
  KECELAKAAN_LALU_LINTAS: 'Traffic',
  KEBAKARAN: 'Fire',
  GANGGUAN_KETERTIBAN: 'Law Enforcement',
  BENCANA: 'Disaster',
  DARURAT_MEDIS: 'Medical',
  ORANG_HILANG: 'Law Enforcement',
  INFORMASI_PENGADUAN: 'Other',
  LAINNYA: 'Other',
};

const STATUS: Record<IncidentStatus, string> = {
  AWAITING_UNIT: 'Pending',
  ASSIGNED: 'Dispatched',
  ACKNOWLEDGED: 'Dispatched',
  EN_ROUTE: 'Enroute',
  ON_SCENE: 'OnScene',
  RESOLVED: 'Cleared',
  CLOSED: 'Closed',
};

/** What each event says, for the notes (one note per event, with its agent and time). */
function noteText(e: IncidentEnvelope): string {
  switch (e.type) {
    case 'IncidentOpened':
      return `Insiden dibuka dari laporan ${e.data.trackingCode} (${e.data.priority}, ${CATEGORY_LABELS[e.data.category].id})`;
    case 'UnitAssigned': {
      const d = e.data;
      return `${d.callSign} ditugaskan${d.previousUnitId ? ` menggantikan ${d.previousUnitId}` : ''}${d.etaSeconds !== null ? `, perkiraan tiba ${Math.round(d.etaSeconds / 60)} menit` : ''}`;
    }
    case 'AssignmentAcknowledged':
      return `${e.data.unitId} menerima penugasan`;
    case 'AssignmentDeclined':
      return `${e.data.unitId} menolak penugasan: ${e.data.reason}`;
    case 'AssignmentTimedOut':
      return `${e.data.unitId} tidak menjawab penugasan tepat waktu`;
    case 'UnitEnRoute':
      return `${e.data.unitId} dalam perjalanan`;
    case 'UnitArrived':
      return `${e.data.unitId} tiba di lokasi`;
    case 'IncidentResolved':
      return `Selesai (${e.data.outcome}): ${e.data.summary}`;
    case 'IncidentClosed':
      return 'Insiden ditutup';
    case 'DispatchOverdue':
      return `Belum ada unit ditugaskan pada batas waktu ${e.data.dueAt}`;
    case 'IncidentReportMerged':
      return `Laporan ${e.data.mergedReportId} digabungkan ke insiden ini oleh ${e.data.mergedBy}`;
    case 'IncidentReportSplit':
      return `Laporan ${e.data.splitReportId} dipisahkan dari insiden ini oleh ${e.data.splitBy}: ${e.data.reason}`;
    default: {
      const unknown: never = e;
      return (unknown as EventEnvelope).type;
    }
  }
}

const agentRole = (actor: string) => (actor === 'system' ? 'Automaton' : actor.startsWith('unit:') ? 'Responder' : 'Dispatcher');

/** A PIDF-LO point (RFC 4119 / 5491), the location by value EIDO asks for. */
function pidfLo(entity: string, latitude: number, longitude: number): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
    .ele('urn:ietf:params:xml:ns:pidf', 'presence', { entity })
    .ele('urn:ietf:params:xml:ns:pidf:data-model', 'dm:device', { id: 'incident' })
    .ele('urn:ietf:params:xml:ns:pidf:geopriv10', 'gp:geopriv')
    .ele('gp:location-info')
    .ele('http://www.opengis.net/gml', 'gml:Point', { srsName: 'urn:ogc:def:crs:EPSG::4326' })
    .ele('gml:pos')
    .txt(`${latitude} ${longitude}`)
    .doc();
  return doc.end({ headless: true });
}

/**
 * An incident as an EIDO (NENA-STA-021/024 JSON), built from its event stream alone. Each component
 * carries the time and agent of its last change; every event is a note with its own. The reporter
 * is a person with the role "Caller" and no identity: dispatch does not hold it and its roles may
 * not see it. The description and address stay as stored (sealed): the HTTP edge opens them. Pure.
 */
export function eidoOf(events: IncidentEnvelope[], issuer: EidoIssuer, issuedAt: Date): Record<string, unknown> {
  const state = events.reduce((s: IncidentState, e) => incidentDecider.evolve(s, e), incidentDecider.initialState());
  if (state.status === 'NONE') throw new Error('an EIDO needs an opened incident');
  const incident: Incident = state;
  const opened = events.find((e) => e.type === 'IncidentOpened')!;
  const o = opened.data as IncidentOpenedV1;
  const last = events[events.length - 1];
  const agentId = (actor: string) => `${actor}@${issuer.agencyId}`;
  const id = (kind: string) => `urn:emergency:uid:${kind}:${o.incidentId}:${issuer.agencyId}`;
  const stamp = (e: EventEnvelope) => ({
    lastUpdateTimeStamp: e.occurredAt,
    updatedByAgentIdentifier: agentId(e.actor),
    owningAgencyIdentifier: issuer.agencyId,
  });

  const agents = new Map<string, EventEnvelope>();
  for (const e of events) agents.set(e.actor, e);
  const notes = events.map((e) => ({
    $id: `${id('note')}:${e.streamVersion}`,
    ...stamp(e),
    notesActionComments: noteText(e),
    agentReference: { $ref: agentId(e.actor) },
  }));
  const descriptionNote = {
    $id: `${id('note')}:description`,
    ...stamp(opened),
    notesActionComments: o.description,
    agentReference: { $ref: agentId(opened.actor) },
  };
  const resolved = events.filter((e) => e.type === 'IncidentResolved').at(-1);
  const locationId = `${id('location')}:incident`;
  const callerId = `${id('person')}:caller`;
  const callId = `${id('call')}:${o.reportId}`;

  return {
    $id: `${id('eido')}:${last.streamVersion}`,
    lastUpdateTimeStamp: last.occurredAt,
    owningAgencyIdentifier: issuer.agencyId,
    updatedByAgentIdentifier: agentId(last.actor),
    EIDOVersion: '1.0',
    incidentTrackingIdentifier: `urn:emergency:uid:incidentid:${o.incidentId}:${issuer.agencyId}`,
    reasonForIssueRegistryText: 'Requested',
    issuingElementIdentification: issuer.element,
    agentReference: { $ref: agentId(issuer.element) },
    incidentComponent: {
      $id: id('incident'),
      ...stamp(last),
      incidentTypeCommonRegistryText: INCIDENT_TYPE[o.category],
      incidentTypeInternalCode: o.category,
      incidentTypeInternalText: CATEGORY_LABELS[o.category].id,
      incidentStatusCommonRegistryText: STATUS[incident.status],
      incidentStatusInternalText: [incident.status],
      internalIncidentId: o.incidentId,
      documentIdentification: o.trackingCode,
      incidentPriorityInternalText: o.priority,
      incidentCommonPriorityNumber: Number(o.priority.slice(1)),
      ...(o.district ? { beatOrDispatchGroupText: o.district } : {}),
      agentReference: [...agents.keys()].map((a) => ({ $ref: agentId(a) })),
      locationReference: [{ $ref: locationId }],
      personReference: [{ $ref: callerId }],
      ...(resolved && incident.resolution
        ? {
            dispositionComponent: [
              {
                $id: `${id('disposition')}:${resolved.streamVersion}`,
                ...stamp(resolved),
                dispositionCommonRegistryCode: incident.resolution.outcome,
                dispositionPrimaryIndicator: true,
                dispositionDescriptionText: incident.resolution.summary,
              },
            ],
          }
        : {}),
      notesReference: { $ref: descriptionNote.$id },
    },
    callComponent: [
      {
        $id: callId,
        ...stamp(opened),
        callIdentifier: o.trackingCode,
        callTypeDescriptionRegistryText: 'Unknown',
        callStatusRegistryText: 'Ended',
        activityDateRange: { startDate: o.receivedAt, endDate: o.forwardedAt },
        // The caller's number is the reporter's identity: not carried (see above).
        deviceCallBackInformationUrl: [],
        deviceContactHeader: '',
        agentReference: [{ $ref: agentId(opened.actor) }],
        locationReference: [{ $ref: locationId }],
        personReference: [{ $ref: callerId }],
      },
    ],
    agentComponent: [
      {
        $id: agentId(issuer.element),
        lastUpdateTimeStamp: issuedAt.toISOString(),
        agentIdentification: agentId(issuer.element),
        personRoleRegistryText: 'Automaton',
        agentRoleRegistryText: ['Automaton'],
      },
      ...[...agents].map(([actor, e]) => ({
        $id: agentId(actor),
        lastUpdateTimeStamp: e.occurredAt,
        agentIdentification: agentId(actor),
        personRoleRegistryText: agentRole(actor),
        agentRoleRegistryText: [agentRole(actor)],
      })),
    ],
    notesComponent: [descriptionNote, ...notes],
    locationInformationComponent: [
      {
        $id: locationId,
        ...stamp(opened),
        locationTypeDescriptionRegistryText: o.location.approximate ? 'District centre' : 'Incident',
        locationByValue: pidfLo(`pres:${o.incidentId}@${issuer.agencyId}`, o.location.latitude, o.location.longitude),
        ...(o.location.address ? { locationDescriptionText: o.location.address } : {}),
      },
    ],
    personInformationComponent: [
      {
        $id: callerId,
        ...stamp(opened),
        personIncidentRoleRegistryText: ['Caller'],
        locationReference: [{ $ref: locationId }],
      },
    ],
  };
}
