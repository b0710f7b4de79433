import { TOPICS } from '@callcenter/events';
import { ConditionFailed, eventually, grpcCall, missingFromQueue, restClient, sampleReport, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

/**
 * Reversible merges (issue 17), through the four services as processes on real Kafka and the
 * database: two reports of one fire, each with its own reporter. Merged, then split, then merged
 * again; at every step both reporters' statuses, the incident and analytics' counts are checked,
 * and a split is refused once a unit is on scene.
 */
const PORT = { intake: 14301, triage: 14302, dispatch: 14303, analytics: 14304 };
const GRPC_PORT = 14305;
const url = (service: keyof typeof PORT) => `http://127.0.0.1:${PORT[service]}`;

describe('incident groups: merge and split of a pair of reports, end to end', () => {
  const spec = servicesForSpec('groups', PORT, {
    env: { LOG_LEVEL: 'error' },
    intakeGrpc: GRPC_PORT,
    caughtUp: [['triage-incident-groups', [TOPICS.triage, TOPICS.dispatch]]],
    alsoDrop: ['keyvault'],
  });
  const since = new Date(Date.now() - 1000).toISOString();

  const operator = restClient(url('triage'), testToken('op-budi', ['operator']));
  const supervisor = restClient(url('triage'), testToken('spv-rina', ['supervisor']));
  const dispatcher = restClient(url('dispatch'), testToken('dsp-andi', ['dispatcher']));
  const analyst = restClient(url('analytics'), testToken('an-dewi', ['analyst']));
  const unitClient = (unitId: string) => restClient(url('dispatch'), testToken(`unit:${unitId}`, ['unit']));

  /** `eventually`, its failure (with what it last saw) saying which read model never got there. */
  async function settled<T>(what: string, check: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
    return eventually(check, ok, timeoutMs).catch((e: ConditionFailed<T>) => {
      throw new Error(`${what} never came; last seen: ${JSON.stringify(e.last).slice(0, 1500)}`);
    });
  }
  /** What the reporter sees (intake's GetReportStatus, as the portal and apps ask), once it settles on `state`. */
  const statusOf = (reportId: string, state: string) =>
    settled(
      `status ${state} of ${reportId}`,
      () => grpcCall<any>(spec.grpcIntake, 'GetReportStatus', { report_id: reportId }).catch((e) => ({ state: String(e.code) })),
      (s) => s.state === state,
    );
  const incidentOf = (reportId: string, ok: (incident: any) => boolean) =>
    settled(
      `the incident of ${reportId}`,
      () => dispatcher.get(`/api/v1/incidents?reportId=${reportId}`),
      (r) => r.body?.total === 1 && ok(r.body.items[0]),
    ).then((r) => r.body.items[0]);
  const counts = (ok: (v: any) => boolean) =>
    settled(
      'analytics counts',
      () => analyst.get(`/api/v1/stats/volume?from=${encodeURIComponent(since)}`),
      (r) => r.status === 200 && ok(r.body),
      30_000,
    ).then((r) => r.body);
  const caseOf = (reportId: string, ok: (c: any) => boolean) =>
    settled(
      `the case ${reportId}`,
      () => supervisor.get(`/api/v1/reports/${reportId}`),
      (r) => r.status === 200 && ok(r.body),
    ).then((r) => r.body);

  async function submit(name: string, phone: string, description: string): Promise<string> {
    const answer = await grpcCall<any>(
      spec.grpcIntake,
      'SubmitReport',
      sampleReport({ reporter: { name, phone, anonymous: false }, description, category_hint: 'KEBAKARAN' }),
    );
    await caseOf(answer.report_id, () => true);
    return answer.report_id;
  }

  async function mergeInto(duplicate: string, original: string) {
    expect((await operator.post(`/api/v1/reports/${duplicate}/claim`)).status).toBe(200);
    const merged = await operator.post(`/api/v1/reports/${duplicate}/duplicate`, { duplicateOf: original });
    expect(merged.status).toBe(200);
    expect(merged.body.status).toBe('DUPLICATE');
  }

  it('merges, splits and merges again with every read model following; refuses a split once a unit is on scene', async () => {
    // Two reporters, one fire.
    const first = await submit('Siti Aminah', '+6281234567890', 'Kebakaran rumah di Jl. Dago 120, asap tebal');
    const second = await submit('Joko Santoso', '+6285711112222', 'Ada api besar di rumah dekat Jl. Dago 120');
    expect((await operator.post(`/api/v1/reports/${first}/claim`)).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${first}/classify`, { category: 'KEBAKARAN', priority: 'P2', district: 'TEBET' })).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${first}/forward`)).status).toBe(200);
    const incident = await incidentOf(first, (i) => i.mergedReports.length === 0);

    // Merge: the second joins the first's incident group; both reports and reporters are kept.
    await mergeInto(second, first);
    expect((await statusOf(second, 'DUPLICATE')).final).toBe(false); // a merge can be split again
    expect((await statusOf(second, 'DUPLICATE')).timeline.at(-1).message).toContain('digabungkan');
    expect((await statusOf(first, 'FORWARDED')).final).toBe(false);
    expect((await incidentOf(first, (i) => i.mergedReports.length === 1)).mergedReports).toEqual([
      expect.objectContaining({ reportId: second, mergedBy: 'op-budi' }),
    ]);
    let v = await counts((b) => b.total === 2 && b.notActionable.duplicates === 1);
    expect(v.byState).toEqual({ FORWARDED: 1, DUPLICATE: 1 });
    expect(v.incidentGroups).toEqual({ merged: 1, splitOut: 0 });
    const group = (await caseOf(second, (c) => c.group?.members.length === 1)).group;
    expect(group).toMatchObject({ groupOf: first, splittable: true, members: [{ reportId: second, mergedBy: 'op-budi' }] });
    expect((await caseOf(first, (c) => c.group?.members.length === 1)).group.groupOf).toBe(first);

    // Refusals at the edge: supervisors only, a reason, a known report that is merged.
    expect((await operator.post(`/api/v1/reports/${second}/split`, { reason: 'Lokasi berbeda' })).status).toBe(403);
    const noReason = await supervisor.post(`/api/v1/reports/${second}/split`, {});
    expect(noReason.status).toBe(400);
    expect(new Set(noReason.body.violations.map((x: any) => x.field))).toEqual(new Set(['reason']));
    expect((await supervisor.post('/api/v1/reports/00000000-0000-4000-8000-00000000beef/split', { reason: 'Lokasi berbeda' })).status).toBe(404);
    const notMerged = await supervisor.post(`/api/v1/reports/${first}/split`, { reason: 'Lokasi berbeda' });
    expect([notMerged.status, notMerged.body.rule]).toEqual([409, 'NOT_MERGED']);

    // Split: the second is its own report again, back in the queue with its history.
    const split = await supervisor.post(`/api/v1/reports/${second}/split`, { reason: 'Ternyata rumah lain: Jl. Dago 210' });
    expect(split.status).toBe(200);
    expect(split.body.status).toBe('QUEUED');
    expect(split.body.timeline.map((e: any) => e.type)).toEqual(['TriageCaseOpened', 'ReportClaimed', 'ReportMarkedDuplicate', 'ReportSplitFromGroup']);
    expect(split.body.timeline.at(-1)).toMatchObject({ actor: 'spv-rina', data: { groupOf: first, reason: 'Ternyata rumah lain: Jl. Dago 210' } });
    // The queue may hold other suites' reports (the case opener's group is shared on the broker).
    expect(await missingFromQueue(operator, [second])).toEqual([]);
    // The stored queue snapshot (what another instance starts from) has it back too.
    await settled(
      'the split case in the queue snapshot',
      () =>
        spec
          .database('triage')
          .collection('triage_queue')
          .findOne({ _id: second as never }),
      (d) => d?._version === split.body.version && d?.status === 'QUEUED',
    );
    const again = await supervisor.post(`/api/v1/reports/${second}/split`, { reason: 'Lagi' });
    expect([again.status, again.body.rule]).toEqual([409, 'NOT_MERGED']);
    const separate = await statusOf(second, 'RECEIVED');
    expect(separate.final).toBe(false);
    expect(separate.timeline.at(-1).message).toContain('dipisahkan');
    expect((await statusOf(first, 'FORWARDED')).final).toBe(false);
    expect((await incidentOf(first, (i) => i.mergedReports.length === 0)).timeline.map((e: any) => e.type)).toEqual([
      'IncidentOpened',
      'IncidentReportMerged',
      'IncidentReportSplit',
    ]);
    v = await counts((b) => b.notActionable.duplicates === 0);
    expect(v.total).toBe(2);
    expect(v.byState).toEqual({ FORWARDED: 1, IN_TRIAGE: 1 });
    expect(v.incidentGroups).toEqual({ merged: 0, splitOut: 1 });

    // Merged again, and a unit reaches the incident: from then on the group stays together.
    await mergeInto(second, first);
    await statusOf(second, 'DUPLICATE');
    await incidentOf(first, (i) => i.mergedReports.length === 1);
    const callSign = `DAMKAR-${uniqueName('G').split('-')[1].toUpperCase()}`;
    expect((await dispatcher.post('/api/v1/units', { callSign, type: 'FIRE_LIAISON', capabilities: [], homeDistrict: 'TEBET', onShift: true })).status).toBe(
      201,
    );
    const unit = unitClient(callSign);
    expect((await unit.post(`/api/v1/units/${callSign}/status`, { latitude: -6.8847, longitude: 107.6131 })).status).toBe(200);
    expect((await dispatcher.post(`/api/v1/incidents/${incident.incidentId}/assign`, { unitId: callSign })).status).toBe(200);
    expect((await unit.post(`/api/v1/incidents/${incident.incidentId}/acknowledge`)).status).toBe(200);
    expect((await unit.post(`/api/v1/incidents/${incident.incidentId}/arrive`)).status).toBe(200);
    await statusOf(first, 'ON_SCENE');
    expect((await caseOf(second, (c) => c.group?.splittable === false)).group).toMatchObject({ unitId: callSign, unitArrivedAt: expect.any(String) });

    const refused = await supervisor.post(`/api/v1/reports/${second}/split`, { reason: 'Ternyata rumah lain' });
    expect(refused.status).toBe(409);
    expect(refused.body.rule).toBe('GROUP_INCIDENT_ATTENDED');
    expect(refused.body.message).toContain(callSign);
    expect(refused.body.message).toContain('only before any unit arrives');
    // Nothing moved: still merged, still on the incident, still one duplicate in analytics.
    expect((await supervisor.get(`/api/v1/reports/${second}`)).body.status).toBe('DUPLICATE');
    expect((await statusOf(second, 'DUPLICATE')).final).toBe(false); // a merge can be split again
    expect((await incidentOf(first, () => true)).mergedReports.map((r: any) => r.reportId)).toEqual([second]);
    v = await counts((b) => b.notActionable.duplicates === 1 && b.byState.ON_SCENE === 1);
    expect(v.byState).toEqual({ ON_SCENE: 1, DUPLICATE: 1 });
    expect(v.incidentGroups).toEqual({ merged: 1, splitOut: 1 });
  });
});
