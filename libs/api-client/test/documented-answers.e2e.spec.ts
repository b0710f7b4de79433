/**
 * The OpenAPI documents the shared REST client is typed from tell the truth: real answers of intake →
 * triage → dispatch → analytics, called through the typed client, are checked against the schema each
 * document gives for that route and status (ajv), errors against the one documented error body.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { analyticsApi, dispatchApi, eventually, grpcCall, sampleReport, servicesForSpec, testToken, triageApi, uniqueName } from '@callcenter/testing';

const PORT = { intake: 14401, triage: 14402, dispatch: 14403, analytics: 14404 };
const INTAKE_GRPC = 14405;

type Method = 'get' | 'post' | 'patch';
type Service = 'triage' | 'dispatch' | 'analytics';
const documents = Object.fromEntries(
  (['triage', 'dispatch', 'analytics'] as const).map((s) => [s, JSON.parse(readFileSync(join(__dirname, `../src/generated/${s}.openapi.json`), 'utf8'))]),
) as Record<Service, any>;

/**
 * OpenAPI 3.0 to JSON Schema, as openapi-typescript reads it: `nullable` beside `allOf: [$ref]` (how
 * Nest documents a nullable nested DTO) means "null or that", which ajv's `nullable` alone does not.
 */
const jsonSchema = (node: any): any => {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, jsonSchema(v)]));
  // An object the document describes field by field has no fields it does not name: an answer carrying one is not "described".
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (out.nullable && out.allOf) {
    const { nullable: _nullable, type: _type, allOf, ...rest } = out;
    return { ...rest, anyOf: [{ type: 'null' }, { allOf }] };
  }
  return out;
};

// `example` and other OpenAPI keywords beside the JSON Schema ones: not strict.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const [name, document] of Object.entries(documents)) ajv.addSchema(jsonSchema({ components: document.components }), name);
const validators = new Map<string, ValidateFunction>();

