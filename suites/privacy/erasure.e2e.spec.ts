import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually, grpcCall, readToEnd, restClient, sampleReport, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

/**
 * Erasure of a reporter's personal data (UU 27/2022, issue 14): reports with a distinctive name,
 * phone number, description and address go through intake, triage, dispatch and analytics; an admin
 * erases them (by phone, and one by report id); after a full rebuild (analytics from offset 0,
 * triage and dispatch restarted) no topic's raw bytes, no document of any database and no API
 * answer holds any of those strings (only ciphertext), and the views show "[dihapus]".
 */
const PORT = { intake: 14701, triage: 14702, dispatch: 14703, analytics: 14704 };
const GRPC_PORT = 14751;
const ROOT = resolve(__dirname, '../..');
const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');

describe('privacy: erasure leaves no trace of the reporter, even after a rebuild', () => {
  const spec = servicesForSpec('privacy', PORT, { env: { LOG_LEVEL: 'error' }, intakeGrpc: GRPC_PORT, alsoDrop: ['keyvault'] });

  const token = letters(10);
  const name = `Wiryo ${token[0].toUpperCase()}${token.slice(1)}`;
  const phone = `+62813${String(randomInt(1e7)).padStart(7, '0')}`;
  const otherPhone = `+62814${String(randomInt(1e7)).padStart(7, '0')}`;
  const descriptionWord = `rahasia${letters(8)}`;
  const addressWord = `Kenanga${letters(8)}`;
  /** What must be gone: the name, the phone with and without +, the description's and the address's own words. */
  const secrets = [name, phone, phone.slice(1), otherPhone, otherPhone.slice(1), descriptionWord, addressWord];

  const url = (s: keyof typeof PORT) => `http://127.0.0.1:${PORT[s]}`;
  const supervisor = restClient(url('triage'), testToken('spv-privacy', ['supervisor']));
  const admin = restClient(url('triage'), testToken('adm-privacy', ['admin']));
  const dispatcher = restClient(url('dispatch'), testToken('dsp-privacy', ['dispatcher']));
  const commander = restClient(url('analytics'), testToken('cmd-privacy', ['commander']));
  const analyticsAdmin = restClient(url('analytics'), testToken('adm-privacy', ['admin']));

  const report = (reporterPhone: string) =>
    sampleReport({
      external_id: uniqueName('privacy'),
      category_hint: 'KEJAHATAN',
      reporter: { name, phone: reporterPhone, anonymous: false },
      description: `Pencurian motor di depan rumah, ${descriptionWord}, pelaku dua orang`,
      location: { latitude: -6.2297 + randomInt(1000) / 1e5, longitude: 106.8532, address: `Jl. ${addressWord} No. 7` },
    });

  const found = (text: string) => secrets.filter((s) => text.includes(s));

  /** Every message of every topic, as raw bytes (key, value, headers), read by an independent consumer. */
  async function everyTopicRaw(): Promise<{ topic: string; text: string }[]> {
    const adminClient = spec.kafka.admin();
    await adminClient.connect();
    const topics = (await adminClient.listTopics()).filter((t) => !t.startsWith('__'));
    await adminClient.disconnect();
    const seen: { topic: string; text: string }[] = [];
    await readToEnd(spec.kafka, topics, (message, topic) => {
      const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${Buffer.isBuffer(v) ? v.toString('latin1') : String(v)}`);
      seen.push({ topic, text: [message.key?.toString('latin1') ?? '', message.value?.toString('latin1') ?? '', ...headers].join('\n') });
    });
    return seen;
  }

  /** Every document of every collection of every database. */
  async function everyDocument(): Promise<{ where: string; text: string }[]> {
    const out: { where: string; text: string }[] = [];
    const { databases } = await spec.mongo.db('admin').admin().listDatabases();
    for (const { name: dbName } of databases) {
      if (['admin', 'local', 'config'].includes(dbName)) continue;
      const db = spec.mongo.db(dbName);
      for (const { name: collection } of await db.listCollections().toArray()) {
        for (const doc of await db.collection(collection).find({}).toArray()) out.push({ where: `${dbName}.${collection}`, text: JSON.stringify(doc) });
      }
    }
    return out;
  }

  /** What every API shows of these reports, to the roles that see the most. */
  async function everyAnswer(reportIds: string[]): Promise<{ where: string; text: string }[]> {
    const answers: { where: string; body: unknown }[] = [];
    const get = async (client: ReturnType<typeof restClient>, path: string) => answers.push({ where: path, body: (await client.get(path)).body });
    for (let offset = 0; ; offset += 200) {
      const page = await supervisor.get(`/api/v1/queue?limit=200&offset=${offset}`);
      answers.push({ where: `queue@${offset}`, body: page.body });
      if (!page.body.items?.length) break;
    }
    for (const id of reportIds) {
      await get(supervisor, `/api/v1/reports/${id}`);
      await get(supervisor, `/api/v1/reports/${id}/reporter`);
      await get(dispatcher, `/api/v1/incidents?reportId=${id}`);
      await get(commander, `/api/v1/reports/${id}/timeline`);
      answers.push({ where: `intake status ${id}`, body: await grpcCall<any>(spec.grpcIntake, 'GetReportStatus', { report_id: id }) });
    }
    await get(dispatcher, '/api/v1/incidents?limit=200');
    await get(commander, '/api/v1/reports?limit=200');
    return answers.map(({ where, body }) => ({ where, text: JSON.stringify(body) }));
  }

  it('erases by phone and by report id; topics, collections and answers keep no trace after a rebuild', async () => {
    // Two reports from one phone (one of them forwarded to dispatch), one from another phone.
    const submitted: string[] = [];
    for (const p of [phone, phone, otherPhone]) submitted.push((await grpcCall<any>(spec.grpcIntake, 'SubmitReport', report(p))).report_id);
    const [forwarded, second, byId] = submitted;
    for (const id of submitted)
      await eventually(
        () => supervisor.get(`/api/v1/reports/${id}`),
        (r) => r.status === 200,
        30_000,
      );
    expect((await supervisor.post(`/api/v1/reports/${forwarded}/claim`)).status).toBe(200);
    expect((await supervisor.post(`/api/v1/reports/${forwarded}/classify`, { category: 'KEJAHATAN', priority: 'P3', district: 'TEBET' })).status).toBe(200);
    expect((await supervisor.post(`/api/v1/reports/${forwarded}/forward`)).status).toBe(200);
    await eventually(
      () => dispatcher.get(`/api/v1/incidents?reportId=${forwarded}`),
      (r) => r.body.total === 1,
      30_000,
    );
    await eventually(
      () => commander.get(`/api/v1/reports/${forwarded}/timeline`),
      (r) => r.body.events?.some((e: any) => e.type === 'IncidentOpened'),
      30_000,
    );

    // Before: the people allowed to see it see it in clear (so the scans below can find it), but
    // nothing travels or is stored in clear.
    const before = (await everyAnswer(submitted)).map((a) => a.text).join('\n');
    expect(found(before).sort()).toEqual([...secrets].sort());
    const raw = await everyTopicRaw();
    // The scan reads what the reports put on the topics (by id), so finding no secret in it means something.
    expect(submitted.filter((id) => !raw.some((m) => m.text.includes(id)))).toEqual([]);
    expect(raw.filter((m) => found(m.text).length)).toEqual([]);
    expect((await everyDocument()).filter((d) => found(d.text).length)).toEqual([]);

    // Erasure: by phone (both reports of it) and by report id; only admins.
    expect((await supervisor.post('/api/v1/admin/erasures', { phone, reason: 'permintaan pelapor' })).status).toBe(403);
    expect((await admin.post('/api/v1/admin/erasures', { phone, reportId: byId, reason: 'x' })).status).toBe(400);
    const byPhone = await admin.post('/api/v1/admin/erasures', { phone, reason: 'Permintaan penghapusan dari pelapor (UU 27/2022)' });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body).toMatchObject({ by: 'PHONE', reportIds: [forwarded, second].sort(), erasedBy: 'adm-privacy' });
    // By report id with the command-line tool (`npm run erase -- --report <id> --reason …`).
    const cli = await promisify(execFile)(
      'node',
      [join(ROOT, 'dist/apps/triage/src/erasure/erase.cli.js'), '--report', byId, '--reason', 'Permintaan penghapusan'],
      {
        env: { ...process.env, TRIAGE_URL: url('triage'), USER: 'privacy-test', NODE_ENV: 'test', DEV_AUTH: '1' },
      },
    );
    expect(cli.stdout).toContain(`1 report(s) now read "[dihapus]"`);
    expect(cli.stdout).toContain(byId);
    const erasures = await spec.database('triage').collection('event_commits').find({ 'events.type': 'ReporterDataErased' }).toArray();
    expect(erasures.flatMap((c) => c.events).map((e: any) => ({ actor: e.actor, by: e.data.by, reportIds: e.data.reportIds }))).toEqual(
      expect.arrayContaining([
        { actor: 'adm-privacy', by: 'PHONE', reportIds: [forwarded, second].sort() },
        { actor: 'cli:privacy-test', by: 'REPORT', reportIds: [byId] },
      ]),
    );
    expect((await admin.post('/api/v1/admin/erasures', { phone: '+6281999999999', reason: 'tidak ada' })).status).toBe(404);

    // A full rebuild: analytics from offset 0 into a new generation; triage and dispatch restarted.
    const rebuild = await analyticsAdmin.post('/api/v1/admin/rebuild');
    expect(rebuild.status).toBe(202);
    await eventually(
      () => analyticsAdmin.get('/api/v1/admin/rebuild'),
      (r) => r.body.rebuild?.state === 'SWITCHED' && r.body.rebuild.generation === rebuild.body.generation,
      90_000,
    );
    for (const s of ['triage', 'dispatch'] as const) {
      await spec.restart(s);
    }

    const detail = await eventually(
      () => supervisor.get(`/api/v1/reports/${forwarded}`),
      (r) => r.status === 200,
      30_000,
    );
    expect(detail.body.report.description).toBe('[dihapus]');
    expect(detail.body.report.location.address).toBe('[dihapus]');
    expect((await supervisor.get(`/api/v1/reports/${second}/reporter`)).body).toMatchObject({ name: '[dihapus]', phone: '[dihapus]' });
    const incident = await dispatcher.get(`/api/v1/incidents?reportId=${forwarded}`);
    expect(incident.body.items[0].description).toBe('[dihapus]');
    const timeline = await commander.get(`/api/v1/reports/${forwarded}/timeline`);
    expect(timeline.body.events.find((e: any) => e.type === 'ReportReceived').data.description).toBe('[dihapus]');

    const leaks = [
      ...(await everyAnswer(submitted)).filter((a) => found(a.text).length).map((a) => `answer ${a.where}: ${found(a.text)}`),
      ...(await everyTopicRaw()).filter((m) => found(m.text).length).map((m) => `topic ${m.topic}: ${found(m.text)}`),
      ...(await everyDocument()).filter((d) => found(d.text).length).map((d) => `collection ${d.where}: ${found(d.text)}`),
    ];
    expect(leaks).toEqual([]);
  });
});
