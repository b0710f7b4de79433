#!/usr/bin/env bash
# Writes the secrets docker-compose.yml needs into .env.compose (ignored by git and by docker
# builds, mode 600), each a fresh random value of 32 bytes (43 base64url characters), which the
# services' production checks accept (libs/platform/src/config.ts: ≥ 32 bytes, no known
# development value). An existing file is kept, so the calling systems' keys and the caller
# references (HMAC with CALLER_REF_KEY) stay the same across runs; `--force` makes new ones. Then:
#   docker compose --env-file .env.compose up -d --wait
# Values both sides must share are written once: the portal's PORTAL_INTAKE_API_KEY is intake's
# `web-portal` key; the console's client secret goes to the provider (OIDC_CONSOLE_CLIENT_SECRET,
# which registers the client) and to the console (CONSOLE_OIDC_CLIENT_SECRET).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-$ROOT/.env.compose}"
[[ "${1:-}" == --force ]] && { FILE="${2:-$ROOT/.env.compose}"; rm -f "$FILE"; }
if [[ -s "$FILE" ]]; then echo "$FILE exists; keeping it (--force makes new secrets)" >&2; exit 0; fi
secret() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
umask 077
console_secret="$(secret)"
portal_key="$(secret)"
cat >"$FILE" <<ENV
# Made by scripts/compose-secrets.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Secret: do not commit or share.
AUTH_JWT_SECRET=$(secret)
CALLER_REF_KEY=$(secret)
PERSONAL_DATA_MASTER_KEY=$(secret)
INTAKE_API_KEYS=mobile-app=$(secret),web-portal=$portal_key,hotline-110=$(secret),sms-gateway=$(secret),whatsapp-gateway=$(secret)
PORTAL_INTAKE_API_KEY=$portal_key
CONSOLE_OIDC_CLIENT_SECRET=$console_secret
OIDC_CONSOLE_CLIENT_SECRET=$console_secret
ENV
echo "wrote $FILE" >&2
