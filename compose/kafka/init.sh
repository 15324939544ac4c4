#!/usr/bin/env bash
# One-shot run by compose (service kafka-init) once the three brokers accept connections: waits for the KRaft quorum
# to answer, then turns share groups on (share.version=1) unless they already are. Safe to run any number of times.
set -euo pipefail

BOOTSTRAP="${BOOTSTRAP:-kafka-1:9092,kafka-2:9092,kafka-3:9092}"
BIN=/opt/kafka/bin

# Signed in as the administrator: its password goes from the environment into a file only this script reads.
umask 077
ADMIN="$(mktemp)"
printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="dsp-admin" password="%s";\n' \
  "$KAFKA_ADMIN_PASSWORD" > "$ADMIN"
unset KAFKA_ADMIN_PASSWORD

for attempt in $(seq 1 60); do
  if features="$("$BIN/kafka-features.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" describe 2>/dev/null)"; then
    break
  fi
  echo "kafka-init: quorum not answering yet (attempt $attempt/60)"
  sleep 5
done
if [ -z "${features:-}" ]; then
  echo "kafka-init: the cluster did not answer within 5 minutes; see docker compose logs kafka-1 kafka-2 kafka-3" >&2
  exit 1
fi

if grep -Eq 'Feature: share\.version.*FinalizedVersionLevel: [1-9]' <<<"$features"; then
  echo "kafka-init: share groups already on"
else
  "$BIN/kafka-features.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" upgrade --feature share.version=1
  echo "kafka-init: share groups turned on (share.version=1)"
fi
"$BIN/kafka-features.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" describe | grep -E 'share\.version|metadata\.version'
