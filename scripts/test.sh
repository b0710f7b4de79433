#!/usr/bin/env bash
# `npm test`: installs and builds what is missing, lints, checks formatting, type-checks, starts a separate test instance of
# Kafka, the database and the OIDC provider (own ports and data folder, wiped each run, so it can
# run beside `npm start` and twice in a row), runs every tier of tests and stops what it started.
# They are local processes (infra/bin/infra); with TEST_INFRA=containers and a Docker engine,
# containers of the `npm run images` images started by testcontainers (scripts/test-infra-containers.mjs).
# With KAFKA_BROKERS, MONGODB_URI and OIDC_ISSUER set, it uses those servers instead.
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node

ensure_built
# Lint (typescript-eslint and the import boundaries of eslint.config.mjs) and formatting (Prettier),
# first: a violation fails the run before any infrastructure starts.
say "lint and import boundaries (npm run lint) and format (npm run format:check)"
npm run --silent lint
npm run --silent format:check
ensure_grpc_tools
ensure_chromium
ensure_prometheus
ensure_xmllint
say "type-checking (tsc --noEmit)"
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/console/web/tsconfig.json --noEmit
npx tsc -p apps/portal/web/tsconfig.json --noEmit

if [[ -z "${KAFKA_BROKERS:-}" || -z "${MONGODB_URI:-}" || -z "${OIDC_ISSUER:-}" ]]; then
  export INFRA_DATA_DIR="$ROOT/.data/test" KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
  export KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-19093}" DB_PORT="${TEST_DB_PORT:-37017}"
  export OIDC_PORT="${TEST_OIDC_PORT:-18080}"
  unset KAFKA_BROKERS MONGODB_URI OIDC_ISSUER
  # The consoles the browser tests and the console bench start sign in here.
  export OIDC_CONSOLE_REDIRECT_URIS="http://127.0.0.1:13300/auth/callback,http://127.0.0.1:13400/auth/callback"
  export OIDC_CONSOLE_POST_LOGOUT_URIS="http://127.0.0.1:13300/,http://127.0.0.1:13400/"
  bash infra/bin/infra reset
  if [[ "${TEST_INFRA:-}" == containers ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    # Kafka, database and OIDC provider from testcontainers on the same ports (images: npm run images).
    for image in kafka mongo-java-server oidc-provider; do
      docker image inspect "callcenter/$image:${CALLCENTER_IMAGE_TAG:-local}" >/dev/null 2>&1 || { bash scripts/images.sh; break; }
    done
    say "test infrastructure: containers (testcontainers: Kafka, database stand-in, OIDC provider)"
    mkdir -p "$INFRA_DATA_DIR"
    node scripts/test-infra-containers.mjs "$INFRA_DATA_DIR/containers.env" &
    infra_pid=$!
    trap 'kill -TERM $infra_pid 2>/dev/null; wait $infra_pid' EXIT
    until grep -qs '^READY=1' "$INFRA_DATA_DIR/containers.env"; do
      kill -0 "$infra_pid" 2>/dev/null || { say "the test infrastructure containers did not start"; exit 1; }
      sleep 0.5
    done
    set -a; source "$INFRA_DATA_DIR/containers.env"; set +a
  else
    [[ "${TEST_INFRA:-}" == containers ]] && say "TEST_INFRA=containers, but no Docker engine answers"
    say "test infrastructure: local processes (infra/bin/infra; TEST_INFRA=containers with a Docker engine uses containers)"
    trap 'bash infra/bin/infra stop' EXIT
    bash infra/bin/infra start
    export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" MONGODB_URI="mongodb://127.0.0.1:$DB_PORT"
    export OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"
  fi
fi
export NODE_ENV=test KAFKAJS_NO_PARTITIONER_WARNING=1
export DEV_AUTH=1
say "running tests against Kafka $KAFKA_BROKERS and $MONGODB_URI"
# --forceExit: a kafkajs connection some test leaves open must not keep CI waiting after the last test;
# the services tests started are killed when the test process exits (libs/testing).
npx jest --runInBand --forceExit "$@"
