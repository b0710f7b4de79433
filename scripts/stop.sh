#!/usr/bin/env bash
# `npm run stop`: SIGTERM to each service (they finish in-flight work, commit offsets and close
# connections), then the infrastructure. Leaves no process behind.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DATA="${INFRA_DATA_DIR:-$ROOT/.data}"
pids=()
for svc in simulator "${SERVICES[@]}"; do
  pidfile="$DATA/run/$svc.pid"
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then say "stopping $svc"; kill -TERM "$pid"; pids+=("$pid"); fi
  rm -f "$pidfile"
done
for pid in "${pids[@]}"; do
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { say "pid $pid did not stop in 30s; killing"; kill -KILL "$pid"; }
done
bash infra/bin/infra stop
