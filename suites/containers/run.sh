#!/usr/bin/env bash
# The container test (`npm run test:containers`; .ci/run runs it after `npm test`): builds the
# images (`npm run images`), starts docker-compose.yml with freshly generated secrets on its own
# project name and host ports, waits until every health check passes, runs
# suites/containers/compose.e2e.spec.ts against the published ports and inside the containers
# (CONTAINER_TESTS=1, CT_COMPOSE), then
# `docker compose down -v` and checks that no container, volume or network of the project is left.
# Needs a Docker engine (.ci/run starts one). Host ports: CT_PORT_BASE (31) followed by the last
# three digits of the default port (console 31300, intake 31051 gRPC and 31301, OIDC 31080,
# Prometheus 31090, …), below Linux's ephemeral range (32768–60999), where a busy machine's
# outgoing connections took 41302 from under `up` twice;
# CT_SKIP_IMAGES=1 uses the images as they are.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
ensure_node
ensure_grpc_tools

PROJECT="${CT_PROJECT:-callcenter-ct-$$}"
B="${CT_PORT_BASE:-31}"
export HOST_PORT_CONSOLE="${B}300" HOST_PORT_INTAKE_GRPC="${B}051" HOST_PORT_INTAKE="${B}301" HOST_PORT_TRIAGE="${B}302"
export HOST_PORT_DISPATCH="${B}303" HOST_PORT_ANALYTICS="${B}304" HOST_PORT_OIDC="${B}080" HOST_PORT_KAFKA="${B}092" HOST_PORT_DB="${B}017"
export HOST_PORT_PORTAL="${B}305" HOST_PORT_PROMETHEUS="${B}090"

# Compose v2: the docker CLI plugin when there is one, else built once from the Go module proxy
# into .cache/tools/bin (`go install …/cmd@v2` refuses: the module's go.mod has exclude directives).
COMPOSE_VERSION=v2.40.3
ensure_compose() {
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); return; fi
  local bin="$ROOT/.cache/tools/bin/docker-compose" work dir
  if [[ ! -x "$bin" ]] || ! "$bin" version 2>/dev/null | grep -q "$COMPOSE_VERSION"; then
    say "building Docker Compose $COMPOSE_VERSION (Go module proxy; a few minutes, once)"
    work="$(mktemp -d)"
    dir="$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    cp -r "$dir" "$work/compose" && chmod -R u+w "$work/compose"
    (cd "$work/compose" && go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" -o "$bin" ./cmd) >&2
    rm -rf "$work"
  fi
  COMPOSE=("$bin")
}
ensure_compose

t0=$SECONDS
if [[ "${CT_SKIP_IMAGES:-0}" != 1 ]]; then bash scripts/images.sh; fi
t_images=$((SECONDS - t0))

WORK="$(mktemp -d /tmp/callcenter-ct.XXXXXX)"
bash scripts/compose-secrets.sh "$WORK/env" 2>/dev/null
dc() { "${COMPOSE[@]}" --progress "${CT_PROGRESS:-quiet}" -p "$PROJECT" -f "$ROOT/docker-compose.yml" --env-file "$WORK/env" "$@"; }
label="com.docker.compose.project=$PROJECT"
volumes_in_use=() # every volume the project's containers mount, anonymous ones too (they carry no label)
leftovers() {
  { docker ps -aq --filter "label=$label"; docker volume ls -q --filter "label=$label"; docker network ls -q --filter "label=$label"
    for v in "${volumes_in_use[@]}"; do if docker volume inspect "$v" >/dev/null 2>&1; then echo "$v"; fi; done; } | wc -l
}
cleanup() {
  local rc=$?
  if [[ $rc != 0 ]]; then
    say "containers: failed; state and the last log lines follow"
    dc ps -a >&2 || true
    dc logs --no-color --tail 40 >&2 || true
  fi
  dc down -v --remove-orphans --timeout 30 >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

say "containers: docker compose up (project $PROJECT, console on 127.0.0.1:$HOST_PORT_CONSOLE)"
t1=$SECONDS
dc up -d --wait --wait-timeout "${CT_UP_TIMEOUT:-300}" >&2
t_up=$((SECONDS - t1))
say "containers: every service healthy after ${t_up} s"
dc ps --format '{{.Service}} {{.Status}}' >&2 2>/dev/null || dc ps >&2

# Production refused nothing it should not have: the services started with the generated secrets.
set -a
# shellcheck disable=SC1091
source "$WORK/env"
set +a
export MOBILE_APP_API_KEY="$(sed -E 's/.*mobile-app=([^,]+).*/\1/' <<<"$INTAKE_API_KEYS")"
export GRPCURL="$ROOT/.cache/tools/bin/grpcurl" CONTAINER_TESTS=1
# The compose command of this project, for the checks run inside the containers (docker compose exec).
CT_COMPOSE="$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${COMPOSE[@]}" -p "$PROJECT" -f "$ROOT/docker-compose.yml" --env-file "$WORK/env")"
export CT_COMPOSE
t2=$SECONDS
npx jest --selectProjects e2e --runTestsByPath suites/containers/compose.e2e.spec.ts
t_test=$((SECONDS - t2))

mapfile -t volumes_in_use < <(docker inspect --format '{{range .Mounts}}{{if .Name}}{{.Name}}{{"\n"}}{{end}}{{end}}' $(docker ps -aq --filter "label=$label") | grep . || true)
t3=$SECONDS
dc down -v --remove-orphans --timeout 30 >&2
t_down=$((SECONDS - t3))
left="$(leftovers)"
if [[ "$left" != 0 ]]; then say "containers: $left containers/volumes/networks of $PROJECT left after down -v"; exit 1; fi
say "containers: passed; images ${t_images} s, up to healthy ${t_up} s, tests ${t_test} s, down ${t_down} s, nothing left"
