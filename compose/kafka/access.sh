#!/usr/bin/env bash
# One-shot run by compose (service kafka-access) after kafka-init: as the cluster's administrator, creates the shared
# topics and the fleets' group configs, gives every service its SCRAM-SHA-512 credential (the files compose mounts
# under /run/secrets, kafka.<user>.password) and makes the services' ACLs exactly the catalogue's
# (ops kafka-access, ServicePrincipal). Safe to run any number of times; rerun it after changing a password.
set -euo pipefail

# The admin credential goes from the environment into a file only this process reads: never onto a command line.
umask 077
config="$(mktemp)"
printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="dsp-admin" password="%s";\n' \
  "$KAFKA_ADMIN_PASSWORD" > "$config"
unset KAFKA_ADMIN_PASSWORD

exec java -jar /app/ops-*.jar kafka-access \
  --bootstrap-servers "${BOOTSTRAP:-kafka-1:9092,kafka-2:9092,kafka-3:9092}" \
  --command-config "$config" \
  --secrets-dir /run/secrets \
  --replication-factor 3
