// Test infrastructure in containers (scripts/test.sh with TEST_INFRA=containers): Kafka, the
// database stand-in and the OIDC provider from the images of `npm run images`, started with
// testcontainers on the same host ports the local processes would use, so everything else
// (services started by the tests on the host, the browser tests' redirect URIs) is unchanged.
//
//   node scripts/test-infra-containers.mjs <env-file>
//
// Writes KAFKA_BROKERS, MONGODB_URI, OIDC_ISSUER and the container ids (for `infra restart-kafka`
// and `restart-db`, which the fault tests use) to <env-file>, then runs until SIGTERM/SIGINT and
// removes the containers. Ryuk (testcontainers' reaper) cannot be pulled here, so it is disabled
// and this process cleans up by label; containers left by a run that died (its pid gone) are
// removed at the next start.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
const { GenericContainer, Wait } = await import('testcontainers');

const out = process.argv[2];
if (!out) throw new Error('usage: test-infra-containers.mjs <env-file>');
const tag = process.env.CALLCENTER_IMAGE_TAG || 'local';
const ports = {
  kafka: Number(process.env.KAFKA_PORT || 19092),
  db: Number(process.env.DB_PORT || 37017),
  oidc: Number(process.env.OIDC_PORT || 18080),
};
const LABEL = 'callcenter.test-infra';
const labels = { [LABEL]: 'true', [`${LABEL}.pid`]: String(process.pid) };
const log = (msg) => process.stderr.write(`[test-infra] ${msg}\n`);

function docker(...args) {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}
function removeContainers(ids) {
  if (ids.length) docker('rm', '-f', '-v', ...ids);
}
/** Containers of earlier runs whose process is gone (a run killed before it could clean up). */
function removeOrphans() {
  const rows = docker('ps', '-a', '--filter', `label=${LABEL}`, '--format', `{{.ID}} {{.Label "${LABEL}.pid"}}`);
  const dead = rows
    .split('\n')
    .filter(Boolean)
    .map((row) => row.split(' '))
    .filter(([, pid]) => {
      try {
        process.kill(Number(pid), 0);
        return false;
      } catch {
        return true;
      }
    })
    .map(([id]) => id);
  if (dead.length) log(`removing ${dead.length} container(s) left by an earlier run`);
  removeContainers(dead);
}

removeOrphans();
const started = [];
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  removeContainers(docker('ps', '-a', '-q', '--filter', `label=${LABEL}.pid=${process.pid}`).split('\n').filter(Boolean));
  log('containers removed');
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

try {
  const t0 = Date.now();
  const [kafka, db, oidc] = await Promise.all([
    new GenericContainer(`callcenter/kafka:${tag}`)
      .withLabels(labels)
      .withExposedPorts({ container: 9092, host: ports.kafka })
      .withEnvironment({
        KAFKA_CFG_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${ports.kafka}`,
        KAFKA_HEAP: process.env.KAFKA_HEAP || '512m',
      })
      .withTmpFs({ '/tmp': 'rw' })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(180_000)
      .start(),
    new GenericContainer(`callcenter/mongo-java-server:${tag}`)
      .withLabels(labels)
      .withExposedPorts({ container: 27017, host: ports.db })
      .withEnvironment({ DB_HEAP: process.env.DB_HEAP || '2g' })
      .withTmpFs({ '/tmp': 'rw' })
      .withWaitStrategy(Wait.forLogMessage(/listening on/))
      .withStartupTimeout(120_000)
      .start(),
    new GenericContainer(`callcenter/oidc-provider:${tag}`)
      .withLabels(labels)
      .withExposedPorts({ container: 8080, host: ports.oidc })
      .withEnvironment({
        NODE_ENV: 'test',
        OIDC_PORT: '8080',
        OIDC_PUBLIC_ISSUER: `http://127.0.0.1:${ports.oidc}`,
        ...(process.env.OIDC_CONSOLE_REDIRECT_URIS ? { OIDC_CONSOLE_REDIRECT_URIS: process.env.OIDC_CONSOLE_REDIRECT_URIS } : {}),
        ...(process.env.OIDC_CONSOLE_POST_LOGOUT_URIS ? { OIDC_CONSOLE_POST_LOGOUT_URIS: process.env.OIDC_CONSOLE_POST_LOGOUT_URIS } : {}),
      })
      .withWaitStrategy(Wait.forHttp('/.well-known/openid-configuration', 8080).forStatusCode(200))
      .withStartupTimeout(60_000)
      .start(),
  ]);
  started.push(kafka, db, oidc);
  writeFileSync(
    out,
    [
      `KAFKA_BROKERS=127.0.0.1:${ports.kafka}`,
      `MONGODB_URI=mongodb://127.0.0.1:${ports.db}`,
      `OIDC_ISSUER=http://127.0.0.1:${ports.oidc}`,
      `TEST_INFRA_KAFKA_CONTAINER=${kafka.getId()}`,
      `TEST_INFRA_DB_CONTAINER=${db.getId()}`,
      'READY=1',
      '',
    ].join('\n'),
  );
  log(`Kafka, database and OIDC provider ready in containers after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  setInterval(() => undefined, 1 << 30);
} catch (e) {
  log(`could not start the test infrastructure in containers: ${e.message}`);
  await stop(1);
}
