import { EventEnvelope, fromKafkaMessage, TOPICS } from '@callcenter/events';
import { eventually, grpcCall, holdsFor, readTopic, restClient, sampleReport, servicesForSpec, testToken } from '@callcenter/testing';

const INTAKE_HTTP = 13011;
const INTAKE_GRPC = 15061;
const TRIAGE_HTTP = 13012;
const LEASE_SECONDS = 6;
const TRIAGE = `http://127.0.0.1:${TRIAGE_HTTP}`;

const phone = () => `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
/** Somewhere in the jurisdiction, far enough from other tests' reports not to look like their duplicates. */
const somewhere = () => ({
  latitude: -6.33 + Math.random() * 0.1,
  longitude: 106.76 + Math.random() * 0.09,
  address: 'Jl. Raya',
});

/** Non-urgent by default (P3 has a 10-minute triage target here), so timers stay out of the way. */
function nonUrgent(overrides: Record<string, unknown> = {}) {
  return sampleReport({
    category_hint: 'GANGGUAN_KETERTIBAN',
    description: 'Tetangga berisik memutar musik keras sampai larut malam',
    reporter: { name: 'Budi Santoso', phone: phone(), anonymous: false },
    location: somewhere(),
    people_injured: 0,
    ...overrides,
  });
}

describe('triage service (real Kafka and database, intake and triage as processes)', () => {
  const env = {
    // P2 must be triaged within 3 s here, so the overdue timer can be seen firing (P1 is left long:
    // the shared test topics hold many fire reports from other tests, which would all go overdue).
    PRIORITY_TARGETS: 'P1=600/180/900,P2=3/600/1800,P3=600/1800/3600,P4=1800/-/-',
    TRIAGE_CLAIM_LEASE_SECONDS: String(LEASE_SECONDS),
    TRIAGE_TIMER_INTERVAL_MS: '200',
  };
  const spec = servicesForSpec('e2e', { intake: INTAKE_HTTP, triage: TRIAGE_HTTP }, { env, intakeGrpc: INTAKE_GRPC });

  const budi = restClient(TRIAGE, testToken('op-budi', ['operator']));
  const sari = restClient(TRIAGE, testToken('op-sari', ['operator']));
  const rina = restClient(TRIAGE, testToken('spv-rina', ['supervisor']));

  /** Every triage event of a report, from triage's own event store. */
  async function storedEvents(reportId: string): Promise<EventEnvelope[]> {
    const commits = await spec.database('triage').collection('event_commits').find({ streamId: reportId }).toArray();
    return commits.sort((a, b) => a.base - b.base).flatMap((c) => c.events as EventEnvelope[]);
  }

  /** Reports this file submitted: the shared test topics may hold others'. */
  const ours = new Set<string>();

  async function submit(report = nonUrgent()): Promise<string> {
    const res = await grpcCall<any>(spec.grpcIntake, 'SubmitReport', report);
    ours.add(res.report_id);
    return res.report_id;
  }

  /** Submits and waits until triage shows the case. */
  async function submitToQueue(report = nonUrgent()): Promise<any> {
    const reportId = await submit(report);
    const found = await eventually(
      () => budi.get(`/api/v1/reports/${reportId}`),
      (r) => r.status === 200,
      30_000,
    );
    return found.body;
  }

  const reporterStatus = (reportId: string) => grpcCall<any>(spec.grpcIntake, 'GetReportStatus', { report_id: reportId });

  it('puts a report submitted over gRPC in the queue with suggestions, and the reporter for the operator holding it', async () => {
    const reportId = await submit(
      sampleReport({
        category_hint: undefined,
        description: 'Tolong, ada kebakaran rumah di Jl. Tebet Raya, asap tebal, dua orang luka',
        reporter: { name: 'Siti Aminah', phone: phone(), anonymous: false },
        location: { latitude: -6.2297, longitude: 106.8532, address: 'Jl. Tebet Raya 12' },
        people_injured: 2,
      }),
    );
    // Other tests' fire reports share the lane: look through every page.
    const findInQueue = async () => {
      for (let offset = 0; ; offset += 200) {
        const page = await budi.get(`/api/v1/queue?category=KEBAKARAN&district=TEBET&limit=200&offset=${offset}`);
        const found = page.body.items?.find((i: any) => i.reportId === reportId);
        if (found || !page.body.items?.length) return found;
      }
    };
    const item = await eventually(findInQueue, (found) => !!found, 30_000);
    expect(item).toMatchObject({ status: 'QUEUED', priority: 'P1', category: 'KEBAKARAN', classified: false, district: 'TEBET', channel: 'MOBILE_APP' });

    const { status, body } = await budi.get(`/api/v1/reports/${reportId}`);
    expect(status).toBe(200);
    expect(body.suggestion).toMatchObject({ category: 'KEBAKARAN', priority: 'P1', lowTrust: { flagged: false } });
    expect(body.suggestion.reasons.join(' ')).toMatch(/kebakaran|asap/i);
    expect(body.suggestion.reasons.join(' ')).toMatch(/injured/);
    // The learnt model (issue 18): its likeliest categories, the words that weighed, its version on the event.
    expect(body.suggestion.categories[0]).toMatchObject({ category: 'KEBAKARAN', score: expect.any(Number) });
    expect(body.suggestion.words.join(' ')).toMatch(/kebakaran|asap|rumah/i);
    expect((await storedEvents(reportId))[0].data).toMatchObject({ suggestionModel: expect.stringMatching(/^\d{8}-[0-9a-f]{12}$/) });
    // Personal data: the reporter is shown to the operator holding the case, not to every operator,
    // and only through its own endpoint, which records each view.
    expect(body.report.description).toContain('kebakaran rumah'); // sealed on Kafka, opened for the operator
    expect(body).toMatchObject({ reporter: null, reporterVisible: false });
    expect((await budi.get(`/api/v1/reports/${reportId}/reporter`)).status).toBe(403);
    expect(body.timeline[0]).toMatchObject({ version: 1, type: 'TriageCaseOpened', actor: 'system' });
    expect((await budi.post(`/api/v1/reports/${reportId}/claim`)).status).toBe(200);
    expect((await budi.get(`/api/v1/reports/${reportId}`)).body).toMatchObject({ reporter: null, reporterVisible: true });
    const shown = await budi.get(`/api/v1/reports/${reportId}/reporter`);
    expect(shown.body).toEqual({ reportId, name: 'Siti Aminah', phone: expect.stringMatching(/^\+62812/) });
    const views = await spec
      .database('triage')
      .collection('event_commits')
      .find({ 'events.type': 'ReporterIdentityViewed', 'events.data.reportId': reportId })
      .toArray();
    expect(views.flatMap((c) => c.events)).toEqual([
      expect.objectContaining({ type: 'ReporterIdentityViewed', actor: 'op-budi', data: { reportId, basis: 'CLAIM_HOLDER' } }),
    ]);
    await budi.post(`/api/v1/reports/${reportId}/release`);
  });

  it('claim → classify → forward: each step an event with the operator as actor, forwarded on Kafka, shown to the reporter', async () => {
    const opened = await submitToQueue();
    const id = opened.reportId;
    const claimed = await budi.post(`/api/v1/reports/${id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'IN_TRIAGE', claim: { operatorId: 'op-budi' }, version: 2 });
    await eventually(
      () => reporterStatus(id),
      (s) => s.state === 'IN_TRIAGE',
      20_000,
    );

    const classified = await budi.post(`/api/v1/reports/${id}/classify`, { category: 'GANGGUAN_KETERTIBAN', priority: 'P3', district: 'CILANDAK' });
    expect(classified.status).toBe(200);
    expect(classified.body).toMatchObject({ classified: true, category: 'GANGGUAN_KETERTIBAN', priority: 'P3', district: 'CILANDAK', version: 3 });

    const forwarded = await budi.post(`/api/v1/reports/${id}/forward`, {}, { 'if-match': '"3"' });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body.status).toBe('FORWARDED');

    const [message] = await readTopic(
      spec.kafka,
      TOPICS.triage,
      (r) => r.length > 0,
      30_000,
      (m) => m.key?.toString() === id && fromKafkaMessage(m).type === 'ReportForwardedForDispatch',
    );
    expect(fromKafkaMessage(message.message)).toMatchObject({
      type: 'ReportForwardedForDispatch',
      streamId: id,
      streamVersion: 4,
      producer: 'triage',
      actor: 'op-budi',
      data: { reportId: id, category: 'GANGGUAN_KETERTIBAN', priority: 'P3', district: 'CILANDAK', trackingCode: opened.trackingCode },
    });
    expect(JSON.stringify(fromKafkaMessage(message.message))).not.toContain('Budi Santoso'); // no reporter identity on the triage topic

    const status = await eventually(
      () => reporterStatus(id),
      (s) => s.state === 'FORWARDED',
      20_000,
    );
    expect(status.timeline.map((s: any) => s.state)).toEqual(['RECEIVED', 'IN_TRIAGE', 'FORWARDED']);
    expect((await storedEvents(id)).map((e) => [e.type, e.actor])).toEqual([
      ['TriageCaseOpened', 'system'],
      ['ReportClaimed', 'op-budi'],
      ['ReportClassified', 'op-budi'],
      ['ReportForwardedForDispatch', 'op-budi'],
    ]);
    // and the case has left the queue
    const queue = await budi.get(`/api/v1/queue?limit=200`);
    expect(queue.body.items.some((i: any) => i.reportId === id)).toBe(false);
  });

  it.each([
    ['reject', { reason: 'PRANK', explanation: 'Penelepon tertawa dan menutup telepon' }, 'REJECTED', 'ReportRejected'],
    ['advice', { advice: 'Silakan laporkan kehilangan ke Polsek terdekat dengan membawa KTP' }, 'ADVICE_GIVEN', 'ReportAdviceGiven'],
  ])('ends with %s: the case closes and the reporter sees a reporter-safe step', async (action, body, state, eventType) => {
    const { reportId } = await submitToQueue();
    expect((await sari.post(`/api/v1/reports/${reportId}/claim`)).status).toBe(200);
    const closed = await sari.post(`/api/v1/reports/${reportId}/${action}`, body);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe(state);
    expect((await storedEvents(reportId)).at(-1)).toMatchObject({ type: eventType, actor: 'op-sari' });
    const status = await eventually(
      () => reporterStatus(reportId),
      (s) => s.state === state,
      20_000,
    );
    const said = JSON.stringify(status);
    expect(said).not.toContain('tertawa'); // the operator's explanation stays internal
    expect(said).not.toContain('op-sari');
    if (action === 'advice') expect(said).toContain('Polsek terdekat'); // advice is addressed to the reporter
  });

  it('ends as a duplicate of an earlier report at the same place, which triage suggested', async () => {
    const place = { ...somewhere(), address: 'Pasar Minggu' };
    const first = await submitToQueue(nonUrgent({ category_hint: 'BENCANA', description: 'Pohon tumbang menutup jalan', location: place }));
    const second = await submitToQueue(
      nonUrgent({ category_hint: 'BENCANA', description: 'Ada pohon tumbang di jalan depan pasar', location: { ...place, latitude: place.latitude + 0.001 } }),
    );
    // Other suites' reports on the shared topics may stand near by chance (a random place, 500 m): ours must be among the candidates.
    expect(second.suggestion.duplicateCandidates).toContainEqual(expect.objectContaining({ reportId: first.reportId, reason: 'NEARBY_SAME_CATEGORY' }));
    expect(second.flags.possibleDuplicates).toBe(second.suggestion.duplicateCandidates.length);

    const flagged = await budi.get(`/api/v1/queue?flagged=true&category=BENCANA&district=${second.district}&limit=200`);
    expect(flagged.body.items.map((i: any) => i.reportId)).toContain(second.reportId);

    await budi.post(`/api/v1/reports/${second.reportId}/claim`);
    const marked = await budi.post(`/api/v1/reports/${second.reportId}/duplicate`, { duplicateOf: first.reportId });
    expect(marked.status).toBe(200);
    expect(marked.body.status).toBe('DUPLICATE');
    await eventually(
      () => reporterStatus(second.reportId),
      (s) => s.state === 'DUPLICATE',
      20_000,
    );
    // the original is untouched
    expect((await budi.get(`/api/v1/reports/${first.reportId}`)).body.status).toBe('QUEUED');

    // A duplicate points at a report someone acts on: not at a duplicate (no chains, no cycles).
    await budi.post(`/api/v1/reports/${first.reportId}/claim`);
    const cycle = await budi.post(`/api/v1/reports/${first.reportId}/duplicate`, { duplicateOf: second.reportId });
    expect(cycle.status).toBe(409);
    expect(cycle.body).toMatchObject({
      code: 'ILLEGAL_STATE',
      rule: 'DUPLICATE_OF_DUPLICATE',
      message: expect.stringContaining(`duplicate of ${first.reportId}`),
    });
    expect((await budi.get(`/api/v1/reports/${first.reportId}`)).body.status).toBe('IN_TRIAGE');
    await budi.post(`/api/v1/reports/${first.reportId}/release`);
  });

  it('lets exactly one of 10 operators claiming at once win; the others get 409 with the current state', async () => {
    const { reportId } = await submitToQueue();
    const operators = Array.from({ length: 10 }, (_, i) => restClient(TRIAGE, testToken(`op-${i}`, ['operator'])));
    const answers = await Promise.all(operators.map((o) => o.post(`/api/v1/reports/${reportId}/claim`)));
    const won = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    const winner = won[0].body.claim.operatorId;
    for (const a of lost) {
      expect(a.body).toMatchObject({ code: 'ILLEGAL_STATE', rule: 'CASE_ALREADY_CLAIMED' });
      expect(a.body.state.claim.operatorId).toBe(winner);
    }
    expect((await storedEvents(reportId)).filter((e) => e.type === 'ReportClaimed')).toHaveLength(1);
  });

  it('refuses illegal transitions with 409 naming the rule, and stale versions with 409', async () => {
    const { reportId } = await submitToQueue();
    expect((await budi.post(`/api/v1/reports/${reportId}/classify`, { category: 'KEJAHATAN', priority: 'P2' })).body).toMatchObject({
      code: 'ILLEGAL_STATE',
      rule: 'CLAIM_REQUIRED',
    });
    await budi.post(`/api/v1/reports/${reportId}/claim`);
    expect((await sari.post(`/api/v1/reports/${reportId}/claim`)).body.rule).toBe('CASE_ALREADY_CLAIMED');
    expect((await budi.post(`/api/v1/reports/${reportId}/forward`)).body).toMatchObject({ rule: 'CLASSIFICATION_REQUIRED' });
    const stale = await budi.post(`/api/v1/reports/${reportId}/classify`, { category: 'KEJAHATAN', priority: 'P2' }, { 'if-match': '1' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CONCURRENCY_CONFLICT', expectedVersion: 1, actualVersion: 2 });

    await budi.post(`/api/v1/reports/${reportId}/reject`, { reason: 'NOT_POLICE_MATTER', explanation: 'Sengketa tanah keluarga, perdata' });
    const forward = await budi.post(`/api/v1/reports/${reportId}/forward`);
    expect(forward.status).toBe(409);
    expect(forward.body).toMatchObject({ code: 'ILLEGAL_STATE', rule: 'CASE_CLOSED', state: { status: 'REJECTED' } });
    expect((await sari.post(`/api/v1/reports/${reportId}/claim`)).body.rule).toBe('CASE_CLOSED');
    expect((await storedEvents(reportId)).map((e) => e.type)).toEqual(['TriageCaseOpened', 'ReportClaimed', 'ReportRejected']);
  });

  it.each([
    ['classify', { category: 'KEJAHATAN', priority: 'P9' }, 'priority'],
    ['classify', { category: 'CRIME', priority: 'P1' }, 'category'],
    ['classify', { category: 'KEJAHATAN', priority: 'P1', district: 'ATLANTIS' }, 'district'],
    ['classify', { category: 'KEJAHATAN', priority: 'P1', sneaky: true }, 'sneaky'],
    ['reject', { reason: 'BORING', explanation: 'x' }, 'reason'],
    ['reject', { reason: 'PRANK', explanation: '   ' }, 'explanation'],
    ['notes', { text: 'x'.repeat(2001) }, 'text'],
    ['duplicate', { duplicateOf: 'not-a-uuid' }, 'duplicateOf'],
    ['duplicate', { duplicateOf: '00000000-0000-4000-8000-000000000000' }, 'duplicateOf'],
    ['escalate', {}, 'reason'],
    ['advice', { advice: 42 }, 'advice'],
  ])('answers a bad %s payload with 400 naming the field (%j) and stores nothing', async (action, body, field) => {
    const { reportId } = await submitToQueue();
    await budi.post(`/api/v1/reports/${reportId}/claim`);
    const res = await budi.post(`/api/v1/reports/${reportId}/${action}`, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.violations.map((v: any) => v.field)).toContain(field);
    expect((await storedEvents(reportId)).map((e) => e.type)).toEqual(['TriageCaseOpened', 'ReportClaimed']);
  });

  it('answers malformed requests, unknown reports and bad queries with 400/404', async () => {
    expect((await budi.get('/api/v1/reports/not-a-uuid')).status).toBe(400);
    expect((await budi.get('/api/v1/reports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await budi.post('/api/v1/reports/00000000-0000-4000-8000-000000000000/claim')).status).toBe(404);
    const badJson = await budi.post('/api/v1/reports/00000000-0000-4000-8000-000000000000/notes', '{"text": ');
    expect(badJson.status).toBe(400);
    const query = await budi.get('/api/v1/queue?priority=P7&limit=500&flagged=maybe');
    expect(query.status).toBe(400);
    expect(query.body.violations.map((v: any) => v.field).sort()).toEqual(['flagged', 'limit', 'priority']);
  });

  it('authenticates every route: no or bad token 401, wrong role 403', async () => {
    const path = '/api/v1/queue';
    expect((await restClient(TRIAGE).get(path)).status).toBe(401);
    expect((await restClient(TRIAGE, 'not.a.jwt').get(path)).status).toBe(401);
    expect((await restClient(TRIAGE, testToken('op-x', ['operator'], 'some-other-secret-of-32-chars!!')).get(path)).status).toBe(401);
    expect((await restClient(TRIAGE, testToken('an-x', ['analyst'])).get(path)).status).toBe(403);
    expect((await restClient(TRIAGE, testToken('dsp-x', ['dispatcher'])).post('/api/v1/reports/00000000-0000-4000-8000-000000000000/claim')).status).toBe(403);
    expect((await budi.get('/api/v1/supervisor/stats')).status).toBe(403);
    expect((await budi.post('/api/v1/reports/00000000-0000-4000-8000-000000000000/reassign', { operatorId: 'op-sari' })).status).toBe(403);
    expect((await rina.get('/api/v1/supervisor/stats')).status).toBe(200);
  });

  it('escalates to a supervisor, who reassigns to another operator; supervisors see queue statistics', async () => {
    const { reportId } = await submitToQueue();
    await budi.post(`/api/v1/reports/${reportId}/claim`);
    const escalated = await budi.post(`/api/v1/reports/${reportId}/escalate`, { reason: 'Pelapor mengaku anggota DPRD, minta ditangani atasan' });
    expect(escalated.body).toMatchObject({ status: 'ESCALATED', escalated: true, claim: null });
    expect((await sari.post(`/api/v1/reports/${reportId}/claim`)).body.rule).toBe('ESCALATED_CASE_NEEDS_SUPERVISOR');

    const reassigned = await rina.post(`/api/v1/reports/${reportId}/reassign`, { operatorId: 'op-sari' });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toMatchObject({ status: 'IN_TRIAGE', claim: { operatorId: 'op-sari' } });
    expect((await storedEvents(reportId)).at(-1)).toMatchObject({ type: 'ReportReassigned', actor: 'spv-rina', data: { toOperatorId: 'op-sari' } });

    const stats = await eventually(
      () => rina.get('/api/v1/supervisor/stats'),
      (r) => r.body.activeOperatorIds?.includes('op-sari'),
      10_000,
    );
    expect(stats.body).toMatchObject({ open: expect.any(Number), depthByPriority: { P1: expect.any(Number), P3: expect.any(Number) } });
    expect(stats.body.open).toBeGreaterThan(0);
    expect(stats.body.oldestWaiting).toEqual(expect.objectContaining({ reportId: expect.any(String) }));
  });

  it('fires TriageOverdue once when a case passes its priority target, and shows it overdue', async () => {
    const reportId = await submit(
      sampleReport({
        category_hint: undefined,
        description: 'Tabrakan mobil dan motor di perempatan Jl. Kemang Raya, lalu lintas macet',
        reporter: { name: 'A', phone: phone(), anonymous: false },
        location: somewhere(),
        people_injured: 0,
      }),
    );
    await eventually(
      () => storedEvents(reportId),
      (events) => events.some((e) => e.type === 'TriageOverdue'),
      20_000,
    );
    const overdueOnes = async () => (await storedEvents(reportId)).filter((e) => e.type === 'TriageOverdue');
    const overdue = await holdsFor(overdueOnes, (o) => o.length === 1, 1_500, 300); // several more timer ticks, still one
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ actor: 'system', data: { priority: 'P2', targetSeconds: 3 } });
    const queue = await budi.get('/api/v1/queue?overdue=true&priority=P2&category=KECELAKAAN_LALU_LINTAS&limit=200');
    expect(queue.body.items.find((i: any) => i.reportId === reportId)).toMatchObject({ overdue: true });
  });

  it('returns a case whose claim lease ran out to the queue', async () => {
    const { reportId } = await submitToQueue();
    await budi.post(`/api/v1/reports/${reportId}/claim`);
    await eventually(
      () => storedEvents(reportId),
      (events) => events.some((e) => e.type === 'ReportReleased'),
      (LEASE_SECONDS + 10) * 1000,
    );
    expect((await storedEvents(reportId)).at(-1)).toMatchObject({
      type: 'ReportReleased',
      actor: 'system',
      data: { reason: 'LEASE_EXPIRED', operatorId: 'op-budi' },
    });
    expect((await budi.get(`/api/v1/reports/${reportId}`)).body).toMatchObject({ status: 'QUEUED', claim: null });
    expect((await sari.post(`/api/v1/reports/${reportId}/claim`)).status).toBe(200);
  });

  it('flags a caller whose reports were rejected as pranks twice', async () => {
    const prankster = phone();
    for (let i = 0; i < 2; i++) {
      const { reportId } = await submitToQueue(nonUrgent({ reporter: { name: 'Iseng', phone: prankster, anonymous: false } }));
      await budi.post(`/api/v1/reports/${reportId}/claim`);
      await budi.post(`/api/v1/reports/${reportId}/reject`, { reason: 'PRANK', explanation: 'Laporan palsu' });
    }
    // the prank record is a read model of the triage topic: give it a moment
    await eventually(
      async () => (await submitToQueue(nonUrgent({ reporter: { name: 'Iseng', phone: prankster, anonymous: false } }))).suggestion.lowTrust,
      (lowTrust) => lowTrust.flagged,
      20_000,
      500,
    );
  });

  it('filters and pages the queue, most urgent first', async () => {
    const district = 'JAGAKARSA';
    const ids = [];
    for (const channel of ['HOTLINE', 'WEB', 'HOTLINE']) {
      ids.push((await submitToQueue(nonUrgent({ channel, location: { address: 'Jl. Moh. Kahfi', district: 'Jagakarsa' } }))).reportId);
    }
    const page = await budi.get(`/api/v1/queue?district=${district}&channel=HOTLINE&limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    expect(page.body.items).toHaveLength(1);
    const all = await budi.get(`/api/v1/queue?district=${district}&channel=HOTLINE&limit=200`);
    expect(all.body.items.every((i: any) => i.district === district && i.channel === 'HOTLINE')).toBe(true);
    expect(all.body.items.map((i: any) => i.reportId)).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    const second = await budi.get(`/api/v1/queue?district=${district}&channel=HOTLINE&limit=1&offset=1`);
    expect(second.body.items[0].reportId).toBe(all.body.items[1].reportId);

    const everything = await budi.get('/api/v1/queue?limit=200');
    const rank = { P1: 1, P2: 2, P3: 3, P4: 4 } as Record<string, number>;
    const order = everything.body.items.map((i: any) => [rank[i.priority], i.receivedAt]);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])));
  });

  it('keeps the queue across a restart of triage (snapshot plus the topic)', async () => {
    const { reportId } = await submitToQueue(nonUrgent({ location: { address: 'Jl. Tebet Timur', district: 'Tebet' } }));
    await budi.post(`/api/v1/reports/${reportId}/claim`);
    const mine = '/api/v1/queue?limit=200&district=TEBET&priority=P3';
    const openOfOurs = (r: any) =>
      r.body.items
        .map((i: any) => i.reportId)
        .filter((id: string) => ours.has(id))
        .sort();
    const before = openOfOurs(await budi.get(mine));
    await spec.restart('triage');
    const after = await budi.get(mine);
    // IN_TRIAGE, or QUEUED again if the lease ran out during the restart
    expect(after.body.items.find((i: any) => i.reportId === reportId)).toMatchObject({ version: expect.any(Number) });
    expect(openOfOurs(after)).toEqual(before);
  });
});
