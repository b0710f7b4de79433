#!/usr/bin/env bash
# Generates the TypeScript types of the shared REST client (libs/api-client) from the committed
# OpenAPI documents of triage, dispatch and analytics (openapi-typescript), into
# libs/api-client/src/generated/<service>.d.ts. The types are build output (git ignores them):
# `npm run build` runs this first, so they always match the committed documents. The documents are
# what is committed and reviewed: `npm run openapi` exports them from the services' code
# (tools/openapi/export-openapi.ts; its unit test fails when a document is stale) and runs this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=libs/api-client/src/generated
SERVICES=(triage dispatch analytics)
for s in "${SERVICES[@]}"; do
  if [[ ! "$DIR/$s.d.ts" -nt "$DIR/$s.openapi.json" ]]; then
    npx openapi-typescript "$DIR/$s.openapi.json" -o "$DIR/$s.d.ts" --silent >/dev/null
  fi
done
