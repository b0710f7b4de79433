import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEnvelope } from '@callcenter/events';
import { eventually, grpcCall, restClient, sampleReport, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';
import { LabelledReport, trainSuggestionModel } from '../src/suggestions/suggestion-model';

const INTAKE_HTTP = 14201;
const INTAKE_GRPC = 14261;
const TRIAGE_HTTP = 14202;
const TRIAGE = `http://127.0.0.1:${TRIAGE_HTTP}`;

/**
 * A second model, small and different from the committed default: it only has to be a model. Its
 * source names this run, so its version is new: every triage re-reads the last hour of the shared
 * triage topic at start and follows the activations it finds there, earlier runs' included.
 */
function secondModel() {
  const report = (description: string, category: LabelledReport['category'], priority: LabelledReport['priority']): LabelledReport => ({
    description,
    category,
    priority,
    categoryHint: null,
    channel: null,
    peopleInjured: 0,
  });
  return trainSuggestionModel(
    [
      report('rumah terbakar asap tebal', 'KEBAKARAN', 'P1'),
      report('motor saya dicuri di parkiran', 'KEJAHATAN', 'P3'),
      report('pohon tumbang menutup jalan', 'LAINNYA', 'P3'),
      report('tetangga berisik musik keras', 'GANGGUAN_KETERTIBAN', 'P3'),
    ],
    { trainedAt: '2026-12-02T08:00:00Z', source: `suggestion-model.e2e.spec.ts, ${uniqueName('run')}` },
  );
}

/**
 * Issue 18: an admin switches the suggestion model with a command that is itself an event
 * (SuggestionModelActivated), and triage suggests with it from then on, also after a restart.
 */
describe('switching the suggestion model by an event (intake and triage as processes)', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'suggestion-models-'));
  const model = secondModel();
  // Written before the services start (hooks run in the order registered).
  beforeAll(() => {
    writeFileSync(join(modelsDir, `suggestions-${model.version}.json`), JSON.stringify(model));
    writeFileSync(join(modelsDir, 'suggestions-20261202-000000000000.json'), '{"not":"a model"}');
  });
  afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));
  const spec = servicesForSpec('e2e', { intake: INTAKE_HTTP, triage: TRIAGE_HTTP }, { env: { SUGGESTION_MODELS_DIR: modelsDir }, intakeGrpc: INTAKE_GRPC });
  const admin = restClient(TRIAGE, testToken('adm-wati', ['admin']));
  const operator = restClient(TRIAGE, testToken('op-budi', ['operator']));

  async function storedEvents(streamId: string): Promise<EventEnvelope[]> {
    const commits = await spec.database('triage').collection('event_commits').find({ streamId }).toArray();
    return commits.sort((a, b) => a.base - b.base).flatMap((c) => c.events as EventEnvelope[]);
  }

  /** The model version recorded on the TriageCaseOpened of a report submitted now. */
  async function modelOfANewCase(): Promise<string> {
    const { report_id: reportId } = await grpcCall<any>(
      spec.grpcIntake,
      'SubmitReport',
      sampleReport({
        description: 'Tetangga berisik memutar musik keras sampai larut malam',
        location: { latitude: -6.33 + Math.random() * 0.1, longitude: 106.76 + Math.random() * 0.09, address: 'Jl. Raya' },
      }),
    );
    await eventually(
      () => operator.get(`/api/v1/reports/${reportId}`),
      (r) => r.status === 200,
      30_000,
    );
    return ((await storedEvents(reportId))[0].data as { suggestionModel: string }).suggestionModel;
  }

  it('refuses other roles, unknown models and files that are not the model named', async () => {
    const body = { version: model.version, reason: 'shadow run of 1 December agrees better' };
    expect((await operator.post('/api/v1/admin/suggestion-model', body)).status).toBe(403);
    expect((await restClient(TRIAGE, testToken('spv-rina', ['supervisor'])).post('/api/v1/admin/suggestion-model', body)).status).toBe(403);
    const missing = await admin.post('/api/v1/admin/suggestion-model', { ...body, version: '20261202-ffffffffffff' });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain('20261202-ffffffffffff');
    const damaged = await admin.post('/api/v1/admin/suggestion-model', { ...body, version: '20261202-000000000000' });
    expect(damaged.status).toBe(400);
    expect(JSON.stringify(damaged.body)).toContain('version');
    expect((await admin.post('/api/v1/admin/suggestion-model', { ...body, version: '../etc/passwd' })).status).toBe(400);
    expect((await admin.post('/api/v1/admin/suggestion-model', { version: model.version })).status).toBe(400);
    expect(await storedEvents('suggestion-model')).toEqual([]);
  });

  it('records the activation with the admin, and new cases carry the activated version, also after a restart', async () => {
    const before = await modelOfANewCase();
    expect(before).not.toBe(model.version);

    const activated = await admin.post('/api/v1/admin/suggestion-model', { version: model.version, reason: 'shadow run of 1 December agrees better' });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ fromVersion: before, toVersion: model.version, activatedBy: 'adm-wati' });

    const [event] = await storedEvents('suggestion-model');
    expect(event).toMatchObject({
      type: 'SuggestionModelActivated',
      actor: 'adm-wati',
      data: { fromVersion: before, toVersion: model.version, reason: 'shadow run of 1 December agrees better' },
    });
    expect(await modelOfANewCase()).toBe(model.version);

    // A triage that starts takes the latest activation, not SUGGESTION_MODEL_FILE.
    await spec.restart('triage');
    expect(await modelOfANewCase()).toBe(model.version);
  }, 120_000);
});
