#!/usr/bin/env bash
# A Docker engine for the container tests (.ci/run):
#   docker-engine.sh start   nothing if an engine answers; else (as root) installs Debian's docker.io
#                            when dockerd is missing, starts dockerd (log and pid in .data/docker/)
#                            and waits until it answers
#   docker-engine.sh stop    stops the dockerd that `start` started, and nothing else
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.data/docker"
PIDFILE="$DIR/dockerd.pid"
say() { printf '\033[1m[docker]\033[0m %s\n' "$*" >&2; }

case "${1:-}" in
  start)
    if command -v docker >/dev/null && docker info >/dev/null 2>&1; then say "engine already running; leaving it alone"; exit 0; fi
    [[ "$(id -u)" == 0 ]] || { say "no Docker engine answers, and starting one needs root"; exit 1; }
    if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
      say "installing Debian's docker.io (apt-get)"
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >&2
    fi
    mkdir -p "$DIR"
    say "starting dockerd (log: $DIR/dockerd.log)"
    setsid nohup dockerd >"$DIR/dockerd.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for ((i = 0; i < 300; i++)); do
      if docker info >/dev/null 2>&1; then say "engine ready ($(docker info --format '{{.ServerVersion}}, {{.Driver}}'))"; exit 0; fi
      kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -n 20 "$DIR/dockerd.log" >&2; rm -f "$PIDFILE"; say "dockerd exited"; exit 1; }
      sleep 0.2
    done
    say "dockerd did not answer within 60 s"; exit 1 ;;
  stop)
    [[ -f "$PIDFILE" ]] || exit 0
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping the dockerd started by this script (pid $pid)"
      kill -TERM "$pid"
      for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && { say "dockerd did not stop in 60 s; killing"; kill -KILL "$pid"; }
    fi
    rm -f "$PIDFILE" ;;
  *) echo "usage: docker-engine.sh start|stop" >&2; exit 2 ;;
esac
