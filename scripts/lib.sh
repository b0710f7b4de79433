# Shared by scripts/start.sh and scripts/test.sh.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\033[1m[callcenter]\033[0m %s\n' "$*" >&2; }

# Installs npm packages when node_modules is missing or older than the lockfile, then builds.
ensure_built() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
  say "building (swc)"
  # No `rm -rf dist`: services and benchmarks may be running from it (swc overwrites in place).
  npm run --silent build >&2
}

SERVICES=(intake triage dispatch analytics)

# Independent gRPC clients the tests and benchmarks use (Go modules, cached in .cache/tools).
ensure_grpc_tools() {
  local bin="$ROOT/.cache/tools/bin"
  if [[ ! -x "$bin/grpcurl" ]]; then
    say "building grpcurl (go install)"
    GOBIN="$bin" go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3 >&2
  fi
  if [[ "${1:-}" == "--with-ghz" && ! -x "$bin/ghz" ]]; then
    say "building ghz (go install)"
    GOBIN="$bin" go install github.com/bojand/ghz/cmd/ghz@v0.120.0 >&2
  fi
}
