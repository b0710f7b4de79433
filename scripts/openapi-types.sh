#!/usr/bin/env bash
# Generates the TypeScript types of the shared REST client (libs/api-client) from the committed
# OpenAPI documents of triage, dispatch and analytics (openapi-typescript), into
# libs/api-client/src/generated/<service>.d.ts, which are committed. `npm run openapi` exports the
# documents from the services' code first (tools/openapi/export-openapi.ts; its unit test fails when
# a document is stale) and then runs this.
# `--check` (run by npm test) generates into a temporary folder and fails if the committed types differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=libs/api-client/src/generated
SERVICES=(triage dispatch analytics)
generate() {
  for s in "${SERVICES[@]}"; do npx openapi-typescript "$DIR/$s.openapi.json" -o "$1/$s.d.ts" --silent >/dev/null; done
}
if [[ "${1:-}" == --check ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  generate "$tmp"
  for s in "${SERVICES[@]}"; do
    if ! diff -q "$tmp/$s.d.ts" "$DIR/$s.d.ts" >/dev/null; then
      diff -u "$DIR/$s.d.ts" "$tmp/$s.d.ts" | head -40 >&2 || true
      echo "$DIR/$s.d.ts is not what $s.openapi.json generates: run npm run openapi and commit it" >&2
      exit 1
    fi
  done
  echo "OpenAPI types are current ($DIR)"
else
  generate "$DIR"
  echo "wrote the types of ${SERVICES[*]} in $DIR"
fi
