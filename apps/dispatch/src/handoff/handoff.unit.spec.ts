import { convert } from 'xmlbuilder2';
import {
  AssignmentAcknowledged,
  EventDefinition,
  IncidentEnvelope,
  IncidentOpened,
  IncidentResolved,
  PublicWarningCancelled,
  PublicWarningIssued,
  UnitArrived,
  UnitAssigned,
} from '@callcenter/events';
import { envelopeOf } from '@callcenter/testing';
import { Incident, incidentDecider, IncidentState } from '../incident/incident.decider';
import { capAlertXml, capAtomFeed, capMessagesOf, capTime } from './cap';
import { eidoOf } from './eido';
import { publicWarningDecider, WarningContent } from './public-warning.decider';
import { eidoValidator } from './schemas/eido-validator';

const INCIDENT = '6f1c1f0e-7a52-5b7c-9d0e-2a4b6c8d0e1f';
const REPORT = '0b9e2d64-3f1a-4c55-8e7d-1a2b3c4d5e6f';
const issuer = { agencyId: 'polres.example.id', element: 'dispatch.polres.example.id' };
const sender = { sender: 'callcenter@polres.example.id', senderName: 'Call Center polres.example.id', feedUrl: 'http://localhost/api/v1/cap/alerts.xml' };

let clock = Date.parse('2026-12-02T03:00:00.000Z');
/** A typed event of dispatch's, a minute after the one before. */
function envelope<Type extends string, Data>(streamId: string, version: number, event: EventDefinition<Type, Data>, data: NoInfer<Data>, actor = 'system') {
  clock += 60_000;
  return envelopeOf(event, data, { eventId: `${streamId}-${version}`, streamId, streamVersion: version, producer: 'dispatch', actor, at: new Date(clock) });
}

const opened = IncidentOpened({
  incidentId: INCIDENT,
  reportId: REPORT,
  trackingCode: 'K7Q2M-94XHD',
  category: 'KEBAKARAN',
  priority: 'P1',
  district: 'TEBET',
  location: { latitude: -6.226512, longitude: 106.858333, address: 'pd1:sealed-address', approximate: false },
  description: 'pd1:sealed-description',
  peopleInjured: 1,
  receivedAt: '2026-12-02T02:58:00.000Z',
  forwardedAt: '2026-12-02T03:00:00.000Z',
});
const ids = { incidentId: INCIDENT, reportId: REPORT };
function incidentStream(resolved: boolean): IncidentEnvelope[] {
  const events: IncidentEnvelope[] = [
    envelope(INCIDENT, 1, IncidentOpened, opened.data),
    envelope(
      INCIDENT,
      2,
      UnitAssigned,
      {
        ...ids,
        unitId: 'DAMKAR-1',
        callSign: 'DAMKAR-1',
        previousUnitId: null,
        distanceMeters: 900,
        etaSeconds: 120,
        automatic: false,
        acknowledgeBy: '2026-12-02T03:05:00.000Z',
      },
      'dsp-andi',
    ),
    envelope(INCIDENT, 3, AssignmentAcknowledged, { ...ids, unitId: 'DAMKAR-1' }, 'unit:DAMKAR-1'),
    envelope(INCIDENT, 4, UnitArrived, { ...ids, unitId: 'DAMKAR-1' }, 'unit:DAMKAR-1'),
  ];
  if (resolved)
    events.push(envelope(INCIDENT, 5, IncidentResolved, { ...ids, unitId: 'DAMKAR-1', outcome: 'HANDLED_ON_SCENE', summary: 'Api padam' }, 'unit:DAMKAR-1'));
  return events;
}
const stateOf = (events: IncidentEnvelope[]) =>
  events.reduce((s: IncidentState, e) => incidentDecider.evolve(s, e), incidentDecider.initialState()) as Incident;

const content: WarningContent = {
  headline: 'Kebakaran gudang di Tebet: hindari Jl. Tebet Raya',
  description: 'Asap tebal di sekitar lokasi.',
  instruction: 'Tutup jendela, hindari area.',
  severity: 'Severe',
  urgency: 'Immediate',
  certainty: 'Observed',
  area: { description: 'Kel. Tebet Barat', radiusKm: 1.5 },
};

describe('public warning decider', () => {
  it('issues a warning with the area rounded to ~100 m and nothing from the report', () => {
    const [event] = publicWarningDecider.decide({ type: 'IssuePublicWarning', incident: stateOf(incidentStream(false)), content }, {});
    expect(event).toEqual(
      PublicWarningIssued({
        ...ids,
        category: 'KEBAKARAN',
        ...content,
        area: { description: 'Kel. Tebet Barat', radiusKm: 1.5, latitude: -6.227, longitude: 106.858 },
      }),
    );
    expect(JSON.stringify(event)).not.toMatch(/pd1:|K7Q2M/);
  });

  it('refuses a new warning for a resolved incident, and a cancel when none is in force', () => {
    expect(() => publicWarningDecider.decide({ type: 'IssuePublicWarning', incident: stateOf(incidentStream(true)), content }, {})).toThrow(/RESOLVED/);
    expect(() => publicWarningDecider.decide({ type: 'CancelPublicWarning', incident: stateOf(incidentStream(false)), reason: 'keliru' }, {})).toThrow(
      /no public warning/,
    );
    const state = publicWarningDecider.evolve(
      {},
      PublicWarningIssued({ ...ids, category: 'KEBAKARAN', ...content, area: { ...content.area, latitude: 0, longitude: 0 } }),
    );
    expect(publicWarningDecider.decide({ type: 'CancelPublicWarning', incident: stateOf(incidentStream(true)), reason: 'keliru' }, state)).toEqual([
      PublicWarningCancelled({ ...ids, reason: 'keliru' }),
    ]);
  });
});

