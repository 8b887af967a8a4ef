#!/usr/bin/env bash
# Starts Hovor: builds what is missing, then serves the app and the API on one port with a SQLite
# database (created, migrated and filled with the demo contact center on first start; kept after).
#   HOVOR_LISTEN (default 127.0.0.1:8080), DATABASE_URL (default sqlite://hovor.db), HOVOR_SMTP_URL and
#   HOVOR_INBOUND_EMAIL_TOKEN override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

HOVOR_NEED_BROWSER=0 scripts/build.sh

# Email: agents' emails go to a local SMTP sink that keeps each one in mail/ (point --smtp-url at a real
# relay instead); arriving email is posted to /api/email/inbound with this token.
: "${HOVOR_SMTP_URL:=smtp://127.0.0.1:2525}"
: "${HOVOR_INBOUND_EMAIL_TOKEN:=demo-inbound-token}"
export HOVOR_SMTP_URL HOVOR_INBOUND_EMAIL_TOKEN
if [ "$HOVOR_SMTP_URL" = "smtp://127.0.0.1:2525" ]; then
  target/release/hovor-mail-sink --listen 127.0.0.1:2525 --dir mail &
  sink=$!
  trap 'kill "$sink" 2>/dev/null' EXIT
fi
target/release/hovor-server --demo --dist dist "$@"
