#!/usr/bin/env bash
# Makes a self-signed certificate for trying the edge: edge/certs/tls.crt and tls.key (git-ignored).
# Usage: compose/edge/make-self-signed-cert.sh [host-name] [days]
# Production: mount a CA-signed pair instead (EDGE_CERT_DIR in .env); legacy workers verify wss:// certificates.
set -euo pipefail

HOST="${1:-localhost}"
DAYS="${2:-365}"
DIR="$(cd "$(dirname "$0")" && pwd)/certs"
mkdir -p "$DIR"

if ! command -v openssl >/dev/null; then
  echo "openssl is needed (apt-get install -y openssl)" >&2
  exit 1
fi

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" \
  -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST,DNS:localhost,IP:127.0.0.1" \
  -keyout "$DIR/tls.key" -out "$DIR/tls.crt" 2>/dev/null
# nginx-unprivileged runs as uid 101 and must read the key: fine for a trial pair; for a real key prefer
# chown 101 tls.key && chmod 600 tls.key.
chmod 644 "$DIR/tls.crt"
chmod 644 "$DIR/tls.key"
echo "Wrote $DIR/tls.crt and $DIR/tls.key for $HOST (valid $DAYS days)"
openssl x509 -in "$DIR/tls.crt" -noout -subject -enddate
