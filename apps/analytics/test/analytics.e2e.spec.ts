import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { EventEnvelope, ReportReceived, toKafkaMessage, TOPICS, TriageCaseOpened } from '@callcenter/events';
import { envelopeOf, eventually, openedCaseData, holdsFor, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';
import { SCRIPTED_EXPECTATIONS as X, scriptedLifecycles } from './scripted-lifecycles';

const HTTP = 13031;
const ANALYTICS = `http://127.0.0.1:${HTTP}`;
/**
 * Two copies of the scripted day, a month apart, on days of the past no other run uses (the test
 * topics keep every earlier run's events); each query is scoped to one copy by its time range.
 */
const dayOf = (offsetDays: number) => new Date(Date.UTC(2015, 0, 1) + offsetDays * 86_400_000).toISOString().slice(0, 10);
const SEED = Math.floor(Math.random() * 1500);
const [A, B] = [dayOf(SEED), dayOf(SEED + 1600)];
const window = (day: string) => ({ from: `${day}T00:00:00Z`, to: new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString() });
const DAY_A = window(A);
const DAY_B = window(B);
const range = (day: { from: string; to: string }) => `from=${encodeURIComponent(day.from)}&to=${encodeURIComponent(day.to)}`;

describe('analytics service (real Kafka; events as the other services publish them)', () => {
  const spec = servicesForSpec('e2e', { analytics: HTTP }, { producer: true });
  const tag = uniqueName('run');
  const analyst = restClient(ANALYTICS, testToken('an-dewi', ['analyst']));
  const admin = restClient(ANALYTICS, testToken('adm-1', ['admin']));

  async function publish(items: { topic: string; event: EventEnvelope }[]) {
    for (const { topic, event } of items) await spec.producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
  }

  const everyTable = async (day: { from: string; to: string }) => {
    const q = range(day);
    return Promise.all(
      ['volume', 'durations', 'load', 'staffing', 'hotspots', 'workload'].map(async (name) => [name, (await analyst.get(`/api/v1/stats/${name}?${q}`)).body]),
    ).then(Object.fromEntries);
  };

  it('adds a scripted day of lifecycles up to exactly the expected numbers in every read model', async () => {
    await publish(scriptedLifecycles(A, `${tag}-a`));
    const v = await eventually(
      () => analyst.get(`/api/v1/stats/volume?${range(DAY_A)}`),
      (r) => r.body.total === X.total && r.body.byState?.CLOSED === 1 && r.body.byState?.DISPATCHED === 1 && r.body.byPriority?.P3 === 3,
      30_000,
    );
    expect(v.body).toMatchObject({
      total: X.total,
      byState: X.byState,
      byChannel: X.byChannel,
      byCategory: X.byCategory,
      byPriority: X.byPriority,
      byDistrict: X.byDistrict,
      rejectionReasons: X.rejectionReasons,
      notActionable: X.notActionable,
    });
    const d = (await analyst.get(`/api/v1/stats/durations?${range(DAY_A)}`)).body.measures;
    expect(d.find((m: any) => m.measure === 'received_to_claimed')).toMatchObject({ ...X.receivedToClaimed, withinTargetShare: X.receivedToClaimedWithin });
    expect(d.find((m: any) => m.measure === 'received_to_assigned')).toMatchObject(X.receivedToAssigned);
    const w = (await analyst.get(`/api/v1/stats/workload?${range(DAY_A)}`)).body;
    for (const [id, expected] of Object.entries(X.operators)) expect(w.operators.find((o: any) => o.operatorId === id)).toMatchObject(expected);
    for (const [id, expected] of Object.entries(X.units)) expect(w.units.find((u: any) => u.unitId === id)).toMatchObject(expected);
    const l = (await analyst.get(`/api/v1/stats/load?${range(DAY_A)}`)).body;
    expect(Object.fromEntries(l.arrivalsByHourOfDay.filter((h: any) => h.arrivals).map((h: any) => [h.hour, h.arrivals]))).toEqual(X.arrivalsByHourOfDayWib);
    expect(l.timeZone).toBe('Asia/Jakarta');
    const s = (await analyst.get(`/api/v1/stats/staffing?${range(DAY_A)}&share=0.8&withinSeconds=20`)).body;
    expect(s.serviceLevel).toEqual({ share: 0.8, withinSeconds: 20 });
    expect(s.hours[8]).toMatchObject({ arrivalsPerHour: 3, operatorsActive: 2 });
    const h = (await analyst.get(`/api/v1/stats/hotspots?${range(DAY_A)}&top=3`)).body;
    expect(h.byDistrict.find((x: any) => x.district === 'CILANDAK')).toMatchObject({ total: 2, byCategory: { KEBAKARAN: 2 } });
  });

  it('gives the same numbers for events delivered twice, and for another copy delivered topic by topic in reverse', async () => {
    const before = await everyTable(DAY_A);
    await publish(scriptedLifecycles(A, `${tag}-a`)); // redelivered: the same streams and versions again
    const copy = scriptedLifecycles(B, `${tag}-b`);
    const byTopic = (topic: string) => copy.filter((x) => x.topic === topic);
    await publish([...byTopic('callcenter.dispatch.events.v1'), ...byTopic('callcenter.triage.events.v1'), ...byTopic('callcenter.intake.events.v1')]);
    await eventually(
      () => analyst.get(`/api/v1/stats/volume?${range(DAY_B)}`),
      (r) => r.body.total === 8 && r.body.byState?.CLOSED === 1,
      30_000,
    );
    // the redelivered copy passes through too, and changes nothing
    expect(
      await holdsFor(
        () => everyTable(DAY_A),
        (tables) => isDeepStrictEqual(tables, before),
        500,
        250,
      ),
    ).toEqual(before);
    const b = await everyTable(DAY_B);
    // The copy happened on another day: the same numbers, under its own date.
    const undated = (v: { overTime: { day: string }[] }) => ({ ...v, overTime: v.overTime.map(({ day: _day, ...counts }) => counts) });
    expect(b.volume.overTime.map((d: { day: string }) => d.day)).not.toEqual(before.volume.overTime.map((d: { day: string }) => d.day));
    expect(undated(b.volume)).toEqual(undated(before.volume));
    expect(b.durations).toEqual(before.durations);
    expect(b.workload).toEqual(before.workload);
  });

  it('keeps an audit timeline per report from every service, without reporter identity', async () => {
    const script = scriptedLifecycles(A, `${tag}-a`);
    const r7 = script.find((x) => x.event.type === 'DispatchOverdue')!.event.data as { reportId: string };
    const { status, body } = await analyst.get(`/api/v1/reports/${r7.reportId}/timeline`);
    expect(status).toBe(200);
    expect(body.events.map((e: any) => e.type)).toEqual([
      'ReportReceived',
      'TriageCaseOpened',
      'TriageOverdue',
      'ReportClaimed',
      'ReportReleased',
      'ReportReassigned',
      'ReportClassified',
      'ReportForwardedForDispatch',
      'IncidentOpened',
      'DispatchOverdue',
      'UnitAssigned',
    ]);
    expect(body.events[5]).toMatchObject({ actor: 'spv-rina', producer: 'triage', atLocal: expect.stringMatching(/\+07:00$/) });
    const text = JSON.stringify(body);
    expect(text).not.toContain('Siti Aminah');
    expect(text).not.toContain('+6281234567890');
    expect(text).not.toContain('caller-ref-secret');
    expect((await analyst.get('/api/v1/reports/00000000-0000-4000-8000-000000000000/timeline')).status).toBe(404);
  });

  it('exports every table as CSV', async () => {
    for (const name of ['volume', 'durations', 'load', 'staffing', 'hotspots', 'workload']) {
      const res = await fetch(`${ANALYTICS}/api/v1/stats/${name}?${range(DAY_A)}&format=csv`, {
        headers: { authorization: `Bearer ${testToken('an-dewi', ['analyst'])}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await res.text()).trim().split('\r\n');
      expect(lines.length).toBeGreaterThan(1);
    }
    const volume = await (
      await fetch(`${ANALYTICS}/api/v1/stats/volume?${range(DAY_A)}&format=csv`, { headers: { authorization: `Bearer ${testToken('an-dewi', ['analyst'])}` } })
    ).text();
    expect(volume).toContain('state,CLOSED,1');
  });

  it('rebuilds every read model from offset 0 into a new generation that equals the live one; queries answer meanwhile', async () => {
    const live = await everyTable(DAY_A);
    const { body: before } = await admin.get('/api/v1/admin/rebuild');
    const started = await admin.post('/api/v1/admin/rebuild');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ generation: before.currentGeneration + 1, state: 'RUNNING' });
    // while it runs, queries answer from the current generation, complete
    expect((await analyst.get(`/api/v1/stats/volume?${range(DAY_A)}`)).body).toEqual(live.volume);
    const again = await admin.post('/api/v1/admin/rebuild');
    if (again.status === 409) expect(again.body.rule).toBe('REBUILD_RUNNING');
    const done = await eventually(
      () => admin.get('/api/v1/admin/rebuild'),
      (r) => r.body.rebuild?.state === 'SWITCHED' && r.body.rebuild.generation === started.body.generation,
      60_000,
    );
    expect(done.body.currentGeneration).toBe(started.body.generation);
    expect(done.body.rebuild.done).toBeGreaterThanOrEqual(80);
    expect(await everyTable(DAY_A)).toEqual(live);
    const generations = await spec.database('analytics').collection('analytics_generations').find({}).toArray();
    expect(generations.map((g) => g._id)).toContain(started.body.generation);
  });

  it('places a backlog by when it happened with basis=occurred, keeps load on receipt, and names the basis (issue 18)', async () => {
    // Three reports of the three days before C, delivered by a gateway within a minute on day C.
    const C = dayOf(SEED + 800);
    const flushed = Date.parse(`${C}T03:00:00Z`);
    const backlog = [3, 2, 1].flatMap((daysBefore, i) => {
      const reportId = randomUUID();
      const at = new Date(flushed + i * 20_000).toISOString();
      const occurredAt = new Date(flushed - daysBefore * 86_400_000).toISOString();
      const location = { latitude: -6.2265, longitude: 106.8519 };
      const recordedAs = { streamId: reportId, streamVersion: 1, actor: 'sms-gateway', at: new Date(at), correlationId: `backlog-${tag}` };
      return [
        {
          topic: TOPICS.intake,
          event: envelopeOf(
            ReportReceived,
            {
              reportId,
              trackingCode: 'BBBBB-BBBBB',
              sourceSystem: 'sms-gateway',
              externalId: `${tag}-backlog-${i}`,
              channel: 'SMS',
              reporter: { name: null, phone: null, anonymous: true },
              categoryHint: null,
              description: 'laporan tertunda',
              location: { ...location, address: null, district: null },
              occurredAt,
              peopleInjured: 0,
              peopleInvolved: 1,
              receivedAt: at,
            },
            { ...recordedAs, producer: 'intake' },
          ),
        },
        {
          topic: TOPICS.triage,
          event: envelopeOf(
            TriageCaseOpened,
            openedCaseData({
              reportId,
              trackingCode: 'BBBBB-BBBBB',
              receivedAt: at,
              occurredAt,
              description: 'laporan tertunda',
              location: { ...location, address: null, reportedDistrict: null },
            }),
            { ...recordedAs, producer: 'triage' },
          ),
        },
      ];
    });
    await publish(backlog);
    const dayC = window(C);
    const received = await eventually(
      () => analyst.get(`/api/v1/stats/volume?${range(dayC)}`),
      (r) => r.body.total === 3,
      30_000,
    );
    expect(received.body.basis).toBe('received');
    const twoDaysBefore = window(dayOf(SEED + 798));
    const basisHeader = async (path: string) =>
      (await fetch(`${ANALYTICS}/api/v1/${path}`, { headers: { authorization: `Bearer ${testToken('an-dewi', ['analyst'])}` } })).headers.get('x-time-basis');
    const occurred = await analyst.get(`/api/v1/stats/volume?${range(twoDaysBefore)}&basis=occurred`);
    expect(await basisHeader(`stats/volume?${range(twoDaysBefore)}&basis=occurred&format=csv`)).toBe('occurred');
    expect({ basis: occurred.body.basis, total: occurred.body.total }).toEqual({ basis: 'occurred', total: 1 });
    expect((await analyst.get(`/api/v1/stats/volume?${range(twoDaysBefore)}`)).body.total).toBe(0);
    const drill = await analyst.get(`/api/v1/reports?${range(twoDaysBefore)}&basis=occurred`);
    expect({ basis: drill.body.basis, total: drill.body.total }).toEqual({ basis: 'occurred', total: 1 });
    // Load and staffing are the centre's work: by receipt only, and a basis is refused, naming the field.
    const load = await analyst.get(`/api/v1/stats/load?${range(dayC)}`);
    expect(await basisHeader(`stats/load?${range(dayC)}`)).toBe('received');
    expect(load.body.basis).toBe('received');
    for (const path of ['stats/load', 'stats/staffing', 'stats/volume?format=json']) {
      const refused = await analyst.get(`/api/v1/${path}${path.includes('?') ? '&' : '?'}basis=${path.startsWith('stats/volume') ? 'later' : 'occurred'}`);
      expect(refused.status).toBe(400);
      expect(refused.body.violations.map((v: any) => v.field)).toEqual(['basis']);
    }
  });

  it('validates filters and checks roles: analysts and commanders read, only admins rebuild', async () => {
    const bad = await analyst.get('/api/v1/stats/volume?from=yesterday&priority=P9&district=tebet');
    expect(bad.status).toBe(400);
    expect(bad.body.violations.map((v: any) => v.field).sort()).toEqual(['district', 'from', 'priority']);
    const backwards = await analyst.get(`/api/v1/stats/volume?from=${encodeURIComponent(DAY_A.to)}&to=${encodeURIComponent(DAY_A.from)}`);
    expect(backwards.status).toBe(400);
    expect((await analyst.get('/api/v1/stats/volume?format=xml')).status).toBe(400);
    expect((await restClient(ANALYTICS).get('/api/v1/stats/volume')).status).toBe(401);
    expect((await restClient(ANALYTICS, testToken('op-1', ['operator'])).get('/api/v1/stats/volume')).status).toBe(403);
    expect((await restClient(ANALYTICS, testToken('cmd-1', ['commander'])).get('/api/v1/stats/volume')).status).toBe(200);
    expect((await analyst.post('/api/v1/admin/rebuild')).status).toBe(403);
  });
});