describe('CAP messages of an incident', () => {
  const issued = (content: WarningContent, v: number) => {
    const [decided] = publicWarningDecider.decide({ type: 'IssuePublicWarning', incident: stateOf(incidentStream(false)), content }, {});
    if (decided.type !== PublicWarningIssued.type) throw new Error(`expected ${PublicWarningIssued.type}, decided ${decided.type}`);
    return envelope('public-warnings', v, PublicWarningIssued, decided.data, 'spv-sari');
  };

  it('an Alert when issued, an Update on revision and on resolution (all clear), a Cancel when withdrawn, each referring to the ones before', () => {
    const first = issued(content, 1);
    const revised = issued({ ...content, severity: 'Extreme' }, 2);
    const incident = incidentStream(true);
    const cancelled = envelope('public-warnings', 3, PublicWarningCancelled, { ...ids, reason: 'tidak perlu lagi' }, 'spv-sari');
    const messages = capMessagesOf(INCIDENT, [cancelled, ...incident, revised, first], sender);
    expect(messages.map((m) => m.msgType)).toEqual(['Alert', 'Update', 'Update', 'Cancel']);
    expect(messages[2].info).toMatchObject({ urgency: 'Past', responseType: 'AllClear', severity: 'Extreme' });
    expect(messages[3].references).toEqual(messages.slice(0, 3).map((m) => `${sender.sender},${m.identifier},${m.sent}`));
    expect(messages[0].sent).toBe(capTime(first.occurredAt));
    expect(messages[0].sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
  });

  it("no message for an incident without a warning, and none for other incidents' warnings", () => {
    expect(capMessagesOf(INCIDENT, incidentStream(true), sender)).toEqual([]);
    expect(capMessagesOf('another', [issued(content, 1)], sender)).toEqual([]);
  });

  it("writes CAP 1.2 XML and an Atom feed of each incident's latest message, with nothing from the report", () => {
    const messages = capMessagesOf(INCIDENT, [issued(content, 1), ...incidentStream(true)], sender);
    const alert = convert(capAlertXml(messages[1], sender), { format: 'object' }) as any;
    expect(alert.alert).toMatchObject({
      '@xmlns': 'urn:oasis:names:tc:emergency:cap:1.2',
      msgType: 'Update',
      scope: 'Public',
      info: { category: 'Fire', responseType: 'AllClear', area: { circle: '-6.227,106.858 1.5' } },
    });
    const feed = capAtomFeed(messages.slice(-1), sender, new Date());
    const parsed = convert(feed, { format: 'object' }) as any;
    expect(parsed.feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(parsed.feed.entry.content.alert.msgType).toBe('Update');
    expect(feed).not.toMatch(/pd1:|K7Q2M|Api padam/);
  });
});

describe('EIDO of an incident', () => {
  const valid = eidoValidator();

  it("is valid against NENA's schema, with incident, location, call, person and notes components stamped with agent and time", () => {
    const events = incidentStream(true);
    const eido = eidoOf(events, issuer, new Date('2026-12-02T04:00:00Z')) as any;
    expect(valid(eido)).toEqual([]);
    expect(eido.incidentComponent).toMatchObject({
      incidentTypeCommonRegistryText: 'Fire',
      incidentStatusInternalText: ['RESOLVED'],
      incidentCommonPriorityNumber: 1,
      lastUpdateTimeStamp: events[4].occurredAt,
      updatedByAgentIdentifier: 'unit:DAMKAR-1@polres.example.id',
    });
    expect(eido.incidentComponent.dispositionComponent[0]).toMatchObject({
      dispositionCommonRegistryCode: 'HANDLED_ON_SCENE',
      dispositionDescriptionText: 'Api padam',
    });
    expect(eido.locationInformationComponent[0]).toMatchObject({ locationDescriptionText: 'pd1:sealed-address' });
    expect(eido.locationInformationComponent[0].locationByValue).toContain('<gml:pos>-6.226512 106.858333</gml:pos>');
    expect(eido.callComponent[0]).toMatchObject({ callIdentifier: 'K7Q2M-94XHD', activityDateRange: { startDate: '2026-12-02T02:58:00.000Z' } });
    expect(eido.personInformationComponent).toEqual([expect.objectContaining({ personIncidentRoleRegistryText: ['Caller'] })]);
    expect(eido.notesComponent.map((n: any) => [n.notesActionComments.slice(0, 12), n.agentReference.$ref])).toEqual([
      ['pd1:sealed-d', 'system@polres.example.id'],
      ['Insiden dibu', 'system@polres.example.id'],
      ['DAMKAR-1 dit', 'dsp-andi@polres.example.id'],
      ['DAMKAR-1 men', 'unit:DAMKAR-1@polres.example.id'],
      ['DAMKAR-1 tib', 'unit:DAMKAR-1@polres.example.id'],
      ['Selesai (HAN', 'unit:DAMKAR-1@polres.example.id'],
    ]);
    expect(eido.agentComponent.map((a: any) => a.agentRoleRegistryText[0])).toEqual(['Automaton', 'Automaton', 'Dispatcher', 'Responder']);
  });

  it('the schema check can fail: a document without its required parts is refused', () => {
    const eido = eidoOf(incidentStream(false), issuer, new Date()) as any;
    expect(valid(eido)).toEqual([]);
    delete eido.callComponent[0].activityDateRange;
    delete eido.EIDOVersion;
    expect(valid(eido).join('\n')).toMatch(/EIDOVersion[\s\S]*activityDateRange|activityDateRange[\s\S]*EIDOVersion/);
  });
});
