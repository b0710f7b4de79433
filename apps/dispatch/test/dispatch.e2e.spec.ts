import { EventEnvelope } from '@callcenter/events';
import { eventually, grpcCall, holdsFor, intakeMetadata, restClient, sampleReport, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

const INTAKE_HTTP = 13021;
const INTAKE_GRPC = 15071;
const TRIAGE_HTTP = 13022;
const DISPATCH_HTTP = 13023;
const ACK_SECONDS = 5;
const DISPATCH = `http://127.0.0.1:${DISPATCH_HTTP}`;

const phone = () => `+62813${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
/** A spot in the jurisdiction, and points at a given distance east of it (1° of longitude ≈ 110.6 km here). */
const spot = () => ({ latitude: -6.33 + Math.random() * 0.1, longitude: 106.76 + Math.random() * 0.06 });
const east = (p: { latitude: number; longitude: number }, km: number) => ({ latitude: p.latitude, longitude: p.longitude + km / 110.6 });

describe('dispatch service (real Kafka and database; intake, triage and dispatch as processes)', () => {
  const env = {
    // P1 must have a unit 4 s after receipt here, so the overdue timer can be seen firing.
    PRIORITY_TARGETS: 'P1=600/4/900,P2=600/600/1800,P3=600/1800/3600,P4=1800/-/-',
    DISPATCH_ACK_TIMEOUT_SECONDS: String(ACK_SECONDS),
    DISPATCH_TIMER_INTERVAL_MS: '200',
    DISPATCH_ORPHAN_GRACE_SECONDS: '5',
  };
  const spec = servicesForSpec('e2e', { intake: INTAKE_HTTP, triage: TRIAGE_HTTP, dispatch: DISPATCH_HTTP }, { env, intakeGrpc: INTAKE_GRPC });

  const operator = restClient(`http://127.0.0.1:${TRIAGE_HTTP}`, testToken('op-budi', ['operator']));
  const dispatcher = restClient(DISPATCH, testToken('dsp-andi', ['dispatcher']));
  const unitClient = (unitId: string) => restClient(DISPATCH, testToken(`unit:${unitId}`, ['unit']));

  async function dispatchEvents(streamId: string): Promise<EventEnvelope[]> {
    const commits = await spec.database('dispatch').collection('event_commits').find({ streamId }).toArray();
    return commits.sort((a, b) => a.base - b.base).flatMap((c) => c.events as EventEnvelope[]);
  }

  /** Registers an on-shift unit standing at `where`. */
  async function unitAt(where: { latitude: number; longitude: number }, type = 'PATROL_CAR'): Promise<string> {
    const callSign = `PATROL-${uniqueName('E2E').split('-')[1].toUpperCase()}`;
    const registered = await dispatcher.post('/api/v1/units', { callSign, type, capabilities: [], homeDistrict: 'CILANDAK', onShift: true });
    expect(registered.status).toBe(201);
    expect((await unitClient(callSign).post(`/api/v1/units/${callSign}/status`, where)).status).toBe(200);
    return callSign;
  }

  /** Submits a report over gRPC, triages it through the operator API and waits for its incident. */
  async function forwardedIncident(where = spot(), classification = { category: 'KEJAHATAN', priority: 'P2' }): Promise<any> {
    const { report_id: reportId } = await grpcCall<any>(
      spec.grpcIntake,
      'SubmitReport',
      sampleReport({
        category_hint: 'KEJAHATAN',
        description: 'Pencurian motor di parkiran minimarket, pelaku kabur ke arah selatan',
        reporter: { name: 'Rudi', phone: phone(), anonymous: false },
        location: { ...where, address: 'Jl. Ampera Raya' },
        people_injured: 0,
      }),
    );
    await eventually(
      () => operator.get(`/api/v1/reports/${reportId}`),
      (r) => r.status === 200,
      30_000,
    );
    expect((await operator.post(`/api/v1/reports/${reportId}/claim`)).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${reportId}/classify`, classification)).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${reportId}/forward`)).status).toBe(200);
    const found = await eventually(
      () => dispatcher.get(`/api/v1/incidents?reportId=${reportId}`),
      (r) => r.body.total === 1,
      30_000,
    );
    return found.body.items[0];
  }

  it('follows a report from gRPC to resolution; the reporter watches each milestone', async () => {
    const where = spot();
    const near = await unitAt(east(where, 0.8));
    const far = await unitAt(east(where, 3));
    const incident = await forwardedIncident(where);
    expect(incident).toMatchObject({ status: 'AWAITING_UNIT', priority: 'P2', category: 'KEJAHATAN', location: { approximate: false } });
    const ranked = incident.recommendations.map((r: any) => r.unitId);
    expect(ranked).toContain(near);
    expect(ranked.indexOf(near)).toBeLessThan(ranked.includes(far) ? ranked.indexOf(far) : Infinity);
    const top = incident.recommendations.find((r: any) => r.unitId === near);
    expect(top.distanceMeters).toBeGreaterThan(700);
    expect(top.distanceMeters).toBeLessThan(900);
    expect(top.reasons.join(' ')).toMatch(/km\/h/);

    // Each update carries the report's whole timeline: milestones that land together (one batch of
    // dispatch events read by intake) arrive in one update, none is lost.
    const watched: string[] = [];
    let timeline: string[] = [];
    const watch = spec.grpcIntake.WatchReport({ report_id: incident.reportId }, intakeMetadata());
    watch.on('data', (s: any) => {
      watched.push(s.state);
      timeline = s.timeline.map((step: any) => step.state);
    });
    const watchEnded = new Promise((resolve) => watch.on('end', resolve).on('error', resolve));

    const id = incident.incidentId;
    const unit = unitClient(near);
    expect((await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId: near })).body).toMatchObject({
      status: 'ASSIGNED',
      assignment: { unitId: near },
    });
    expect((await unit.post(`/api/v1/incidents/${id}/acknowledge`)).body.status).toBe('ACKNOWLEDGED');
    expect((await unit.post(`/api/v1/incidents/${id}/en-route`)).body.status).toBe('EN_ROUTE');
    expect((await unit.post(`/api/v1/incidents/${id}/arrive`)).body.status).toBe('ON_SCENE');
    const board = (await dispatcher.get('/api/v1/units')).body.items.find((u: any) => u.unitId === near);
    expect(board).toMatchObject({ status: 'ON_SCENE', currentIncident: { incidentId: id } });
    const resolved = await unit.post(`/api/v1/incidents/${id}/resolve`, { outcome: 'ARREST_MADE', summary: 'Pelaku diamankan bersama barang bukti' });
    expect(resolved.body).toMatchObject({ status: 'RESOLVED', resolution: { outcome: 'ARREST_MADE' } });
    expect((await dispatcher.post(`/api/v1/incidents/${id}/close`)).body.status).toBe('CLOSED');

    await Promise.race([watchEnded, new Promise((r) => setTimeout(r, 30_000))]);
    watch.cancel();
    expect(timeline).toEqual(expect.arrayContaining(['FORWARDED', 'DISPATCHED', 'ON_SCENE', 'RESOLVED', 'CLOSED']));
    expect(watched.at(-1)).toBe('CLOSED');
    const afterwards = (await dispatcher.get('/api/v1/units')).body.items.find((u: any) => u.unitId === near);
    expect(afterwards).toMatchObject({ status: 'AVAILABLE', currentIncident: null });
    expect((await dispatchEvents(id)).map((e) => [e.type, e.actor])).toEqual([
      ['IncidentOpened', 'system'],
      ['UnitAssigned', 'dsp-andi'],
      ['AssignmentAcknowledged', `unit:${near}`],
      ['UnitEnRoute', `unit:${near}`],
      ['UnitArrived', `unit:${near}`],
      ['IncidentResolved', `unit:${near}`],
      ['IncidentClosed', 'dsp-andi'],
    ]);
  });

  it('after a decline the incident needs a unit again and does not propose the one that declined', async () => {
    const where = spot();
    const first = await unitAt(east(where, 0.3));
    const second = await unitAt(east(where, 0.6));
    const { incidentId: id } = await forwardedIncident(where);
    await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId: first });
    const declined = await unitClient(first).post(`/api/v1/incidents/${id}/decline`, { reason: 'Ban kempes di Jl. Fatmawati' });
    expect(declined.body).toMatchObject({ status: 'AWAITING_UNIT', assignment: null });
    const detail = (await dispatcher.get(`/api/v1/incidents/${id}`)).body;
    expect(detail.excludedUnitIds).toEqual([first]);
    expect(detail.recommendations.map((r: any) => r.unitId)).not.toContain(first);
    expect(detail.recommendations.map((r: any) => r.unitId)).toContain(second);
    expect((await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId: second })).body.assignment.unitId).toBe(second);
    const units = (await dispatcher.get('/api/v1/units')).body.items;
    expect(units.find((u: any) => u.unitId === first).currentIncident).toBeNull();
  });

  it('times out an unacknowledged assignment, frees the unit, and lets a dispatcher reassign', async () => {
    const where = spot();
    const sleepy = await unitAt(east(where, 0.5));
    const awake = await unitAt(east(where, 1));
    const { incidentId: id } = await forwardedIncident(where);
    await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId: sleepy });
    await eventually(
      () => dispatchEvents(id),
      (events) => events.some((e) => e.type === 'AssignmentTimedOut'),
      (ACK_SECONDS + 10) * 1000,
    );
    expect((await dispatchEvents(id)).filter((e) => e.type === 'AssignmentTimedOut')).toEqual([
      expect.objectContaining({ actor: 'system', data: expect.objectContaining({ unitId: sleepy }) }),
    ]);
    await eventually(
      () => dispatchEvents(sleepy),
      (events) => events.some((e) => e.type === 'UnitReleased'),
      10_000,
    );
    expect((await dispatchEvents(sleepy)).at(-1)).toMatchObject({ type: 'UnitReleased', data: { reason: 'TIMED_OUT', incidentId: id } });
    // a late acknowledgement finds the incident no longer the unit's: 404, as its GET now answers
    expect(await unitClient(sleepy).post(`/api/v1/incidents/${id}/acknowledge`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId: awake })).status).toBe(200);
    // and a reassignment moves it on, releasing the previous unit
    const third = await unitAt(east(where, 2));
    const moved = await dispatcher.post(`/api/v1/incidents/${id}/reassign`, { unitId: third });
    expect(moved.body.assignment.unitId).toBe(third);
    expect((await dispatchEvents(awake)).at(-1)).toMatchObject({ type: 'UnitReleased', data: { reason: 'REASSIGNED' } });
  });

  it('never double-books a unit: one of two simultaneous assignments wins, the other gets 409', async () => {
    const where = spot();
    const only = await unitAt(east(where, 0.4));
    const [a, b] = await Promise.all([forwardedIncident(where), forwardedIncident(east(where, 0.2))]);
    const answers = await Promise.all([
      dispatcher.post(`/api/v1/incidents/${a.incidentId}/assign`, { unitId: only }),
      dispatcher.post(`/api/v1/incidents/${b.incidentId}/assign`, { unitId: only }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
    const lost = answers.find((x) => x.status === 409)!;
    expect(lost.body).toMatchObject({ code: 'ILLEGAL_STATE', rule: expect.stringMatching(/UNIT_ALREADY_ASSIGNED|UNIT_NOT_AVAILABLE/) });
    expect((await dispatchEvents(only)).filter((e) => e.type === 'UnitCommitted')).toHaveLength(1);
    const loser = answers[0].status === 409 ? a : b;
    expect((await dispatcher.get(`/api/v1/incidents/${loser.incidentId}`)).body).toMatchObject({ status: 'AWAITING_UNIT', assignment: null });
  });

  it("shows a unit only the incidents assigned to it: another unit's answers 404, lists hold only its own", async () => {
    const where = spot();
    const mine = await unitAt(east(where, 0.3));
    const theirs = await unitAt(east(where, 0.6));
    const a = await forwardedIncident(where);
    const b = await forwardedIncident(east(where, 0.1));
    expect((await dispatcher.post(`/api/v1/incidents/${a.incidentId}/assign`, { unitId: mine })).status).toBe(200);
    expect((await dispatcher.post(`/api/v1/incidents/${b.incidentId}/assign`, { unitId: theirs })).status).toBe(200);
    const unit = unitClient(mine);
    expect((await unit.get(`/api/v1/incidents/${a.incidentId}`)).body).toMatchObject({ incidentId: a.incidentId, assignment: { unitId: mine } });
    // another unit's incident, and one that does not exist, answer alike
    const other = await unit.get(`/api/v1/incidents/${b.incidentId}`);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain(theirs);
    expect((await unit.get(`/api/v1/incidents?reportId=${b.reportId}`)).body).toEqual({ total: 0, items: [] });
    const listed = (await unit.get('/api/v1/incidents?limit=100')).body;
    expect(listed.items.map((i: any) => i.incidentId)).toEqual([a.incidentId]);
    expect((await unit.get('/api/v1/units')).body.items.map((u: any) => u.unitId)).toEqual([mine]);
    // dispatchers see both
    expect((await dispatcher.get(`/api/v1/incidents/${b.incidentId}`)).status).toBe(200);
    for (const { reportId } of [a, b]) expect((await dispatcher.get(`/api/v1/incidents?reportId=${reportId}`)).body.total).toBe(1);
    expect((await dispatcher.get('/api/v1/incidents')).body.total).toBeGreaterThan(listed.total);
  });

  it('refuses illegal transitions with 409 naming the rule', async () => {
    const where = spot();
    const unitId = await unitAt(east(where, 0.5));
    const other = await unitAt(east(where, 5));
    const { incidentId: id } = await forwardedIncident(where);
    const unit = unitClient(unitId);
    expect(await unit.post(`/api/v1/incidents/${id}/arrive`)).toMatchObject({ status: 404 }); // not its incident (yet)
    expect((await dispatcher.post(`/api/v1/incidents/${id}/close`)).body.rule).toBe('RESOLVE_BEFORE_CLOSE');
    await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId });
    expect((await dispatcher.post(`/api/v1/incidents/${id}/assign`, { unitId: other })).body.rule).toBe('INCIDENT_ALREADY_ASSIGNED');
    // Another unit's incident does not exist for this unit: 404 as its GET answers, nothing of it in the body.
    expect(await unitClient(other).post(`/api/v1/incidents/${id}/acknowledge`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await unit.post(`/api/v1/incidents/${id}/en-route`)).body.rule).toBe('ILLEGAL_TRANSITION'); // not acknowledged yet
    expect((await unit.post(`/api/v1/incidents/${id}/resolve`, { outcome: 'HANDLED_ON_SCENE', summary: 'Selesai' })).body.rule).toBe('ILLEGAL_TRANSITION');
    expect((await unitClient(other).post(`/api/v1/units/${unitId}/status`, { status: 'BUSY' })).body.rule).toBe('NOT_YOUR_UNIT');
    expect((await unit.post(`/api/v1/units/${unitId}/status`, { status: 'OFF_DUTY' })).body.rule).toBe('UNIT_HAS_ASSIGNMENT');
    // still AVAILABLE until it sets off, it may report where it is
    expect((await unit.post(`/api/v1/units/${unitId}/status`, { latitude: where.latitude, longitude: where.longitude })).status).toBe(200);
    const again = await dispatcher.post('/api/v1/units', { callSign: unitId, type: 'PATROL_CAR', homeDistrict: 'TEBET' });
    expect(again.status).toBe(409);
    expect(again.body.rule).toBe('UNIT_ALREADY_REGISTERED');
  });

  it.each([
    ['/api/v1/units', { callSign: 'patrol 1', type: 'PATROL_CAR', homeDistrict: 'TEBET' }, 'callSign'],
    ['/api/v1/units', { callSign: 'PATROL-X1', type: 'SUBMARINE', homeDistrict: 'TEBET' }, 'type'],
    ['/api/v1/units', { callSign: 'PATROL-X1', type: 'PATROL_CAR', homeDistrict: 'ATLANTIS' }, 'homeDistrict'],
    ['/api/v1/units', { callSign: 'PATROL-X1', type: 'PATROL_CAR', homeDistrict: 'TEBET', capabilities: ['first aid'] }, 'capabilities'],
    ['/api/v1/units/PATROL-X1/status', { latitude: -6.2 }, 'longitude'],
    ['/api/v1/units/PATROL-X1/status', { status: 'NAPPING' }, 'status'],
    ['/api/v1/incidents/not-a-uuid/assign', { unitId: 'PATROL-X1' }, 'incidentId'],
    ['/api/v1/incidents/00000000-0000-4000-8000-000000000000/assign', { unitId: 'x y' }, 'unitId'],
    ['/api/v1/incidents/00000000-0000-4000-8000-000000000000/resolve', { outcome: 'WON', summary: 'ok' }, 'outcome'],
  ])('answers bad input to %s with 400 naming the field (%j)', async (path, body, field) => {
    const res = await dispatcher.post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.violations.map((v: any) => v.field)).toContain(field);
  });

  it('answers unknown units and incidents with 404, and checks tokens and roles', async () => {
    expect((await dispatcher.post('/api/v1/units/PATROL-NOPE/status', { status: 'BUSY' })).status).toBe(404);
    expect((await dispatcher.patch('/api/v1/units/PATROL-NOPE', { onShift: true })).status).toBe(404);
    expect((await dispatcher.get('/api/v1/incidents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await dispatcher.get('/api/v1/incidents?reportId=00000000-0000-4000-8000-000000000000')).body).toEqual({ total: 0, items: [] });
    expect((await restClient(DISPATCH).get('/api/v1/incidents')).status).toBe(401);
    expect((await restClient(DISPATCH, testToken('an-1', ['analyst'])).get('/api/v1/incidents')).status).toBe(403);
    expect((await restClient(DISPATCH, testToken('op-1', ['operator'])).get('/api/v1/units')).status).toBe(403);
    expect((await unitClient('PATROL-X1').post('/api/v1/units', { callSign: 'PATROL-X2', type: 'PATROL_CAR', homeDistrict: 'TEBET' })).status).toBe(403);
  });

  it('fires DispatchOverdue once for an incident left without a unit past its target', async () => {
    const { incidentId: id } = await forwardedIncident(spot(), { category: 'KEJAHATAN', priority: 'P1' });
    await eventually(
      () => dispatchEvents(id),
      (events) => events.some((e) => e.type === 'DispatchOverdue'),
      20_000,
    );
    const overdueOnes = async () => (await dispatchEvents(id)).filter((e) => e.type === 'DispatchOverdue');
    const overdue = await holdsFor(overdueOnes, (o) => o.length === 1, 1_500, 300); // more timer ticks, still one
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ actor: 'system', data: { priority: 'P1', targetSeconds: 4 } });
    expect((await dispatcher.get(`/api/v1/incidents/${id}`)).body.overdue).toBe(true);
  });

  it('takes units off shift and back, and lists the status board', async () => {
    const unitId = await unitAt(spot());
    expect((await dispatcher.patch(`/api/v1/units/${unitId}`, { onShift: false, capabilities: ['FIRST_AID'] })).body).toMatchObject({
      status: 'OFF_DUTY',
      onShift: false,
      capabilities: ['FIRST_AID'],
    });
    const board = (await dispatcher.get('/api/v1/units')).body;
    expect(board.items.find((u: any) => u.unitId === unitId)).toMatchObject({ status: 'OFF_DUTY', position: expect.any(Object) });
    expect((await dispatcher.patch(`/api/v1/units/${unitId}`, { onShift: true })).body.status).toBe('AVAILABLE');
  });
});
