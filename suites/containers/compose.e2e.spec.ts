import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { oidcSignIn, OIDC_RESOURCES } from '@callcenter/testing';

/**
 * The production path, in containers: docker-compose.yml with the images of `npm run images`,
 * production settings and generated secrets. suites/containers/run.sh builds the images, starts
 * the stack, waits for every health check and runs this with CONTAINER_TESTS=1 (skipped in the
 * normal `npm test` run). Everything goes through the published host ports as an outside client:
 * a report over gRPC with grpcurl (reflection is off in production, so grpcurl reads the .proto),
 * people signed in at the compose OIDC provider with code + PKCE, the REST APIs with their tokens.
 * Kafka's SASL_SSL and ACLs are checked from inside a service's container (docker compose exec,
 * CT_COMPOSE), Prometheus through its published port.
 */
const run = process.env.CONTAINER_TESTS === '1' ? describe : describe.skip;
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (suites/containers/run.sh sets it)`);
  return value;
};

run('docker compose: the production path end to end', () => {
  const host = '127.0.0.1';
  const url = (port: string) => `http://${host}:${env(port)}`;
  const issuer = () => url('HOST_PORT_OIDC');
  const consoleUrl = () => url('HOST_PORT_CONSOLE');
  const sha = Date.now().toString(36);

  async function signIn(username: string, resource: string): Promise<string> {
    const signedIn = await oidcSignIn({
      issuer: issuer(),
      username,
      password: 'polres-demo',
      clientSecret: env('CONSOLE_OIDC_CLIENT_SECRET'),
      redirectUri: `${consoleUrl()}/auth/callback`,
      resources: [resource],
    });
    return signedIn.accessTokens[resource];
  }

  async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  }

  async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
    const until = Date.now() + ms;
    let last: T | undefined;
    while (Date.now() < until) {
      last = await probe();
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${what}: not within ${ms} ms; last ${JSON.stringify(last)}`);
  }

  /** Runs a Node script in the triage container: its network, its own Kafka user and CA (its environment), its kafkajs. */
  async function inTriageContainer(script: string): Promise<string> {
    const [command, ...args] = JSON.parse(env('CT_COMPOSE')) as string[];
    const { stdout } = await promisify(execFile)(command, [...args, 'exec', '-T', 'triage', 'node', '-e', script], { timeout: 90_000 });
    return stdout;
  }

  it('Kafka takes only SASL_SSL clients with their own users, and triage cannot write the dispatch topic', async () => {
    // Each outcome is 'ok' or the kafkajs error type (or name) that refused it.
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const e = process.env;
      const ca = [require('node:fs').readFileSync(e.KAFKA_SSL_CA_FILE, 'utf8')];
      const triage = { ssl: { ca }, sasl: { mechanism: 'scram-sha-512', username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD } };
      const client = (clientId, security) => new Kafka({ clientId, brokers: e.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING,
        connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 1, initialRetryTime: 100 }, ...security });
      const outcome = (p) => p.then(() => 'ok', (err) => err.type || (err.cause && err.cause.type) || err.name);
      const listTopics = async (security) => { const admin = client('ct-probe', security).admin();
        try { return await outcome(admin.connect().then(() => admin.listTopics())); } finally { await admin.disconnect().catch(() => {}); } };
      (async () => {
        const result = {
          plaintext: await listTopics({}),
          tlsWithoutSasl: await listTopics({ ssl: { ca } }),
          wrongPassword: await listTopics({ ssl: { ca }, sasl: { ...triage.sasl, password: 'not-' + e.KAFKA_SASL_PASSWORD } }),
          triage: await listTopics(triage),
        };
        const producer = client('ct-triage', triage).producer({ allowAutoTopicCreation: false });
        await producer.connect();
        const send = (topic) => outcome(producer.send({ topic, acks: -1, messages: [{ key: 'ct', value: '{}' }] }));
        result.writeDispatchTopic = await send('callcenter.dispatch.events.v1');
        result.writeIntakeTopic = await send('callcenter.intake.events.v1');
        await producer.disconnect();
        console.log(JSON.stringify({ user: e.KAFKA_SASL_USERNAME, brokers: e.KAFKA_BROKERS, ...result }));
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const result = JSON.parse((await inTriageContainer(script)).trim().split('\n').pop()!);
    expect(result).toMatchObject({ user: 'triage', brokers: 'kafka:9092' });
    // The same broker and CA with triage's own user: connected (so the refusals below are the broker's).
    expect(result.triage).toBe('ok');
    // (a) no TLS, TLS without SASL, a wrong password: refused.
    expect(result.plaintext).not.toBe('ok');
    expect(result.tlsWithoutSasl).not.toBe('ok');
    expect(result.wrongPassword).toBe('KafkaJSSASLAuthenticationError');
    // (b) one writer per topic: triage may not write dispatch's topic, nor intake's, which it reads.
    expect(result.writeDispatchTopic).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(result.writeIntakeTopic).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('Prometheus scrapes every service (up) and has loaded the alert rules of infra/prometheus', async () => {
    const prometheus = url('HOST_PORT_PROMETHEUS');
    const services = ['intake', 'triage', 'dispatch', 'analytics', 'console', 'portal'];
    type Target = { labels: Record<string, string>; health: string; lastError: string };
    // A target scraped before its service was ready is `down` until the next scrape (15 s).
    const targets = await eventually(
      'every service target up',
      async () => ((await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } }).data.activeTargets,
      (active) => services.every((service) => active.some((t) => t.labels.service === service && t.health === 'up')),
      45_000,
    );
    expect(targets.map((t) => t.labels.service).sort()).toEqual([...services].sort());
    const up = (await (await fetch(`${prometheus}/api/v1/query?query=up`)).json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(Object.fromEntries(up.data.result.map((r) => [r.metric.service, r.value[1]]))).toEqual(Object.fromEntries(services.map((s) => [s, '1'])));

    const alertsFile = readFileSync(join(__dirname, '../../infra/prometheus/alerts.yml'), 'utf8');
    const alerts = [...alertsFile.matchAll(/^\s*- alert: (\w+)/gm)].map((m) => m[1]);
    expect(alerts.length).toBeGreaterThan(5);
    const rules = (await (await fetch(`${prometheus}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual([...alerts].sort());
    expect(loaded.filter((r) => r.health === 'err')).toEqual([]);
  });

  it('refuses what production must refuse: development tokens, no token, reflection', async () => {
    expect((await fetch(`${url('HOST_PORT_TRIAGE')}/dev/tokens`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url('HOST_PORT_TRIAGE')}/api/v1/queue`)).status).toBe(401);
    const listed = await promisify(execFile)(env('GRPCURL'), ['-plaintext', `${host}:${env('HOST_PORT_INTAKE_GRPC')}`, 'list']).catch((e) => e);
    expect(listed.stdout ?? '').not.toContain('callcenter.intake.v1.ReportIntake');
    // The console answers and sends people to the provider to sign in.
    const home = await fetch(`${consoleUrl()}/health/ready`);
    expect(home.status).toBe(200);
    // The citizens' portal serves its page.
    const portal = await fetch(`${url('HOST_PORT_PORTAL')}/`);
    expect(portal.status).toBe(200);
    expect(await portal.text()).toContain('<html');
  });

  it('takes a report from gRPC submission through triage and dispatch to resolution, and analytics shows it', async () => {
    const proto = join(__dirname, '../../libs/contracts/src/proto');
    const request = {
      source_system: 'mobile-app',
      external_id: `containers-${sha}`,
      channel: 'MOBILE_APP',
      reporter: { name: 'Siti', phone: '+6281234567890' },
      description: 'Kebakaran rumah di Jl. Tebet Raya 12, asap tebal, penghuni masih di dalam',
      location: { latitude: -6.2265, longitude: 106.8563, district: 'Tebet' },
    };
    const { stdout } = await promisify(execFile)(env('GRPCURL'), [
      '-plaintext',
      '-import-path',
      proto,
      '-proto',
      'intake.proto',
      '-H',
      `x-api-key: ${env('MOBILE_APP_API_KEY')}`,
      '-d',
      JSON.stringify(request),
      `${host}:${env('HOST_PORT_INTAKE_GRPC')}`,
      'callcenter.intake.v1.ReportIntake/SubmitReport',
    ]);
    const submitted = JSON.parse(stdout);
    const reportId: string = submitted.reportId ?? submitted.report_id;
    expect(reportId).toBeTruthy();

    const triage = url('HOST_PORT_TRIAGE');
    const operator = await signIn('op-budi', OIDC_RESOURCES.triage);
    await eventually(
      'the report in triage',
      () => call(triage, operator, 'GET', `/api/v1/reports/${reportId}`),
      (r) => r.status === 200,
    );
    expect((await call(triage, operator, 'POST', `/api/v1/reports/${reportId}/claim`)).status).toBe(200);
    expect(
      (await call(triage, operator, 'POST', `/api/v1/reports/${reportId}/classify`, { category: 'KEBAKARAN', priority: 'P1', district: 'TEBET' })).status,
    ).toBe(200);
    expect((await call(triage, operator, 'POST', `/api/v1/reports/${reportId}/forward`)).status).toBe(200);

    const dispatch = url('HOST_PORT_DISPATCH');
    const dispatcher = await signIn('dsp-andi', OIDC_RESOURCES.dispatch);
    const callSign = 'PATROL-TEBET-01';
    const registered = await call(dispatch, dispatcher, 'POST', '/api/v1/units', { callSign, type: 'PATROL_CAR', homeDistrict: 'TEBET', onShift: true });
    expect([200, 201, 409]).toContain(registered.status);
    const found = await eventually(
      'the incident',
      () => call(dispatch, dispatcher, 'GET', `/api/v1/incidents?reportId=${reportId}`),
      (r) => r.body?.total === 1,
    );
    const incidentId: string = found.body.items[0].incidentId;
    expect((await call(dispatch, dispatcher, 'POST', `/api/v1/incidents/${incidentId}/assign`, { unitId: callSign })).body).toMatchObject({
      status: 'ASSIGNED',
    });

    const unit = await signIn('patrol-tebet-01', OIDC_RESOURCES.dispatch);
    expect((await call(dispatch, unit, 'POST', `/api/v1/incidents/${incidentId}/acknowledge`)).body.status).toBe('ACKNOWLEDGED');
    expect((await call(dispatch, unit, 'POST', `/api/v1/incidents/${incidentId}/en-route`)).body.status).toBe('EN_ROUTE');
    expect((await call(dispatch, unit, 'POST', `/api/v1/incidents/${incidentId}/arrive`)).body.status).toBe('ON_SCENE');
    const resolved = await call(dispatch, unit, 'POST', `/api/v1/incidents/${incidentId}/resolve`, {
      outcome: 'HANDLED_ON_SCENE',
      summary: 'Api dipadamkan bersama Damkar',
    });
    expect(resolved.body.status).toBe('RESOLVED');

    const analytics = url('HOST_PORT_ANALYTICS');
    const analyst = await signIn('an-dewi', OIDC_RESOURCES.analytics);
    const timeline = await eventually(
      'the resolution in the analytics timeline',
      () => call(analytics, analyst, 'GET', `/api/v1/reports/${reportId}/timeline`),
      (r) => r.status === 200 && r.body.events.some((e: { type: string }) => e.type === 'IncidentResolved'),
    );
    const types: string[] = timeline.body.events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('ReportReceived');
    expect(types).toEqual(expect.arrayContaining(['ReportClaimed', 'ReportForwardedForDispatch', 'UnitAssigned', 'IncidentResolved']));
    expect(timeline.body.events.find((e: { type: string }) => e.type === 'ReportClaimed').actor).toBe('op-budi');
    const volume = await call(analytics, analyst, 'GET', '/api/v1/stats/volume');
    expect(volume.status).toBe(200);
    expect(JSON.stringify(volume.body)).toContain('KEBAKARAN');
  });
});
