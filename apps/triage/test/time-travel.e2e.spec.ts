import * as os from 'node:os';
import { TOPICS } from '@callcenter/events';
import { consumerGroupCaughtUp, eventually, grpcCall, restClient, sampleReport, servicesForSpec, testToken } from '@callcenter/testing';

const INTAKE_HTTP = 14200;
const INTAKE_GRPC = 14250;
const TRIAGE_HTTP = 14201;
const TRIAGE = `http://127.0.0.1:${TRIAGE_HTTP}`;
/** The simulated stretch of traffic (a compressed hour: short targets and leases make the timers act in it). */
const TRAFFIC_MS = 50_000;

/** Reports of several kinds, so priorities, lanes and the overdue flag all move. */
const KINDS = [
  { category_hint: 'GANGGUAN_KETERTIBAN', description: 'Tetangga berisik memutar musik keras sampai larut malam', people_injured: 0 },
  { category_hint: 'KECELAKAAN_LALU_LINTAS', description: 'Tabrakan motor dan mobil di perempatan, satu orang luka ringan', people_injured: 1 },
  { category_hint: 'KEJAHATAN', description: 'Motor saya dicuri di depan minimarket tadi sore', people_injured: 0 },
  { category_hint: 'INFORMASI_PENGADUAN', description: 'Lampu jalan mati sudah seminggu di gang kami', people_injured: 0 },
];
const CATEGORIES = ['GANGGUAN_KETERTIBAN', 'KECELAKAAN_LALU_LINTAS', 'KEJAHATAN', 'INFORMASI_PENGADUAN'];
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];
const phone = () => `+62813${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

describe('time travel (issue 17): the audit API answers the live queue of any past moment', () => {
  const env = {
    // Short targets and leases: cases go overdue (by the clock and by TriageOverdue) and claims lapse during the run.
    PRIORITY_TARGETS: 'P1=8/180/900,P2=15/600/1800,P3=30/1800/3600,P4=45/-/-',
    TRIAGE_CLAIM_LEASE_SECONDS: '10',
    TRIAGE_TIMER_INTERVAL_MS: '200',
    TRIAGE_DUPLICATE_WINDOW_MINUTES: '1',
    TRIAGE_LIVE_LOOKBACK_MINUTES: '1',
    // Checkpoints every 10 s of event time, so most moments are rebuilt from one plus the events after it.
    AUDIT_CHECKPOINT_SECONDS: '10',
    AUDIT_CHECKPOINT_SETTLE_SECONDS: '2',
  };
  const spec = servicesForSpec('e2e_tt', { intake: INTAKE_HTTP, triage: TRIAGE_HTTP }, { env, intakeGrpc: INTAKE_GRPC });

  const operators = ['op-budi', 'op-sari', 'op-dewi'].map((id) => ({ id, api: restClient(TRIAGE, testToken(id, ['operator'])) }));
  const rina = restClient(TRIAGE, testToken('spv-rina', ['supervisor']));
  const komandan = restClient(TRIAGE, testToken('cmd-agus', ['commander']));
  const ours = new Set<string>();

  /** Submits over gRPC and waits until the live queue shows the case (the case opener applies it as it stores it). */
  async function submit(): Promise<void> {
    const kind = pick(KINDS);
    const location = { latitude: -6.3 + Math.random() * 0.08, longitude: 106.78 + Math.random() * 0.06, address: 'Jl. Raya' };
    const res = await grpcCall<any>(
      spec.grpcIntake,
      'SubmitReport',
      sampleReport({ ...kind, location, reporter: { name: 'Warga', phone: phone(), anonymous: false } }),
    );
    ours.add(res.report_id);
    await eventually(
      () => rina.get(`/api/v1/reports/${res.report_id}`),
      (r) => r.status === 200,
      30_000,
    );
  }

  /** One operator's action on one of our open cases, as the live queue shows them. */
  async function act(): Promise<void> {
    // Paged: the queue may hold other suites' reports ahead of ours (the case opener's group is shared
    // on the broker, so this triage opens what earlier suites left on the intake topic).
    const open: any[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = (await rina.get(`/api/v1/queue?limit=200&offset=${offset}`)).body;
      open.push(...page.items.filter((i: any) => ours.has(i.reportId)));
      if (offset + 200 >= page.total) break;
    }
    if (open.length === 0) return;
    const item = pick(open) as any;
    const holder = operators.find((o) => o.id === item.claim?.operatorId && Date.parse(item.claim.leaseExpiresAt) > Date.now());
    if (!holder) {
      await pick(operators).api.post(`/api/v1/reports/${item.reportId}/claim`);
      return;
    }
    const path = `/api/v1/reports/${item.reportId}`;
    const roll = Math.random();
    if (roll < 0.35) await holder.api.post(`${path}/classify`, { category: pick(CATEGORIES), priority: pick(['P2', 'P3', 'P4']) });
    else if (roll < 0.55)
      await holder.api.post(`${path}/forward`); // 409 until classified: refused, nothing recorded
    else if (roll < 0.65) await holder.api.post(`${path}/release`);
    else if (roll < 0.72) await holder.api.post(`${path}/escalate`, { reason: 'Perlu keputusan supervisor' });
    else if (roll < 0.8) await holder.api.post(`${path}/reject`, { reason: 'INSUFFICIENT_INFORMATION', explanation: 'Lokasi tidak jelas' });
    else if (roll < 0.86) await holder.api.post(`${path}/advice`, { advice: 'Silakan lapor ke RT setempat' });
    else await holder.api.post(`${path}/notes`, { text: 'Pelapor dihubungi kembali' });
  }

  const QUERIES = ['', 'status=IN_TRIAGE', 'priority=P2,P3', 'overdue=true', 'claimedBy=op-sari', 'status=QUEUED,ESCALATED&overdue=false'];
  const oursOf = (items: any[]) => items.filter((i) => ours.has(i.reportId));

  it('answers, for moments captured from the live queue during the traffic, exactly the cases, order and states the live queue showed', async () => {
    const captured: { query: string; at: string; items: any[] }[] = [];
    for (let k = 0; k < 6; k++) await submit();
    const until = Date.now() + TRAFFIC_MS;
    while (Date.now() < until) {
      const roll = Math.random();
      if (roll < 0.25) await submit();
      else await act();
      if (Math.random() < 0.3) {
        const query = pick(QUERIES);
        const live = await rina.get(`/api/v1/queue?limit=200${query ? `&${query}` : ''}`);
        expect(live.status).toBe(200);
        captured.push({ query, at: live.body.at, items: oursOf(live.body.items) });
      }
      await new Promise((r) => setTimeout(r, Math.random() * 300));
    }
    // The timeline is fed by its own consumer of the triage topic: let it read what was written.
    await consumerGroupCaughtUp(spec.kafka, 'triage-audit-timeline', [TOPICS.triage]);

    expect(captured.length).toBeGreaterThan(15);
    expect(captured.filter((c) => c.items.length > 0).length).toBeGreaterThan(10);
    const seen = captured.flatMap((c) => c.items);
    // The stretch exercised what the audit must reproduce: claims, classifications, overdue cases.
    expect(seen.some((i) => i.status === 'IN_TRIAGE' && i.claim)).toBe(true);
    expect(seen.some((i) => i.classified)).toBe(true);
    expect(seen.some((i) => i.overdue)).toBe(true);

    const audit = (query: string, at: string) => rina.get(`/api/v1/audit/queue?limit=200&at=${encodeURIComponent(at)}${query ? `&${query}` : ''}`);
    const rowsAt = async (query: string, at: string) => {
      const past = await audit(query, at);
      expect(past.status).toBe(200);
      return past;
    };
    const byId = (list: any[]) => new Map(list.map((row) => [row.reportId as string, JSON.stringify(row)]));
    const withoutWaiting = ({ waitingSeconds, ...rest }: any) => rest;
    let fromCheckpoint = 0;
    let inFlight = 0;
    for (const { query, at, items } of captured) {
      const past = await rowsAt(query, at);
      expect(past.body.at).toBe(at);
      if (past.body.rebuiltFrom.checkpoint) fromCheckpoint++;
      const then = oursOf(past.body.items);
      if (JSON.stringify(then) === JSON.stringify(items)) continue;
      // The one allowed difference: an event of a background writer (a timer's TriageOverdue or lease
      // expiry) recorded at or before `at` whose insert had not returned when the live list was taken,
      // so the live view showed it a moment later. Each case it touched must then read, in the live
      // list, as that case stood a little earlier (its own earlier rows; the operators' actions on other
      // cases in between stay), and every other case must be the same, in the same order.
      const live = byId(items);
      const audited = byId(then);
      const differing = [...new Set([...live.keys(), ...audited.keys()])].filter((id) => live.get(id) !== audited.get(id));
      const unexplained = new Set(differing);
      for (const ms of [50, 250, 1_000, 3_000, 5_000]) {
        const earlier = byId(oursOf((await rowsAt(query, new Date(Date.parse(at) - ms).toISOString())).body.items).map(withoutWaiting));
        for (const id of [...unexplained]) {
          const liveRow = items.find((row) => row.reportId === id);
          const liveState = liveRow ? JSON.stringify(withoutWaiting(liveRow)) : undefined;
          // The live list lagged behind the log, never the other way round.
          const lagged = !liveRow || !audited.has(id) || liveRow.version < JSON.parse(audited.get(id)!).version;
          if (lagged && earlier.get(id) === liveState) unexplained.delete(id);
        }
        if (unexplained.size === 0) break;
      }
      const others = (list: any[]) => list.filter((row) => !differing.includes(row.reportId));
      // On failure the diff is the one at `at` itself, restricted to the cases no earlier moment explains.
      const unexplainedRows = (list: any[]) => list.filter((row) => unexplained.has(row.reportId));
      if (unexplained.size > 0) console.log(`time travel: ${unexplained.size} case(s) differ at ${at} (load average ${os.loadavg()[0].toFixed(1)})`);
      expect({ query, at, unexplained: unexplainedRows(then) }).toEqual({ query, at, unexplained: unexplainedRows(items) });
      expect(others(then)).toEqual(others(items));
      expect(differing.length).toBeLessThanOrEqual(2);
      inFlight++;
    }
    console.log(
      `time travel: ${captured.length} moments compared, ${fromCheckpoint} rebuilt from a checkpoint, ${inFlight} with an append in flight (load average ${os.loadavg()[0].toFixed(1)})`,
    );
    // Every field was compared: state, claim holder and lease, priority, category, suggestion flags, overdue, waiting, version.
    expect(inFlight).toBeLessThanOrEqual(2);
    // Most moments lie past a checkpoint (every 10 s here): the answers came from checkpoints plus events.
    expect(fromCheckpoint).toBeGreaterThan(captured.length / 2);
  }, 150_000);

  it('shows one case as it stood, 404 before it was received, and records every look (PastStateViewed)', async () => {
    const before = new Date().toISOString();
    await submit();
    const reportId = [...ours].at(-1)!;
    const claimedBy = operators[0];
    await claimedBy.api.post(`/api/v1/reports/${reportId}/claim`);
    const claimed = new Date().toISOString();
    await claimedBy.api.post(`/api/v1/reports/${reportId}/classify`, { category: 'KEJAHATAN', priority: 'P2' });

    expect((await rina.get(`/api/v1/audit/reports/${reportId}?at=${encodeURIComponent(before)}`)).status).toBe(404);
    const then = await komandan.get(`/api/v1/audit/reports/${reportId}?at=${encodeURIComponent(claimed)}`);
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({ reportId, status: 'IN_TRIAGE', classified: false, claim: { operatorId: claimedBy.id }, at: claimed });
    expect(then.body.timeline.map((e: any) => e.type)).toEqual(['TriageCaseOpened', 'ReportClaimed']);
    expect(then.body.report.description).toMatch(/\w/); // sealed on the log, opened for the supervisor
    const nowAt = new Date().toISOString();
    const now = await rina.get(`/api/v1/audit/reports/${reportId}?at=${encodeURIComponent(nowAt)}`);
    expect(now.body).toMatchObject({ classified: true, category: 'KEJAHATAN', priority: 'P2' });

    const views = await spec
      .database('triage')
      .collection('event_commits')
      .find({ 'events.type': 'PastStateViewed', 'events.data.reportId': reportId })
      .toArray();
    // Looks that showed something, in order; the one that found nothing yet (404) showed nothing.
    expect(
      views
        .flatMap((c) => c.events)
        .map((e: any) => ({ actor: e.actor, data: e.data }))
        .sort((a, b) => a.data.at.localeCompare(b.data.at)),
    ).toEqual([
      { actor: 'cmd-agus', data: { view: 'REPORT', at: claimed, reportId, filter: null } },
      { actor: 'spv-rina', data: { view: 'REPORT', at: nowAt, reportId, filter: null } },
    ]);
    const queueViews = await spec
      .database('triage')
      .collection('event_commits')
      .countDocuments({ 'events.type': 'PastStateViewed', 'events.data.view': 'QUEUE', 'events.actor': 'spv-rina' });
    expect(queueViews).toBeGreaterThan(15);
  });

  it('refuses operators, a malformed or missing time (naming `at`) and a time to come', async () => {
    const at = encodeURIComponent(new Date().toISOString());
    expect((await operators[0].api.get(`/api/v1/audit/queue?at=${at}`)).status).toBe(403);
    const admin = restClient(TRIAGE, testToken('adm-tono', ['admin']));
    expect((await admin.get(`/api/v1/audit/queue?at=${at}`)).status).toBe(200);
    for (const bad of ['', 'at=kemarin', 'at=2026-02-30T10:00:00Z', 'at=2026-11-28T10:00:00']) {
      const res = await rina.get(`/api/v1/audit/queue?${bad}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('at must be an ISO-8601 time');
    }
    const future = await rina.get(`/api/v1/audit/queue?at=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body)).toContain('at must not be in the future');
  });
});
