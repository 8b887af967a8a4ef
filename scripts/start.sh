#!/usr/bin/env bash
# Starts Hovor: builds what is missing, then serves the app and the API on one port with a SQLite
# database (created, migrated and filled with the demo contact center on first start; kept after).
#   HOVOR_LISTEN (default 127.0.0.1:8080), DATABASE_URL (default sqlite://hovor.db) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

HOVOR_NEED_BROWSER=0 scripts/build.sh
exec target/release/hovor-server --demo --dist dist "$@"
