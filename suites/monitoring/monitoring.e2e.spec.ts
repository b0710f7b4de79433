/**
 * TLS and monitoring, with the built intake service (npm run build) against the test infrastructure:
 * - intake given TLS_CERT_FILE/TLS_KEY_FILE (a self-signed certificate made here) serves HTTPS and
 *   gRPC over TLS, and nothing in plaintext;
 * - promtool checks infra/prometheus/prometheus.yml and runs alerts.test.yml;
 * - a real Prometheus (Debian's, scripts/lib.sh ensure_prometheus) on its own port scrapes that
 *   intake over HTTPS: `up` is 1 and the request-latency histograms exist.
 * MONITORING_TEST_HTTP_PORT / _GRPC_PORT / _PROMETHEUS_PORT (13391 / 13392 / 13393) move it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { eventually, httpsGet, intakeMetadata, RunningService, sampleReport, startPrometheus, startService, TestPrometheus } from '@callcenter/testing';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const HTTP_PORT = Number(process.env.MONITORING_TEST_HTTP_PORT ?? 13391);
const GRPC_PORT = Number(process.env.MONITORING_TEST_GRPC_PORT ?? 13392);
const PROMETHEUS_PORT = Number(process.env.MONITORING_TEST_PROMETHEUS_PORT ?? 13393);
const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

const dir = mkdtempSync(join(tmpdir(), 'callcenter-monitoring-'));
const CA = join(dir, 'ca.pem');

/** A CA and a certificate for 127.0.0.1/localhost signed by it, as an operator would install. */
async function makeCertificate() {
  const o = (args: string[]) => run('openssl', args, { cwd: dir });
  await o([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-subj',
    '/CN=test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  await o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'intake.key', '-out', 'intake.csr', '-subj', '/CN=intake']);
  writeFileSync(join(dir, 'intake.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await o([
    'x509',
    '-req',
    '-in',
    'intake.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'intake.ext',
    '-out',
    'intake.pem',
  ]);
}

const definition = loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const ReportIntake = (grpc.loadPackageDefinition(definition) as any).callcenter.intake.v1.ReportIntake;

function submit(credentials: grpc.ChannelCredentials, report = sampleReport()): Promise<{ report_id: string }> {
  const client = new ReportIntake(`127.0.0.1:${GRPC_PORT}`, credentials);
  return new Promise((ok, fail) =>
    client.SubmitReport(report, intakeMetadata(), { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, res: any) => {
      client.close();
      err ? fail(err) : ok(res);
    }),
  );
}

describe('TLS for HTTP and gRPC, and Prometheus scraping a service', () => {
  let intake: RunningService;
  let prometheus: TestPrometheus | undefined;

  beforeAll(async () => {
    await makeCertificate();
    intake = await startService(
      'intake',
      HTTP_PORT,
      { INTAKE_GRPC_PORT: String(GRPC_PORT), TLS_CERT_FILE: join(dir, 'intake.pem'), TLS_KEY_FILE: join(dir, 'intake.key') },
      { https: { ca: readFileSync(CA) } },
    );
  }, 120_000);

  afterAll(async () => {
    prometheus?.stop();
    await intake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves health and metrics over HTTPS with the given certificate, and refuses plain HTTP', async () => {
    const ready = await httpsGet(`https://127.0.0.1:${HTTP_PORT}/health/ready`, readFileSync(CA));
    expect(ready.status).toBe(200);
    expect(ready.protocol).toMatch(/^TLSv1\.[23]$/);
    await expect(fetch(`http://127.0.0.1:${HTTP_PORT}/health/ready`)).rejects.toThrow();
    // A client that does not trust the CA refuses the connection.
    await expect(httpsGet(`https://127.0.0.1:${HTTP_PORT}/health/ready`, '')).rejects.toThrow(/certificate/i);
  });

  it('accepts a report over gRPC with TLS, and refuses a plaintext gRPC client', async () => {
    const accepted = await submit(grpc.credentials.createSsl(readFileSync(CA)));
    expect(accepted.report_id).toMatch(/^[0-9a-f-]{36}$/);
    await expect(submit(grpc.credentials.createInsecure())).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    const metrics = (await httpsGet(`https://127.0.0.1:${HTTP_PORT}/metrics`, readFileSync(CA))).body;
    expect(metrics).toMatch(
      /callcenter_grpc_server_handling_seconds_count\{[^}]*method="\/callcenter\.intake\.v1\.ReportIntake\/SubmitReport"[^}]*code="OK"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/callcenter_http_request_duration_seconds_bucket\{[^}]*method="GET"[^}]*route="\/health\/ready"[^}]*status="200"/);
    expect(metrics).toMatch(/callcenter_service_up\{[^}]*\} 1/);
    // The relay published the report: where its round's time went is on /metrics too.
    const relayed = await eventually(
      async () => (await httpsGet(`https://127.0.0.1:${HTTP_PORT}/metrics`, readFileSync(CA))).body,
      (m) => /callcenter_outbox_relay_round_seconds_count\{[^}]*phase="mark"[^}]*\} [1-9]/.test(m),
    );
    for (const phase of ['prepare', 'kafka'])
      expect(relayed).toMatch(new RegExp(`callcenter_outbox_relay_round_seconds_count\\{[^}]*phase="${phase}"[^}]*\\} [1-9]`));
  });

  it('promtool accepts the Prometheus configuration and every alert passes its tests', async () => {
    const config = await run(PROMTOOL, ['check', 'config', join(ROOT, 'infra/prometheus/prometheus.yml')]);
    expect(config.stdout + config.stderr).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
    const rules = await run(PROMTOOL, ['test', 'rules', join(ROOT, 'infra/prometheus/alerts.test.yml')]);
    expect(rules.stdout + rules.stderr).toContain('SUCCESS');
    // every alert has a test case
    const alerts = [...readFileSync(join(ROOT, 'infra/prometheus/alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    const tests = readFileSync(join(ROOT, 'infra/prometheus/alerts.test.yml'), 'utf8');
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    for (const alert of alerts) expect(tests).toContain(`alertname: ${alert}\n        exp_alerts:\n          - exp_labels`);
  });

  it('a real Prometheus scrapes the service over HTTPS: up is 1 and latency histograms exist', async () => {
    prometheus = startPrometheus({ dir, port: PROMETHEUS_PORT, target: `127.0.0.1:${HTTP_PORT}`, service: 'intake', caFile: CA });
    const query = async (q: string) => {
      try {
        const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(q)}`);
        return ((await res.json()) as any).data?.result ?? [];
      } catch {
        return [];
      }
    };
    const up = await eventually(
      () => query('up{job="callcenter", service="intake"}'),
      (r) => r.length > 0 && r[0].value[1] === '1',
      30_000,
      500,
    );
    expect(up[0]?.value?.[1]).toBe('1');
    const http = await eventually(
      () => query('callcenter_http_request_duration_seconds_bucket{service="intake", route="/metrics"}'),
      (r) => r.length > 0,
      20_000,
      500,
    );
    expect(http.length).toBeGreaterThan(0);
    const grpcSeries = await query('callcenter_grpc_server_handling_seconds_bucket{service="intake", code="OK"}');
    expect(grpcSeries.length).toBeGreaterThan(0);
    // the rules load and evaluate against real series (ServiceDown is not firing)
    const rules = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as any;
    const loaded = rules.data.groups.flatMap((g: any) => g.rules.map((r: any) => `${r.name}:${r.health}`));
    expect(loaded).toContain('ServiceDown:ok');
    expect(prometheus!.log()).not.toMatch(/level=error/);
  }, 90_000);
});
