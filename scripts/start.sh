#!/usr/bin/env bash
# `npm start`: installs and builds what is missing, starts Kafka, the database (mongo-java-server)
# and the OIDC provider (infra/bin/infra), then the services; waits until every one is ready and
# prints where they listen. Ctrl-C stops everything. (Containers: README, "Deploying".)
# `npm start -- --detach` returns once ready; `npm run stop` stops it later.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node

DETACH=0
DEMO=0
for arg in "$@"; do [[ "$arg" == "--detach" ]] && DETACH=1; [[ "$arg" == "--demo" ]] && DEMO=1; done

DATA="${INFRA_DATA_DIR:-$ROOT/.data}"
mkdir -p "$DATA/run" "$DATA/logs"

ensure_built
bash infra/bin/infra start
export OIDC_ISSUER="${OIDC_ISSUER:-http://127.0.0.1:${OIDC_PORT:-8080}}"

port_of() {
  case "$1" in
    intake) echo "${INTAKE_HTTP_PORT:-3001}" ;; triage) echo "${TRIAGE_HTTP_PORT:-3002}" ;;
    dispatch) echo "${DISPATCH_HTTP_PORT:-3003}" ;; analytics) echo "${ANALYTICS_HTTP_PORT:-3004}" ;;
    console) echo "${CONSOLE_HTTP_PORT:-3000}" ;; portal) echo "${PORTAL_HTTP_PORT:-3005}" ;;
  esac
}

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export MONGODB_URI="${MONGODB_URI:-mongodb://127.0.0.1:${DB_PORT:-27017}}"
export NODE_ENV="${NODE_ENV:-development}"
if [[ "$NODE_ENV" == development ]]; then export DEV_AUTH="${DEV_AUTH:-1}"; fi

for svc in "${SERVICES[@]}"; do
  pidfile="$DATA/run/$svc.pid"
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
  say "starting $svc"
  nohup node --enable-source-maps "dist/apps/$svc/src/main.js" >"$DATA/logs/$svc.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
done

for svc in "${SERVICES[@]}"; do
  port="$(port_of "$svc")"
  for ((i = 0; i < 300; i++)); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$DATA/run/$svc.pid")" 2>/dev/null; then
      say "$svc exited during start-up:"; tail -n 20 "$DATA/logs/$svc.log" >&2; bash scripts/stop.sh; exit 1
    fi
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { say "$svc not ready after 60s"; bash scripts/stop.sh; exit 1; }
done

cat <<INFO

  Polres Call Center is up.
    Kafka               ${KAFKA_BROKERS}
    Database            ${MONGODB_URI}   (mongo-java-server with H2 unless MONGODB_URI points elsewhere)
    console             http://127.0.0.1:$(port_of console)/   (sign in as op-budi / polres-demo; see README)
    portal              http://127.0.0.1:$(port_of portal)/   (citizens: report, follow by tracking code, public statistics)
    OIDC provider       ${OIDC_ISSUER}   (sign-in; demo users in infra/oidc-provider/README.md)
    intake   gRPC       127.0.0.1:${INTAKE_GRPC_PORT:-50051}   (callcenter.intake.v1.ReportIntake)
    intake   HTTP       http://127.0.0.1:$(port_of intake)      /health/ready  /metrics
    triage   REST       http://127.0.0.1:$(port_of triage)/api/v1   docs: http://127.0.0.1:$(port_of triage)/docs
    dispatch REST       http://127.0.0.1:$(port_of dispatch)/api/v1   docs: http://127.0.0.1:$(port_of dispatch)/docs
    analytics REST      http://127.0.0.1:$(port_of analytics)/api/v1   docs: http://127.0.0.1:$(port_of analytics)/docs
    logs                $DATA/logs/<service>.log

INFO

if [[ $DEMO == 1 ]]; then
  # Demo mode: the simulator feeds the platform a day of traffic at 60x with operator, dispatcher
  # and unit bots, so the queue, the incidents and the analytics fill with live numbers at once.
  say "demo: the simulator is feeding the platform (log: $DATA/logs/simulator.log)"
  nohup node dist/tools/simulator/src/simulate.js --period 24h --speed 60 --reports-per-hour 240 --bots --operators 6 --units 20 \
    --ledger "$DATA/logs/simulator-ledger.jsonl" >"$DATA/logs/simulator.log" 2>&1 </dev/null &
  echo $! >"$DATA/run/simulator.pid"
fi
if [[ $DETACH == 1 ]]; then say "detached; stop with: npm run stop"; exit 0; fi
say "running; Ctrl-C stops the services and the infrastructure"
trap 'bash scripts/stop.sh; exit 0' INT TERM
while true; do
  for svc in "${SERVICES[@]}"; do
    if ! kill -0 "$(cat "$DATA/run/$svc.pid" 2>/dev/null)" 2>/dev/null; then
      say "$svc stopped unexpectedly; see $DATA/logs/$svc.log"; bash scripts/stop.sh; exit 1
    fi
  done
  sleep 2 & wait $!
done