/** The schema the document gives for this route's answer with this status, with what it says of `body`. */
function documentedAnswer(service: Service, method: Method, route: string, status: number, body: unknown): { documented: boolean; errors: string[] } {
  const response = documents[service].paths[route]?.[method]?.responses?.[String(status)];
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) return { documented: false, errors: [] };
  const key = `${service} ${method} ${route} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    // Refs point into the components of the service's own document.
    const resolved = jsonSchema(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, `"${service}#/components/`)));
    validate = ajv.compile(resolved);
    validators.set(key, validate);
  }
  return {
    documented: true,
    errors: validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`),
  };
}

/** Asserts an answer is one the document describes for that route, body and all. */
async function expectDocumented(
  service: Service,
  method: Method,
  route: string,
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
  status: number,
) {
  const { data, error, response } = await call;
  const body = response.ok ? data : error;
  expect({ route, status: response.status, body: response.status === status ? 'as expected' : body }).toEqual({ route, status, body: 'as expected' });
  expect({ route, status, ...documentedAnswer(service, method, route, status, body) }).toEqual({ route, status, documented: true, errors: [] });
  return data as any;
}

describe('the OpenAPI documents describe the real answers (typed client, ajv)', () => {
  // One after another: four services starting at once on a busy machine can outlast the readiness wait.
  const spec = servicesForSpec('contracts', PORT, { env: { LOG_LEVEL: 'error' }, intakeGrpc: INTAKE_GRPC, oneAtATime: true });
  const operator = triageApi(PORT.triage, testToken('op-kontrak', ['operator']));
  const supervisor = triageApi(PORT.triage, testToken('spv-kontrak', ['supervisor']));
  const dispatcher = dispatchApi(PORT.dispatch, testToken('dsp-kontrak', ['dispatcher']));
  const analyst = analyticsApi(PORT.analytics, testToken('ana-kontrak', ['analyst']));

  it('a report from queue to incident to analytics: every answer and every refusal as documented', async () => {
    const { report_id: reportId } = await grpcCall<any>(
      spec.grpcIntake,
      'SubmitReport',
      sampleReport({ location: { latitude: -6.2297, longitude: 106.8532, address: 'Jl. Tebet Raya 12', district: 'TEBET' } }),
    );
    const path = { params: { path: { reportId } } };
    await eventually(
      () => operator.GET('/api/v1/reports/{reportId}', path),
      (r) => r.response.status === 200,
      30_000,
    );

    // triage
    await expectDocumented('triage', 'get', '/api/v1/queue', operator.GET('/api/v1/queue', { params: { query: { limit: 5 } } }), 200);
    await expectDocumented('triage', 'get', '/api/v1/reports/{reportId}', operator.GET('/api/v1/reports/{reportId}', path), 200);
    const claimed = await expectDocumented('triage', 'post', '/api/v1/reports/{reportId}/claim', operator.POST('/api/v1/reports/{reportId}/claim', path), 200);
    expect(claimed.status).toBe('IN_TRIAGE');
    await expectDocumented('triage', 'get', '/api/v1/reports/{reportId}/reporter', operator.GET('/api/v1/reports/{reportId}/reporter', path), 200);
    await expectDocumented(
      'triage',
      'post',
      '/api/v1/reports/{reportId}/claim',
      supervisor.POST('/api/v1/reports/{reportId}/claim', { params: { path: { reportId }, header: { 'if-match': '1' } } }),
      409,
    );
    await expectDocumented(
      'triage',
      'get',
      '/api/v1/reports/{reportId}',
      operator.GET('/api/v1/reports/{reportId}', { params: { path: { reportId: 'nope' } } }),
      400,
    );
    await expectDocumented(
      'triage',
      'get',
      '/api/v1/reports/{reportId}',
      operator.GET('/api/v1/reports/{reportId}', { params: { path: { reportId: '00000000-0000-4000-8000-000000000000' } } }),
      404,
    );
    await expectDocumented(
      'triage',
      'post',
      '/api/v1/reports/{reportId}/classify',
      operator.POST('/api/v1/reports/{reportId}/classify', { ...path, body: { category: 'KEBAKARAN', priority: 'P1', district: 'TEBET' } }),
      200,
    );
    const forwarded = await expectDocumented(
      'triage',
      'post',
      '/api/v1/reports/{reportId}/forward',
      operator.POST('/api/v1/reports/{reportId}/forward', path),
      200,
    );
    expect(forwarded.status).toBe('FORWARDED');
    await expectDocumented('triage', 'get', '/api/v1/supervisor/stats', supervisor.GET('/api/v1/supervisor/stats'), 200);

    // dispatch
    const callSign = `K-${uniqueName('').slice(1, 7).toUpperCase()}`;
    const unit = { callSign, type: 'PATROL_CAR' as const, capabilities: [], homeDistrict: 'TEBET', onShift: true };
    await expectDocumented('dispatch', 'post', '/api/v1/units', dispatcher.POST('/api/v1/units', { body: unit }), 201);
    await expectDocumented('dispatch', 'post', '/api/v1/units', dispatcher.POST('/api/v1/units', { body: unit }), 409);
    await expectDocumented('dispatch', 'get', '/api/v1/units', dispatcher.GET('/api/v1/units'), 200);
    const page = await eventually(
      () => dispatcher.GET('/api/v1/incidents', { params: { query: { reportId } } }),
      (r) => r.data?.total === 1,
      30_000,
    );
    const incidentId = page.data!.items[0].incidentId;
    const incidentPath = { params: { path: { incidentId } } };
    await expectDocumented('dispatch', 'get', '/api/v1/incidents', dispatcher.GET('/api/v1/incidents', { params: { query: { reportId } } }), 200);
    await expectDocumented('dispatch', 'get', '/api/v1/incidents/{incidentId}', dispatcher.GET('/api/v1/incidents/{incidentId}', incidentPath), 200);
    const assigned = await expectDocumented(
      'dispatch',
      'post',
      '/api/v1/incidents/{incidentId}/assign',
      dispatcher.POST('/api/v1/incidents/{incidentId}/assign', { ...incidentPath, body: { unitId: callSign } }),
      200,
    );
    expect(assigned.assignment.unitId).toBe(callSign);
    await expectDocumented(
      'dispatch',
      'post',
      '/api/v1/incidents/{incidentId}/close',
      dispatcher.POST('/api/v1/incidents/{incidentId}/close', incidentPath),
      409,
    );

    // analytics
    await eventually(
      () => analyst.GET('/api/v1/reports/{reportId}/timeline', path),
      (r) => r.response.status === 200 && (r.data?.events ?? []).some((e) => e.type === 'UnitAssigned'),
      30_000,
    );
    await expectDocumented('analytics', 'get', '/api/v1/reports/{reportId}/timeline', analyst.GET('/api/v1/reports/{reportId}/timeline', path), 200);
    await expectDocumented('analytics', 'get', '/api/v1/stats/overview', analyst.GET('/api/v1/stats/overview'), 200);
    await expectDocumented('analytics', 'get', '/api/v1/stats/volume', analyst.GET('/api/v1/stats/volume'), 200);
    await expectDocumented('analytics', 'get', '/api/v1/stats/durations', analyst.GET('/api/v1/stats/durations'), 200);
    await expectDocumented('analytics', 'get', '/api/v1/reports', analyst.GET('/api/v1/reports', { params: { query: { limit: 5 } } }), 200);
    await expectDocumented(
      'analytics',
      'get',
      '/api/v1/reports/{reportId}/timeline',
      analyst.GET('/api/v1/reports/{reportId}/timeline', { params: { path: { reportId: '00000000-0000-4000-8000-000000000000' } } }),
      404,
    );
  });
});
