import * as os from 'node:os';
import { incidentIdFor } from '@callcenter/contracts';
import { toKafkaMessage, TOPICS } from '@callcenter/events';
import { consumerGroupCaughtUp, eventually, reportForwarded, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

const HTTP = 14211;
const DISPATCH = `http://127.0.0.1:${HTTP}`;
const TRAFFIC_MS = 35_000;
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];
const spot = () => ({ latitude: -6.3 + Math.random() * 0.08, longitude: 106.78 + Math.random() * 0.06 });

/**
 * The dispatch board at a past moment (issue 17): units' statuses and positions and the open
 * incidents, as GET /units and GET /incidents showed them then, rebuilt from the dispatch log.
 */
describe('time travel over the dispatch board (real Kafka and database, dispatch as a process)', () => {
  // Acknowledgement times out in 6 s, so the timers act during the run too.
  const env = {
    DISPATCH_ACK_TIMEOUT_SECONDS: '6',
    DISPATCH_TIMER_INTERVAL_MS: '200',
    DISPATCH_LIVE_LOOKBACK_MINUTES: '1',
    AUDIT_CHECKPOINT_SECONDS: '10',
    AUDIT_CHECKPOINT_SETTLE_SECONDS: '2',
  };
  const spec = servicesForSpec('e2e_ttb', { dispatch: HTTP }, { env, producer: true });
  const dispatcher = restClient(DISPATCH, testToken('dsp-andi', ['dispatcher']));
  const supervisor = restClient(DISPATCH, testToken('spv-rina', ['supervisor']));
  const unitClient = (unitId: string) => restClient(DISPATCH, testToken(`unit:${unitId}`, ['unit']));
  const units: string[] = [];
  const incidents = new Set<string>();

  /** A report forwarded by triage, as it arrives on the triage topic; waits for its incident on the board. */
  async function newIncident(): Promise<void> {
    const event = reportForwarded(pick(['P2', 'P3']), spot(), { category: 'KEJAHATAN', description: 'Pencurian motor di parkiran' });
    await spec.producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(event)] });
    const id = incidentIdFor((event.data as { reportId: string }).reportId);
    incidents.add(id);
    await eventually(
      () => dispatcher.get(`/api/v1/incidents/${id}`),
      (r) => r.status === 200,
      30_000,
    );
  }

  /** One step of a unit's or a dispatcher's work on our incidents. */
  async function act(): Promise<void> {
    const open = (await dispatcher.get('/api/v1/incidents?limit=200')).body.items.filter((i: any) => incidents.has(i.incidentId));
    const board = (await dispatcher.get('/api/v1/units')).body.items.filter((u: any) => units.includes(u.unitId));
    const incident = pick(open) as any;
    if (!incident) return;
    const path = `/api/v1/incidents/${incident.incidentId}`;
    const unitId = incident.assignment?.unitId;
    if (incident.status === 'AWAITING_UNIT') {
      const free = board.filter((u: any) => u.status === 'AVAILABLE');
      if (free.length) await dispatcher.post(`${path}/assign`, { unitId: (pick(free) as any).unitId });
    } else if (incident.status === 'ASSIGNED' && Math.random() < 0.6) await unitClient(unitId).post(`${path}/acknowledge`);
    else if (incident.status === 'ACKNOWLEDGED') await unitClient(unitId).post(`${path}/en-route`);
    else if (incident.status === 'EN_ROUTE') await unitClient(unitId).post(`${path}/arrive`);
    else if (incident.status === 'ON_SCENE') await unitClient(unitId).post(`${path}/resolve`, { outcome: 'HANDLED_ON_SCENE', summary: 'Ditangani di lokasi' });
    else if (incident.status === 'RESOLVED') await dispatcher.post(`${path}/close`);
  }

  const live = async () => {
    const [u, i] = await Promise.all([dispatcher.get('/api/v1/units'), dispatcher.get('/api/v1/incidents?limit=200')]);
    return { units: u.body.items.filter((x: any) => units.includes(x.unitId)), incidents: i.body.items.filter((x: any) => incidents.has(x.incidentId)) };
  };
  /** What a moment fixes: everything but the incidents' age, which counts up to the second the list was taken. */
  const fixed = (view: { units: any[]; incidents: any[] }) => ({ units: view.units, incidents: view.incidents.map(({ ageSeconds, ...rest }) => rest) });

  it('answers, for moments captured from the live board, the same units (status, position, incident) and open incidents', async () => {
    for (let k = 0; k < 4; k++) {
      const callSign = `TT-${uniqueName('U').split('-')[1].toUpperCase()}`;
      expect((await dispatcher.post('/api/v1/units', { callSign, type: 'PATROL_CAR', capabilities: [], homeDistrict: 'CILANDAK', onShift: true })).status).toBe(
        201,
      );
      // One position a unit: the trail keeps one report per unit and minute.
      expect((await unitClient(callSign).post(`/api/v1/units/${callSign}/status`, spot())).status).toBe(200);
      units.push(callSign);
    }
    const captured: { at: string; view: ReturnType<typeof fixed> }[] = [];
    // Each phase says how long it took, so a slow run shows where its time went.
    let phaseStart = Date.now();
    const phase = (what: string) => {
      process.stdout.write(`[board time travel] ${what} in ${((Date.now() - phaseStart) / 1000).toFixed(1)} s\n`);
      phaseStart = Date.now();
    };
    const until = Date.now() + TRAFFIC_MS;
    while (Date.now() < until) {
      if (Math.random() < 0.25) await newIncident();
      else await act();
      if (Math.random() < 0.35) {
        // The board between two quiet moments: the same before and after, so it stood so at `at`.
        const before = fixed(await live());
        const at = new Date().toISOString();
        const after = fixed(await live());
        if (JSON.stringify(before) === JSON.stringify(after)) captured.push({ at, view: after });
      }
      await new Promise((r) => setTimeout(r, Math.random() * 300));
    }
    phase(`traffic: ${captured.length} moments captured`);
    await consumerGroupCaughtUp(spec.kafka, 'dispatch-audit-timeline', [TOPICS.dispatch]);
    phase('the audit timeline caught up');
    // The position trail reads the stored positions every 15 s.
    await new Promise((r) => setTimeout(r, 16_000));

    expect(captured.length).toBeGreaterThan(10);
    const statuses = new Set(captured.flatMap((c) => c.view.incidents.map((i: any) => i.status)));
    expect(statuses.size).toBeGreaterThan(2);
    let fromCheckpoint = 0;
    let inFlight = 0;
    let looks = 0;
    const boardAt = async (at: string) => {
      const past = await supervisor.get(`/api/v1/audit/board?at=${encodeURIComponent(at)}`);
      looks++;
      expect(past.status).toBe(200);
      const then = fixed({
        units: past.body.units.items.filter((u: any) => units.includes(u.unitId)),
        incidents: past.body.incidents.items.filter((i: any) => incidents.has(i.incidentId)),
      });
      return { then, checkpoint: past.body.rebuiltFrom.checkpoint };
    };
    for (const { at, view } of captured) {
      const { then, checkpoint } = await boardAt(at);
      if (checkpoint) fromCheckpoint++;
      if (JSON.stringify(then) === JSON.stringify(view)) continue;
      // The one allowed difference: an event stored (recordedAt ≤ at) whose write had not yet been
      // acknowledged when the live board was read, so the board showed it only later (a timer's
      // append under load). Each unit or incident it touched must then read, on the live board, as
      // that row stood a little earlier (its own earlier row: what dispatchers did to other rows in
      // between stays), and every other row must be the same, in the same order.
      const rows = (view: typeof then): [string, string][] => [
        ...view.units.map((u: any): [string, string] => [`unit ${u.unitId}`, JSON.stringify(u)]),
        ...view.incidents.map((i: any): [string, string] => [`incident ${i.incidentId}`, JSON.stringify(i)]),
      ];
      const seen = new Map(rows(view));
      const audited = new Map(rows(then));
      const differing = [...new Set([...seen.keys(), ...audited.keys()])].filter((key) => seen.get(key) !== audited.get(key));
      const unexplained = new Set(differing);
      for (const ms of [50, 250, 1_000, 3_000, 5_000]) {
        const earlier = new Map(rows((await boardAt(new Date(Date.parse(at) - ms).toISOString())).then));
        for (const key of [...unexplained]) if (earlier.get(key) === seen.get(key)) unexplained.delete(key);
        if (unexplained.size === 0) break;
      }
      const only = (view: typeof then, keep: (key: string) => boolean) => rows(view).filter(([key]) => keep(key));
      if (unexplained.size > 0) console.log(`board time travel: ${unexplained.size} row(s) differ at ${at} (load average ${os.loadavg()[0].toFixed(1)})`);
      // On failure the diff is the one at `at` itself, restricted to the rows no earlier moment explains.
      expect({ at, rows: only(then, (key) => unexplained.has(key)) }).toEqual({ at, rows: only(view, (key) => unexplained.has(key)) });
      expect(only(then, (key) => !differing.includes(key))).toEqual(only(view, (key) => !differing.includes(key)));
      expect(differing.length).toBeLessThanOrEqual(2);
      inFlight++;
    }
    phase(`${looks} looks at the past`);
    console.log(
      `board time travel: ${captured.length} moments compared, ${fromCheckpoint} rebuilt from a checkpoint, ${inFlight} with an append in flight (load average ${os.loadavg()[0].toFixed(1)})`,
    );
    expect(inFlight).toBeLessThanOrEqual(2);
    expect(fromCheckpoint).toBeGreaterThan(captured.length / 2);

    expect((await dispatcher.get(`/api/v1/audit/board?at=${encodeURIComponent(new Date().toISOString())}`)).status).toBe(403);
    const views = await spec
      .database('dispatch')
      .collection('event_commits')
      .countDocuments({ 'events.type': 'PastStateViewed', 'events.data.view': 'BOARD', 'events.actor': 'spv-rina' });
    expect(views).toBe(looks);
  }, 300_000);
});
