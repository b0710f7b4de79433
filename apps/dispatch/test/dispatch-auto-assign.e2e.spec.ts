import { toKafkaMessage, TOPICS } from '@callcenter/events';
import { eventually, holdsFor, reportForwarded, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

const HTTP = 13024;

describe('dispatch with DISPATCH_AUTO_ASSIGN_P1 (real Kafka and database)', () => {
  // Dispatch works through the shared topic before the tests: earlier tests' P1 forwards would be auto-assigned to this test's unit.
  const spec = servicesForSpec('e2e', { dispatch: HTTP }, { env: { DISPATCH_AUTO_ASSIGN_P1: 'true' }, producer: true });
  const dispatcher = restClient(`http://127.0.0.1:${HTTP}`, testToken('dsp-andi', ['dispatcher']));

  /** A forward as triage publishes it. */
  async function forward(priority: 'P1' | 'P2', where: { latitude: number; longitude: number }) {
    const event = reportForwarded(priority, where);
    await spec.producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(event)] });
    return event.streamId;
  }

  it('assigns the top recommended unit to a P1 incident at once, and leaves a P2 to the dispatcher', async () => {
    // Off Tebet's centre: units of other suites seen on the shared dispatch topic have no position
    // here (positions are not events), so they stand at their home district's centre; this unit
    // reports one 110 m from the fire and must be the nearest.
    const where = { latitude: -6.2447, longitude: 106.8662 };
    const callSign = `FIRE-${uniqueName('A').split('-')[1].toUpperCase()}`;
    expect((await dispatcher.post('/api/v1/units', { callSign, type: 'FIRE_LIAISON', homeDistrict: 'TEBET', onShift: true })).status).toBe(201);
    await dispatcher.post(`/api/v1/units/${callSign}/status`, { latitude: where.latitude, longitude: where.longitude + 0.001 });

    const p1 = await forward('P1', where);
    const assigned = await eventually(
      () => dispatcher.get(`/api/v1/incidents?reportId=${p1}`),
      (r) => r.body.items?.[0]?.status === 'ASSIGNED',
      30_000,
    );
    expect(assigned.body.items[0].assignment).toMatchObject({ unitId: callSign, automatic: true });
    expect(assigned.body.items[0].timeline.find((e: any) => e.type === 'UnitAssigned')).toMatchObject({ actor: 'system' });

    // A P2 with a free unit of its own 110 m away: auto-assignment would take it, so it must not happen.
    const p2Where = { latitude: where.latitude + 0.01, longitude: where.longitude };
    const spare = `FIRE-${uniqueName('B').split('-')[1].toUpperCase()}`;
    expect((await dispatcher.post('/api/v1/units', { callSign: spare, type: 'FIRE_LIAISON', homeDistrict: 'TEBET', onShift: true })).status).toBe(201);
    await dispatcher.post(`/api/v1/units/${spare}/status`, { latitude: p2Where.latitude, longitude: p2Where.longitude + 0.001 });
    const p2 = await forward('P2', p2Where);
    const incident = () => dispatcher.get(`/api/v1/incidents?reportId=${p2}`);
    await eventually(incident, (r) => r.body.total === 1, 30_000);
    // Auto-assignment is a command of its own after the open is committed: watched for 3 s, not read once.
    const waiting = await holdsFor(incident, (r) => r.body.items[0].status === 'AWAITING_UNIT' && r.body.items[0].assignment === null, 3_000, 200);
    expect(waiting.body.items[0].timeline.map((e: any) => e.type)).not.toContain('UnitAssigned');
    const board = (await dispatcher.get('/api/v1/units')).body;
    expect((board.items ?? board).find((u: { unitId: string }) => u.unitId === spare)).toMatchObject({ status: 'AVAILABLE' });
  });
});
