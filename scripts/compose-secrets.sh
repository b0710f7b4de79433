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
# Kafka: KAFKA_PASSWORD_<SERVICE>, the SCRAM password of each user in infra/kafka/acls.conf; the
# job kafka-security gives them to the broker, each service gets its own (KAFKA_SASL_PASSWORD).
# A kept file that lacks some of them (made before the broker required them) gets them appended.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-$ROOT/.env.compose}"
[[ "${1:-}" == --force ]] && { FILE="${2:-$ROOT/.env.compose}"; rm -f "$FILE"; }
secret() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
umask 077
kafka_passwords() { # the KAFKA_PASSWORD_<USER> lines $FILE lacks
  local user var
  for user in $(sed -e 's/#.*//' "$ROOT/infra/kafka/acls.conf" | awk 'NF == 5 { print $1 }' | sort -u); do
    var="KAFKA_PASSWORD_${user^^}"
    grep -q "^$var=" "$FILE" 2>/dev/null || echo "$var=$(secret)"
  done
}
if [[ -s "$FILE" ]]; then
  added="$(kafka_passwords)"
  [[ -z "$added" ]] || { echo "$added" >>"$FILE"; echo "$FILE: added $(wc -l <<<"$added") Kafka password(s)" >&2; }
  grep -q '^PERSONAL_DATA_MASTER_KEY=' "$FILE" || echo "PERSONAL_DATA_MASTER_KEY=$(secret)" >>"$FILE"
  echo "$FILE exists; keeping it (--force makes new secrets)" >&2; exit 0
fi
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
$(kafka_passwords)
ENV
echo "wrote $FILE" >&2
