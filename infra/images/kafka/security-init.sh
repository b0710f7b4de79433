#!/usr/bin/env bash
# One-shot job of docker-compose.yml (service `kafka-security`), before the broker starts: Kafka with
# SASL/SCRAM-SHA-512 over TLS and ACLs, as KAFKA_SECURITY=sasl-ssl does locally, with the same
# steps of infra/kafka/kafka-security (copied into the image at /opt/kafka/security):
#   - each service's password from KAFKA_PASSWORD_<USER> (scripts/compose-secrets.sh), for every
#     user of acls.conf, into <dir>/secrets/<user>.password;
#   - `prepare`: the CA, the broker certificate (SAN kafka, localhost, 127.0.0.1) and the admin,
#     controller and keystore passwords (random, made once, kept in the private volume);
#   - `render`: the broker configuration server-sasl-ssl.properties, clients on 0.0.0.0:9092
#     advertised as kafka:9092, the controller on 127.0.0.1:9093, into <dir>/server.properties;
#   - `format-args`: the admin's SCRAM credential, which the broker adds when it formats its storage.
# The CA certificate alone (what clients trust, KAFKA_SSL_CA_FILE) goes to the shared volume <ca-dir>.
# The users and ACLs are applied once the broker runs (service `kafka-acls`: kafka-security bootstrap).
#   security-init.sh [dir] [ca-dir]     (defaults /var/lib/kafka/security, /var/lib/kafka/ca)
set -euo pipefail
DIR="${1:-/var/lib/kafka/security}"
CA_DIR="${2:-/var/lib/kafka/ca}"
KSEC=/opt/kafka/security/kafka-security
umask 077
mkdir -p "$DIR/secrets"
missing=()
for user in $(sed -e 's/#.*//' /opt/kafka/security/acls.conf | awk 'NF == 5 { print $1 }' | sort -u); do
  var="KAFKA_PASSWORD_${user^^}"
  if [[ -z "${!var:-}" ]]; then missing+=("$var"); continue; fi
  printf '%s\n' "${!var}" > "$DIR/secrets/$user.password"
done
if (( ${#missing[@]} )); then echo "kafka-security: ${missing[*]} not set (scripts/compose-secrets.sh makes them)" >&2; exit 1; fi
bash "$KSEC" prepare "$DIR"
bash "$KSEC" render "$DIR" /opt/kafka/security/server-sasl-ssl.properties "$DIR/server.properties" \
  9092 9093 /var/lib/kafka/data 0.0.0.0 kafka 127.0.0.1
# The listener for tools on the Docker host (EXTERNAL, published on HOST_PORT_KAFKA): SASL_SSL too.
echo 'listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;' >> "$DIR/server.properties"
bash "$KSEC" format-args "$DIR" > "$DIR/format-args"
cp "$DIR/tls/ca.pem" "$CA_DIR/ca.pem"
chmod 755 "$CA_DIR" && chmod 644 "$CA_DIR/ca.pem"
echo "kafka-security: CA, broker certificate and $(ls "$DIR/secrets" | wc -l) passwords ready" >&2
