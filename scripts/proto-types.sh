#!/usr/bin/env bash
# `npm run proto:types`: generates TypeScript types for libs/contracts/src/proto/intake.proto
# (proto-loader-gen-types, with the loader options intake's server uses: keepCase, longs and enums as
# strings, oneofs) into libs/contracts/src/proto/generated/, which is committed.
# `--check` (run by npm test) generates into a temporary folder and fails if the committed types differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=libs/contracts/src/proto/generated
generate() {
  rm -rf "$1"
  npx proto-loader-gen-types --keepCase --longs=String --enums=String --oneofs --includeComments \
    --grpcLib=@grpc/grpc-js --outDir="$1" libs/contracts/src/proto/intake.proto >/dev/null
}
if [[ "${1:-}" == --check ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  generate "$tmp/generated"
  if ! diff -r "$tmp/generated" "$OUT" >/dev/null; then
    diff -ru "$OUT" "$tmp/generated" | head -40 >&2 || true
    echo "$OUT is not what intake.proto generates: run npm run proto:types and commit it" >&2
    exit 1
  fi
  echo "gRPC types are current ($OUT)"
else
  generate "$OUT"
  echo "wrote $OUT"
fi
