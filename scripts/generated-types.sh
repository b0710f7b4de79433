#!/usr/bin/env bash
# Generates the TypeScript types that are build output (git ignores them), from what is committed:
# - the shared REST client's types (libs/api-client/src/generated/<service>.d.ts), by
#   openapi-typescript from the committed OpenAPI documents of triage, dispatch and analytics;
# - the gRPC types of libs/contracts/src/proto/intake.proto (libs/contracts/src/proto/generated/),
#   by proto-loader-gen-types with the loader options intake's server uses (keepCase, longs and
#   enums as strings, oneofs).
# `npm run build` runs this first, so the types always match their sources; each is regenerated
# only when its source is newer. The OpenAPI documents are what is committed and reviewed:
# `npm run openapi` exports them from the services' code (tools/openapi/export-openapi.ts; its
# unit test fails when a document is stale) and runs this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=libs/api-client/src/generated
for s in triage dispatch analytics; do
  if [[ ! "$DIR/$s.d.ts" -nt "$DIR/$s.openapi.json" ]]; then
    npx openapi-typescript "$DIR/$s.openapi.json" -o "$DIR/$s.d.ts" --silent >/dev/null
  fi
done
PROTO=libs/contracts/src/proto/intake.proto
OUT=libs/contracts/src/proto/generated
if [[ ! "$OUT/intake.ts" -nt "$PROTO" ]]; then
  rm -rf "$OUT"
  npx proto-loader-gen-types --keepCase --longs=String --enums=String --oneofs --includeComments \
    --grpcLib=@grpc/grpc-js --outDir="$OUT" "$PROTO" >/dev/null
fi
