#!/usr/bin/env bash
# Starts the broker: writes /tmp/kafka/server.properties (defaults + KAFKA_CFG_* variables), formats
# the log directory on first start (CLUSTER_ID, or a random one), then execs kafka.Kafka as PID 1's
# child so SIGTERM stops it cleanly. The root filesystem may be read-only: only /tmp and the data
# volume are written. KAFKA_BASE_CONFIG replaces the image's defaults (compose: the SASL_SSL
# configuration security-init.sh rendered); KAFKA_FORMAT_ARGS_FILE holds extra StorageTool format
# arguments, one a line (the admin's SCRAM credential).
set -euo pipefail
CONF=/tmp/kafka/server.properties
mkdir -p /tmp/kafka /tmp/kafka-logs
declare -A overrides=()
while IFS='=' read -r name value; do
  [[ "$name" == KAFKA_CFG_* ]] || continue
  key="$(tr '[:upper:]_' '[:lower:].' <<<"${name#KAFKA_CFG_}")"
  overrides[$key]="$value"
done < <(env)
while IFS= read -r line; do
  key="${line%%=*}"
  if [[ "$line" != \#* && -n "$line" && -v "overrides[$key]" ]]; then continue; fi
  printf '%s\n' "$line"
done <"${KAFKA_BASE_CONFIG:-/opt/kafka/config/server.properties}" >"$CONF"
for key in "${!overrides[@]}"; do printf '%s=%s\n' "$key" "${overrides[$key]}" >>"$CONF"; done

JVM=(java "-Xms${KAFKA_HEAP}" "-Xmx${KAFKA_HEAP}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
     -Djava.awt.headless=true -Dkafka.logs.dir=/tmp/kafka-logs -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties
     -cp '/opt/kafka/libs/*' ${KAFKA_JVM_OPTS:-})
DATA_DIR="$(sed -n 's/^log\.dirs=//p' "$CONF" | tail -n1)"
if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
  id="${CLUSTER_ID:-$("${JVM[@]}" kafka.tools.StorageTool random-uuid)}"
  format_extra=()
  [[ -n "${KAFKA_FORMAT_ARGS_FILE:-}" ]] && mapfile -t format_extra <"$KAFKA_FORMAT_ARGS_FILE"
  echo "formatting $DATA_DIR for cluster $id" >&2
  "${JVM[@]}" kafka.tools.StorageTool format -t "$id" -c "$CONF" --ignore-formatted "${format_extra[@]}" >&2
fi
exec "${JVM[@]}" kafka.Kafka "$CONF"
