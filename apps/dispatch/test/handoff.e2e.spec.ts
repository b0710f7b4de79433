import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES, type Category, CATEGORY_LABELS } from '@callcenter/contracts';
import { toKafkaMessage, TOPICS } from '@callcenter/events';
import { eventually, reportForwarded, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';
import { eidoValidator } from '../src/handoff/schemas/eido-validator';

const HTTP = 14801;
const DISPATCH = `http://127.0.0.1:${HTTP}`;
const XMLLINT = process.env.XMLLINT_BIN ?? 'xmllint';
const CAP_XSD = join(__dirname, '../src/handoff/schemas/CAP-v1.2.xsd');

/** Each CAP alert of an Atom feed, as its own document (they are the feed's only `<alert>` elements). */
const alertsOf = (feed: string) => [...feed.matchAll(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">[\s\S]*?<\/alert>/g)].map((m) => m[0]);

describe('standard hand-offs: EIDO and the CAP feed (real Kafka and database; dispatch as a process)', () => {
  const spec = servicesForSpec('e2e', { dispatch: [HTTP, { DISPATCH_AGENCY_ID: 'polres-jaksel.example.id' }] }, { producer: true });
  const dir = mkdtempSync(join(tmpdir(), 'handoff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const validEido = eidoValidator();
  const dispatcher = restClient(DISPATCH, testToken('dsp-andi', ['dispatcher']));
  const supervisor = restClient(DISPATCH, testToken('spv-sari', ['supervisor']));
  const commander = restClient(DISPATCH, testToken('cmd-hadi', ['commander']));
  const anyone = restClient(DISPATCH);
  const unitClient = (unitId: string) => restClient(DISPATCH, testToken(`unit:${unitId}`, ['unit']));

  /** xmllint's verdict on one document against OASIS's CAP 1.2 schema (or well-formedness only). */
  function xmllint(xml: string, schema: string | null): { ok: boolean; output: string } {
    const file = join(dir, `${uniqueName('doc')}.xml`);
    writeFileSync(file, xml);
    try {
      const output = execFileSync(XMLLINT, ['--noout', ...(schema ? ['--schema', schema] : []), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, output };
    } catch (e) {
      return { ok: false, output: String((e as { stderr?: string }).stderr ?? e) };
    }
  }

  async function feed() {
    const answer = await anyone.get('/api/v1/cap/alerts.xml');
    expect(answer.status).toBe(200);
    const xml = answer.body as string;
    expect(xmllint(xml, null)).toMatchObject({ ok: true });
    for (const alert of alertsOf(xml)) expect(xmllint(`<?xml version="1.0" encoding="UTF-8"?>\n${alert}`, CAP_XSD)).toEqual({ ok: true, output: '' });
    return xml;
  }

  /** The latest CAP message of an incident in the feed. */
  const latestOf = (xml: string, incidentId: string) => alertsOf(xml).find((a) => a.includes(`<incidents>${incidentId}</incidents>`));

  async function forwarded(priority: 'P1' | 'P2', category: Category, where: { latitude: number; longitude: number }): Promise<string> {
    const event = reportForwarded(priority, where, {
      category,
      description: 'Asap tebal dari gudang, pelapor Budi di rumah no. 7',
      address: 'Jl. Tebet Barat Dalam 7',
    });
    await spec.producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(event)] });
    const found = await eventually(
      () => dispatcher.get(`/api/v1/incidents?reportId=${event.streamId}`),
      (r) => r.body?.total === 1,
      30_000,
    );
    return found.body.items[0].incidentId;
  }

  async function unitAt(where: { latitude: number; longitude: number }): Promise<string> {
    const callSign = `DAMKAR-${uniqueName('H').split('-')[1].toUpperCase()}`;
    expect((await dispatcher.post('/api/v1/units', { callSign, type: 'FIRE_LIAISON', capabilities: [], homeDistrict: 'TEBET', onShift: true })).status).toBe(
      201,
    );
    expect((await unitClient(callSign).post(`/api/v1/units/${callSign}/status`, where)).status).toBe(200);
    return callSign;
  }

  /** Assign → acknowledge → arrive → resolve, as dispatcher and unit do. */
  async function handle(incidentId: string, unitId: string) {
    const unit = unitClient(unitId);
    expect((await dispatcher.post(`/api/v1/incidents/${incidentId}/assign`, { unitId })).status).toBe(200);
    expect((await unit.post(`/api/v1/incidents/${incidentId}/acknowledge`)).status).toBe(200);
    expect((await unit.post(`/api/v1/incidents/${incidentId}/arrive`)).status).toBe(200);
    expect((await unit.post(`/api/v1/incidents/${incidentId}/resolve`, { outcome: 'HANDLED_ON_SCENE', summary: 'Api dipadamkan bersama Damkar' })).status).toBe(
      200,
    );
  }

  const warning = {
    headline: 'Kebakaran gudang di Tebet: hindari Jl. Tebet Raya',
    description: 'Asap tebal di sekitar lokasi; jalan ditutup sementara.',
    instruction: 'Tutup jendela dan cari jalan lain.',
    severity: 'Severe',
    urgency: 'Immediate',
    certainty: 'Observed',
    area: { description: 'Kel. Tebet Barat dan sekitarnya', radiusKm: 1.5 },
  };

  it('every incident exports a valid EIDO; the CAP feed follows a warning through resolve, and another through cancel', async () => {
    const fire = { latitude: -6.2265, longitude: 106.8583 };
    const road = { latitude: -6.2401, longitude: 106.8501 };
    const quiet = { latitude: -6.2302, longitude: 106.8702 };
    const [fireId, roadId, quietId] = [
      await forwarded('P1', 'KEBAKARAN', fire),
      await forwarded('P2', 'KECELAKAAN_LALU_LINTAS', road),
      await forwarded('P2', 'KEJAHATAN', quiet),
    ];
    const unitA = await unitAt(fire);

    // Only supervisors warn the public; the words are checked at the edge.
    expect((await dispatcher.post(`/api/v1/incidents/${fireId}/public-warning`, warning)).status).toBe(403);
    expect(
      (await supervisor.post(`/api/v1/incidents/${fireId}/public-warning`, { ...warning, severity: 'Bad' })).body.violations.map((v: any) => v.field),
    ).toEqual(['severity']);
    expect((await supervisor.post('/api/v1/incidents/00000000-0000-4000-8000-000000000000/public-warning', warning)).status).toBe(404);
    expect((await supervisor.post(`/api/v1/incidents/${roadId}/public-warning/cancel`, { reason: 'tidak ada' })).body.rule).toBe('NO_PUBLIC_WARNING');

    const alert = await supervisor.post(`/api/v1/incidents/${fireId}/public-warning`, warning);
    expect(alert.status).toBe(200);
    expect(alert.body.messages.map((m: any) => m.msgType)).toEqual(['Alert']);
    expect(
      (
        await supervisor.post(`/api/v1/incidents/${roadId}/public-warning`, {
          ...warning,
          headline: 'Jl. Pasar Minggu ditutup karena kecelakaan',
          severity: 'Moderate',
        })
      ).status,
    ).toBe(200);

    let xml = await feed();
    expect(latestOf(xml, fireId)).toContain('<msgType>Alert</msgType>');
    expect(latestOf(xml, roadId)).toContain('<msgType>Alert</msgType>');
    expect(latestOf(xml, quietId)).toBeUndefined();

    // The fire is put out: the feed's message for it becomes an all-clear Update.
    await handle(fireId, unitA);
    xml = await feed();
    const update = latestOf(xml, fireId)!;
    expect(update).toContain('<msgType>Update</msgType>');
    expect(update).toContain('<responseType>AllClear</responseType>');
    expect(update).toMatch(/<references>callcenter@polres-jaksel\.example\.id,[^,]+\.1,[^<]+<\/references>/);
    expect((await supervisor.post(`/api/v1/incidents/${fireId}/public-warning`, warning)).body.rule).toBe('INCIDENT_CLOSED');

    // The road warning is withdrawn: a Cancel.
    const cancelled = await supervisor.post(`/api/v1/incidents/${roadId}/public-warning/cancel`, { reason: 'Jalan sudah dibuka kembali' });
    expect(cancelled.body.messages.map((m: any) => m.msgType)).toEqual(['Alert', 'Cancel']);
    xml = await feed();
    expect(latestOf(xml, roadId)).toContain('<msgType>Cancel</msgType>');
    expect(alertsOf(xml)).toHaveLength(2);
    // Public, and nothing of the report in it: not its description, address, tracking code or the unit's summary.
    expect(xml).not.toMatch(/Budi|Tebet Barat Dalam|K7Q2M|Api dipadamkan/);

    // Each incident's EIDO is valid against NENA's schema; who may read it.
    for (const id of [fireId, roadId, quietId]) {
      const eido = await commander.get(`/api/v1/incidents/${id}/eido`);
      expect(eido.status).toBe(200);
      expect(validEido(eido.body)).toEqual([]);
      expect(eido.body.incidentTrackingIdentifier).toBe(`urn:emergency:uid:incidentid:${id}:polres-jaksel.example.id`);
    }
    const fireEido = (await dispatcher.get(`/api/v1/incidents/${fireId}/eido`)).body;
    expect(fireEido.incidentComponent).toMatchObject({ incidentStatusInternalText: ['RESOLVED'], incidentTypeCommonRegistryText: 'Fire' });
    expect(fireEido.incidentComponent.dispositionComponent[0]).toMatchObject({
      dispositionCommonRegistryCode: 'HANDLED_ON_SCENE',
      updatedByAgentIdentifier: `unit:${unitA}@polres-jaksel.example.id`,
    });
    // Opened for a dispatcher: the description and address, as dispatch shows them.
    expect(fireEido.notesComponent[0].notesActionComments).toBe('Asap tebal dari gudang, pelapor Budi di rumah no. 7');
    expect(fireEido.locationInformationComponent[0].locationDescriptionText).toBe('Jl. Tebet Barat Dalam 7');
    expect(fireEido.notesComponent.map((n: any) => n.agentReference.$ref)).toEqual(
      expect.arrayContaining([`dsp-andi@polres-jaksel.example.id`, `unit:${unitA}@polres-jaksel.example.id`]),
    );
    expect((await unitClient(unitA).get(`/api/v1/incidents/${fireId}/eido`)).status).toBe(200);
    expect((await unitClient(unitA).get(`/api/v1/incidents/${roadId}/eido`)).status).toBe(404);
    expect((await restClient(DISPATCH, testToken('ana-rina', ['analyst'])).get(`/api/v1/incidents/${fireId}/eido`)).status).toBe(403);
    expect((await anyone.get(`/api/v1/incidents/${fireId}/eido`)).status).toBe(401);
    expect((await commander.get('/api/v1/incidents/00000000-0000-4000-8000-000000000000/eido')).status).toBe(404);
  });

  it('a simulated hour: every incident exports a valid EIDO, and every warning in the CAP feed follows its incident', async () => {
    // An hour of forwarded reports, four of every category, spread over the district.
    const urgent: Category[] = ['KEBAKARAN', 'DARURAT_MEDIS', 'KECELAKAAN_LALU_LINTAS', 'BENCANA'];
    const hour = Array.from({ length: 36 }, (_, i) => {
      const category = CATEGORIES[i % CATEGORIES.length];
      const where = { latitude: -6.3 + ((i * 37) % 80) / 1000, longitude: 106.78 + ((i * 53) % 60) / 1000 };
      const description = `${CATEGORY_LABELS[category].id} dilaporkan warga, laporan ke-${i + 1} jam ini`;
      const event = reportForwarded(urgent.includes(category) ? 'P1' : 'P2', where, { category, description, address: `Jl. Raya Pasar Minggu ${i + 1}` });
      return { i, category, where, event };
    });
    await spec.producer.send({ topic: TOPICS.triage, acks: -1, messages: hour.map((h) => toKafkaMessage(h.event)) });
    const incidents = await Promise.all(
      hour.map(async (h) => {
        const found = await eventually(
          () => dispatcher.get(`/api/v1/incidents?reportId=${h.event.streamId}`),
          (r) => r.body?.total === 1,
          60_000,
        );
        return { ...h, incidentId: found.body.items[0].incidentId as string };
      }),
    );
    // Supervisors warn the public about fires, disasters and road accidents; the hour then plays out:
    // a quarter handled to the end, a quarter under way with the warning revised, a quarter withdrawn.
    const warned = incidents.filter((x) => ['KEBAKARAN', 'BENCANA', 'KECELAKAAN_LALU_LINTAS'].includes(x.category));
    expect(warned.length).toBeGreaterThanOrEqual(9);
    for (const x of warned) {
      const issued = await supervisor.post(`/api/v1/incidents/${x.incidentId}/public-warning`, { ...warning, headline: `Peringatan ${x.category} ${x.i}` });
      expect(issued.status).toBe(200);
    }
    const fate = (x: { i: number }) => (['resolved', 'under way', 'withdrawn', 'open'] as const)[x.i % 4];
    for (const x of incidents) {
      if (fate(x) === 'resolved') await handle(x.incidentId, await unitAt(x.where));
      else if (fate(x) === 'under way') {
        const unitId = await unitAt(x.where);
        expect((await dispatcher.post(`/api/v1/incidents/${x.incidentId}/assign`, { unitId })).status).toBe(200);
        expect((await unitClient(unitId).post(`/api/v1/incidents/${x.incidentId}/acknowledge`)).status).toBe(200);
        if (warned.includes(x))
          expect((await supervisor.post(`/api/v1/incidents/${x.incidentId}/public-warning`, { ...warning, headline: `Diperbarui ${x.i}` })).status).toBe(200);
      } else if (fate(x) === 'withdrawn' && warned.includes(x))
        expect((await supervisor.post(`/api/v1/incidents/${x.incidentId}/public-warning/cancel`, { reason: 'Situasi terkendali' })).status).toBe(200);
    }

    // Every incident of the hour: a valid EIDO.
    for (const x of incidents) {
      const eido = await commander.get(`/api/v1/incidents/${x.incidentId}/eido`);
      expect(eido.status).toBe(200);
      expect({ incident: x.incidentId, violations: validEido(eido.body) }).toEqual({ incident: x.incidentId, violations: [] });
    }
    // The feed (each alert checked against the CAP schema by feed()): each warning's latest message follows its incident.
    const xml = await feed();
    const expected = { resolved: ['Update', 'AllClear'], 'under way': ['Update', null], withdrawn: ['Cancel', null], open: ['Alert', null] } as const;
    for (const x of warned) {
      const latest = latestOf(xml, x.incidentId);
      expect(latest).toBeDefined();
      const msgType = /<msgType>(\w+)<\/msgType>/.exec(latest!)?.[1];
      const responseType = /<responseType>(\w+)<\/responseType>/.exec(latest!)?.[1] ?? null;
      expect({ fate: fate(x), msgType, responseType }).toEqual({ fate: fate(x), msgType: expected[fate(x)][0], responseType: expected[fate(x)][1] });
    }
    for (const x of incidents.filter((y) => !warned.includes(y))) expect(latestOf(xml, x.incidentId)).toBeUndefined();
  });

  it('the checks can fail: xmllint refuses an alert that breaks the CAP schema, ajv a broken EIDO', async () => {
    const [alert] = alertsOf(await feed());
    expect(xmllint(`<?xml version="1.0" encoding="UTF-8"?>\n${alert.replace(/<msgType>\w+<\/msgType>/, '<msgType>Maybe</msgType>')}`, CAP_XSD).ok).toBe(false);
    expect(validEido({ EIDOVersion: '2.0' }).length).toBeGreaterThan(0);
  });
});
